"""Name search at a million cases (issue 14).

The trigram index of the name key gains the current county as its first column
(btree_gin), and only cases (not anonymous records, which the list never shows) are
indexed: a county coordinator's fuzzy search then reads the trigram entries of their
county's cases alone, instead of every match in the country followed by a filter on the
county. The country coordinator's search uses the same index without the county.

The planner's statistics of the name key are sampled more widely: with the default sample
it guessed ~100 rows for a common name that matches thousands, and so chose the trigram
index over the whole country even for a field worker, whose own few thousand cases are far
cheaper to test one by one (their scope is an id list, see Child.objects.visible_to).
"""

from django.db import migrations

STATISTICS = 300


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_county_name_trgm ON cases_child "
        "USING gin (current_county_id, name_key gin_trgm_ops) WHERE NOT anonymous"
    )
    schema_editor.execute("DROP INDEX IF EXISTS child_name_key_trgm")
    schema_editor.execute(
        f"ALTER TABLE cases_child ALTER COLUMN name_key SET STATISTICS {STATISTICS}"
    )
    schema_editor.execute("ANALYZE cases_child")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE cases_child ALTER COLUMN name_key SET STATISTICS -1")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS child_name_key_trgm ON cases_child "
        "USING gin (name_key gin_trgm_ops)"
    )
    schema_editor.execute("DROP INDEX IF EXISTS case_county_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_field_worker_scope_indexes")]

    operations = [migrations.RunPython(forward, backward)]
