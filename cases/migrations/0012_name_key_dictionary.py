"""The dictionary of distinct name keys (cases.models.NameKey, issue 14), kept by the
database itself, and a b-tree that reads the cases of a few keys within a date window.

Why triggers rather than the services: the keys of cases are written by the services, by
cases.bulk's COPY (imports), by bulk UPDATEs, by anonymisation and erasure; a trigger is
the one place all of them pass, like an index. It keeps the table exact at commit:

- A statement that inserts cases adds their keys (one statement for a whole COPY) and holds
  a KEY SHARE lock on each key until it commits. Such locks never wait for each other, so
  registrations of one common name do not queue.
- A case that leaves a key (renamed, anonymised, made an anonymous record, deleted) takes
  the key's row FOR UPDATE, which waits for any transaction still adding that key; then,
  in a fresh snapshot (a new statement under READ COMMITTED), deletes the key if no case
  holds it any more. The key of an anonymised case is therefore gone when it commits.
- A key that a concurrent transaction deletes between our INSERT ... ON CONFLICT DO NOTHING
  and our lock is simply inserted again (the loop in cases_name_key_add).
"""

from django.db import migrations, models, transaction

FUNCTIONS = """
CREATE OR REPLACE FUNCTION cases_name_key_add(keys text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    wanted integer;
    held integer;
BEGIN
    SELECT count(DISTINCT k) INTO wanted FROM unnest(keys) AS k WHERE k <> '';
    IF wanted = 0 THEN
        RETURN;
    END IF;
    LOOP
        INSERT INTO cases_name_key (key)
            SELECT DISTINCT k FROM unnest(keys) AS k WHERE k <> '' ORDER BY 1
            ON CONFLICT DO NOTHING;
        SELECT count(*) INTO held FROM (
            SELECT 1 FROM cases_name_key WHERE key = ANY (keys) ORDER BY key FOR KEY SHARE
        ) AS locked;
        EXIT WHEN held = wanted;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION cases_name_key_forget(old_key text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM cases_name_key WHERE key = old_key FOR UPDATE;
    IF FOUND AND NOT EXISTS (
        SELECT 1 FROM cases_child WHERE name_key = old_key AND NOT anonymous
    ) THEN
        DELETE FROM cases_name_key WHERE key = old_key;
    END IF;
END $$;

CREATE OR REPLACE FUNCTION cases_child_name_keys_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cases_name_key_add(ARRAY(
        SELECT DISTINCT name_key FROM inserted_children
        WHERE NOT anonymous AND name_key <> ''
    ));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cases_child_name_key_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NOT NEW.anonymous AND NEW.name_key <> '' THEN
        PERFORM cases_name_key_add(ARRAY[NEW.name_key]::text[]);
    END IF;
    IF NOT OLD.anonymous AND OLD.name_key <> ''
            AND (TG_OP = 'DELETE' OR NEW.anonymous OR NEW.name_key <> OLD.name_key) THEN
        PERFORM cases_name_key_forget(OLD.name_key);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cases_child_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM cases_name_key;
    RETURN NULL;
END $$;
"""

TRIGGERS = """
CREATE TRIGGER cases_child_name_keys_insert AFTER INSERT ON cases_child
    REFERENCING NEW TABLE AS inserted_children
    FOR EACH STATEMENT EXECUTE FUNCTION cases_child_name_keys_inserted();
CREATE TRIGGER cases_child_name_key_update AFTER UPDATE OF name_key, anonymous ON cases_child
    FOR EACH ROW
    WHEN (OLD.name_key IS DISTINCT FROM NEW.name_key OR OLD.anonymous IS DISTINCT FROM NEW.anonymous)
    EXECUTE FUNCTION cases_child_name_key_changed();
CREATE TRIGGER cases_child_name_key_delete AFTER DELETE ON cases_child
    FOR EACH ROW EXECUTE FUNCTION cases_child_name_key_changed();
CREATE TRIGGER cases_child_name_keys_truncate AFTER TRUNCATE ON cases_child
    FOR EACH STATEMENT EXECUTE FUNCTION cases_child_truncated();
"""

DROP = """
DROP TRIGGER IF EXISTS cases_child_name_keys_insert ON cases_child;
DROP TRIGGER IF EXISTS cases_child_name_key_update ON cases_child;
DROP TRIGGER IF EXISTS cases_child_name_key_delete ON cases_child;
DROP TRIGGER IF EXISTS cases_child_name_keys_truncate ON cases_child;
DROP FUNCTION IF EXISTS cases_child_name_keys_inserted();
DROP FUNCTION IF EXISTS cases_child_name_key_changed();
DROP FUNCTION IF EXISTS cases_child_truncated();
DROP FUNCTION IF EXISTS cases_name_key_add(text[]);
DROP FUNCTION IF EXISTS cases_name_key_forget(text);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    alias = schema_editor.connection.alias
    with transaction.atomic(using=alias):
        schema_editor.execute(FUNCTIONS)
        # The triggers first (they lock out writes to cases_child until this commits),
        # then the keys already stored: none can be missed between the two.
        schema_editor.execute(TRIGGERS)
        schema_editor.execute(
            "INSERT INTO cases_name_key (key) SELECT DISTINCT name_key FROM cases_child "
            "WHERE NOT anonymous AND name_key <> '' ON CONFLICT DO NOTHING"
        )
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS name_key_trgm ON cases_name_key "
        "USING gin (key gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS name_key_words ON cases_name_key "
        "USING gin (string_to_array(key, ' '))"
    )
    # The cases of the keys found: born within a window (the duplicate check), in a
    # county, newest first (the search). Index-only: the table's rows are not read.
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_name_key_birth ON cases_child "
        "(name_key, date_of_birth) INCLUDE (current_county_id, registration_date, id) "
        "WHERE NOT anonymous"
    )
    schema_editor.execute("ANALYZE cases_name_key")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS case_name_key_birth")
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("cases", "0011_name_search_scoped_by_county"),
    ]

    operations = [
        migrations.CreateModel(
            name="NameKey",
            fields=[
                ("key", models.CharField(max_length=300, primary_key=True, serialize=False)),
            ],
            options={
                "db_table": "cases_name_key",
                "default_permissions": (),
            },
        ),
        migrations.RunPython(forward, backward),
    ]
