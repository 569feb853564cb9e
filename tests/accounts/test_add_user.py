"""manage.py add_user, exactly as roles.md describes it: password on standard input,
validated by Django's password validators; every bad input refused with nothing created."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import Role, User
from tests.personas import with_second_factor

pytestmark = pytest.mark.django_db

STRONG = "ochi-verzi-la-granita-77"


def add_user(*args: str, password: str = STRONG) -> str:
    out = io.StringIO()
    call_command("add_user", *args, stdin=io.StringIO(password + "\n"), stdout=out)
    return out.getvalue()


def test_creates_a_field_worker_in_a_county_with_a_usable_password():
    out = add_user(
        "ion.tm", "--role", "field_worker", "--county", "RO-TM", "--organisation", "DGASPC"
    )
    user = User.objects.get(username="ion.tm")
    assert user.role == Role.FIELD_WORKER
    assert user.county_id == "RO-TM"
    assert user.organisation == "DGASPC"
    assert user.check_password(STRONG)
    assert "ion.tm" in out and "RO-TM" in out


def test_creates_a_country_coordinator_without_a_county():
    add_user("napcra", "--role", "country_coordinator")
    assert User.objects.get(username="napcra").county is None


def test_superuser_flag_gives_the_admin(client):
    out = add_user("root", "--role", "country_coordinator", "--superuser")
    root = User.objects.get(username="root")
    assert root.is_superuser and root.is_staff
    assert "(superuser)" in out
    add_user("plain", "--role", "country_coordinator")
    assert not User.objects.get(username="plain").is_staff
    client.force_login(with_second_factor(root))
    assert client.get("/admin/accounts/user/").status_code == 200


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["x", "--role", "boss", "--county", "RO-TM"], STRONG, "Unknown role boss"),
        (["x", "--role", "field_worker", "--county", "RO-ZZ"], STRONG, "Unknown county RO-ZZ"),
        (["x", "--role", "field_worker"], STRONG, "needs a county"),
        (["x", "--role", "county_coordinator"], STRONG, "needs a county"),
        (["x", "--role", "field_worker", "--county", "RO-TM"], "short", "too short"),
        (["x", "--role", "field_worker", "--county", "RO-TM"], "password123", "too common"),
        (["x", "--role", "field_worker", "--county", "RO-TM"], "4815162342", "entirely numeric"),
        (["x", "--role", "field_worker", "--county", "RO-TM"], "", "No password"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_created(args, password, message):
    with pytest.raises(CommandError, match=message):
        add_user(*args, password=password)
    assert not User.objects.filter(username="x").exists()


def test_existing_username_is_refused_whatever_the_case(worker_tm):
    with pytest.raises(CommandError, match="already exists"):
        add_user("WORKER.TM", "--role", "field_worker", "--county", "RO-TM")
    assert User.objects.filter(username__iexact="worker.tm").count() == 1
    worker_tm.refresh_from_db()
    assert not worker_tm.check_password(STRONG)


def test_password_similar_to_the_username_is_refused():
    with pytest.raises(CommandError, match="too similar"):
        add_user("mariana.ionescu", "--role", "country_coordinator", password="mariana.ionescu1")
    assert not User.objects.filter(username="mariana.ionescu").exists()


def _run(*args: str, password: str) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primero_ro.test_settings",
        "LANGUAGE_CODE": "en",  # commands speak the deployment's language; we assert English
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    env.pop("TEST_DATABASE_NAME", None)
    return subprocess.run(
        [sys.executable, "manage.py", "add_user", *args],
        input=password + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the subprocess connects to the PostgreSQL test database",
)
@pytest.mark.django_db(transaction=True)
def test_command_line_exit_status_and_stderr(lookups_loaded):
    weak = _run("ana.sv", "--role", "field_worker", "--county", "RO-SV", password="123")
    assert weak.returncode == 1
    assert "too short" in weak.stderr
    assert "Traceback" not in weak.stderr
    assert not User.objects.filter(username="ana.sv").exists()

    ok = _run("ana.sv", "--role", "field_worker", "--county", "RO-SV", password=STRONG)
    assert ok.returncode == 0, ok.stderr
    assert "Created field_worker ana.sv in RO-SV." in ok.stdout
    assert User.objects.get(username="ana.sv").check_password(STRONG)

    again = _run("ana.sv", "--role", "field_worker", "--county", "RO-SV", password=STRONG)
    assert again.returncode == 1
    assert "already exists" in again.stderr
