"""The application runs as a database role that owns nothing: it registers and changes
cases, but cannot rewrite the audit log or the case history (TRUNCATE, DISABLE TRIGGER,
DROP TRIGGER, UPDATE, DELETE), and the history tables refuse UPDATE and DELETE to every
role, the owner included (docs/database-roles.md)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.append_only import TRIGGER, append_only_tables, history_tables
from audit.models import Action, AuditEvent
from cases.models import Child
from cases.services.editing import update_case
from tests.factories import make_child

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and triggers are PostgreSQL's"
)


def app_role_name() -> str:
    # Roles belong to the whole cluster: one per test database, so that parallel runs
    # (other branches, other test databases) do not meet.
    return f"{connection.settings_dict['NAME']}_app"[:63]


def refused(sql: str, params=None) -> str:
    """Run one statement in autocommit; the database must refuse it. Returns its message."""
    with pytest.raises(DatabaseError) as caught, connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(caught.value)


@pytest.fixture
def app_role(transactional_db, lookups_loaded):
    role = app_role_name()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role}" if _exists(cursor, role) else "SELECT 1")
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
    out = io.StringIO()
    call_command("setup_app_role", role, "--create", stdin=io.StringIO("app-secret\n"), stdout=out)
    assert f"Role {role}:" in out.getvalue() and "owns nothing" in out.getvalue()
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


def _exists(cursor, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


@pytest.fixture
def as_app_role(app_role):
    """The default connection, reopened as the application's role (as gunicorn and the
    worker connect in the compose deployment)."""
    owner = connection.settings_dict["USER"]
    connection.close()
    connection.settings_dict["USER"] = app_role
    yield app_role
    connection.close()
    connection.settings_dict["USER"] = owner


def test_the_app_role_runs_the_application_and_cannot_rewrite_the_audit_or_history(
    as_app_role, worker_tm, client
):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == as_app_role

    # The application works: register, change a case, look at it (rows, history, audit).
    child = make_child(worker_tm, seed=3)
    first_name = child.first_name
    update_case(child, {"first_name": "Olena"}, worker_tm, child.version)
    client.force_login(worker_tm)
    assert client.get(child.get_absolute_url()).status_code == 200
    assert child.history.count() >= 2
    assert AuditEvent.objects.filter(object_code=child.code, action=Action.VIEW_CASE).exists()
    history = Child.history.model._meta.db_table
    assert history == "cases_historicalchild"

    # The audit log: neither emptied, nor its trigger switched off or removed.
    assert "permission denied" in refused("TRUNCATE audit_auditevent")
    assert "must be owner" in refused(
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update"
    )
    assert "must be owner" in refused("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
    assert "must be owner" in refused("DROP TRIGGER audit_event_no_update ON audit_auditevent")
    refused("UPDATE audit_auditevent SET username = 'someone'")
    refused("DELETE FROM audit_auditevent")

    # The case history: not changed, not deleted, not emptied, trigger kept.
    refused("UPDATE cases_historicalchild SET first_name = 'X' WHERE id = %s", [child.pk])
    refused("DELETE FROM cases_historicalchild WHERE id = %s", [child.pk])
    refused(f"TRUNCATE {history}")
    assert "must be owner" in refused(f"DROP TRIGGER {TRIGGER} ON {history}")
    assert "must be owner" in refused(f"ALTER TABLE {history} DISABLE TRIGGER {TRIGGER}")
    # The anonymisation flag does not open the door to a role that owns nothing.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL primero.anonymising = 'on'")
        cursor.execute(
            "UPDATE cases_historicalchild SET first_name = 'X' WHERE id = %s", [child.pk]
        )
    # No schema change either.
    assert "permission denied" in refused("CREATE TABLE grab (id int)")
    refused("ALTER TABLE cases_child ADD COLUMN grab int")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
            "WHERE r.rolname = current_user"
        )
        assert cursor.fetchone()[0] == 0
    # Nothing was rewritten: the history still tells the name before and after the change.
    assert set(child.history.values_list("first_name", flat=True)) == {first_name, "Olena"}
    assert AuditEvent.objects.filter(object_code=child.code).count() >= 3


def test_the_command_refuses_the_owner_itself_and_an_unknown_role(transactional_db):
    owner = connection.settings_dict["USER"]
    with pytest.raises(CommandError, match="owner"):
        call_command("setup_app_role", owner)
    with pytest.raises(CommandError, match="--create"):
        call_command("setup_app_role", "no_such_role_here")
    with pytest.raises(CommandError, match="lower-case"):
        call_command("setup_app_role", "Bad-Name;")


@pytest.mark.django_db
def test_every_history_table_has_the_append_only_trigger():
    tables = history_tables()
    assert {"cases_historicalchild", "referrals_historicalreferral"} <= set(tables)
    assert "cases_historicalchild_protection_concerns" in tables
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND t.tgenabled = 'O'",
            [TRIGGER],
        )
        with_trigger = {row[0] for row in cursor.fetchall()}
    assert set(tables) <= with_trigger
    assert set(append_only_tables()) == {"audit_auditevent", *tables}


@pytest.mark.django_db
def test_history_refuses_update_and_delete_even_to_the_owner(worker_tm):
    child = make_child(worker_tm, seed=4)
    for sql in (
        "UPDATE cases_historicalchild SET first_name = 'X' WHERE id = %s",
        "DELETE FROM cases_historicalchild WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [child.pk])
    # Through the ORM as well (what a careless data fix would do).
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        child.history.update(first_name="X")
    assert set(child.history.values_list("first_name", flat=True)) == {child.first_name}


@pytest.mark.django_db
def test_anonymisation_by_the_owner_is_the_one_rewrite_let_through(worker_tm):
    """What issue 15's anonymisation will do, in a function owned by the owner role."""
    child = make_child(worker_tm, seed=5)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL primero.anonymising = 'on'")
        cursor.execute("UPDATE cases_historicalchild SET first_name = '' WHERE id = %s", [child.pk])
    assert set(child.history.values_list("first_name", flat=True)) == {""}
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL primero.anonymising = 'on'")
        cursor.execute("DELETE FROM cases_historicalchild WHERE id = %s", [child.pk])
