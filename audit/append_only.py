"""The tables nobody may rewrite: the audit log and every history table.

On PostgreSQL a trigger refuses UPDATE and DELETE on them for every role, and the
application's role (docs/database-roles.md) has neither UPDATE, DELETE nor TRUNCATE on
them and owns nothing, so that it can neither disable nor drop the triggers.

Anonymisation (issue 15) must blank the personal columns of a case's history rows. It is
the one rewrite allowed, and only through a function owned by the owner role (SECURITY
DEFINER, added by a migration then): the trigger lets an UPDATE through when the current
role owns the table and the transaction set `primero.anonymising` to `on`. The application
role may set the flag but owns nothing, so the flag alone opens nothing. DELETE is never let
through, and the audit log keeps its own trigger (audit/migrations/0002) with no exception.

Installed after every `migrate` (post_migrate, by the owner role), so that a history table
added by a later model gets its trigger without anyone remembering to; a test checks that
every history model's table has it.
"""

from __future__ import annotations

from django.apps import apps

TRIGGER = "history_append_only"

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION history_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('primero.anonymising', true) = 'on'
       AND pg_has_role(current_user,
                       (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def history_tables() -> list[str]:
    """The tables of django-simple-history: one per tracked model and per tracked m2m."""
    from simple_history.models import HistoricalChanges

    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, HistoricalChanges) and model._meta.managed
    )


def append_only_tables() -> list[str]:
    from .models import AuditEvent

    return [AuditEvent._meta.db_table, *history_tables()]


def install(connection) -> int:
    """Create or refresh the history triggers; returns how many tables have one."""
    if connection.vendor != "postgresql":
        return 0
    existing = set(connection.introspection.table_names())
    tables = [t for t in history_tables() if t in existing]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        # Only where missing: the test runner's flush sends post_migrate after every
        # transactional test, and DDL takes locks.
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND t.tgenabled = 'O'",
            [TRIGGER],
        )
        present = {row[0] for row in cursor.fetchall()}
        for table in tables:
            if table in present:
                continue
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {quote(table)} "
                "FOR EACH ROW EXECUTE FUNCTION history_append_only()"
            )
    return len(tables)


def install_after_migrate(sender, using, **kwargs) -> None:
    from django.db import connections

    install(connections[using])
