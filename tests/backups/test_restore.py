"""A backup restores with nothing lost (issue 15 item 7, docs/backups.md): pg_dump -Fc of
the test database, pg_restore into a fresh database on this machine's PostgreSQL, and
the same quarterly report figures and the same audit log read from the copy."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest
from django.db import connection

from audit.log import record
from audit.models import Action, AuditEvent
from cases.models import Child
from reporting.engine import compute_report
from tests.reporting import dataset

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs PostgreSQL's client tools"),
]

AT = dt.datetime(2024, 1, 1, 3, tzinfo=dt.UTC)


def _pg_env(settings_dict) -> tuple[list[str], dict[str, str]]:
    args = ["-h", settings_dict["HOST"] or "127.0.0.1", "-p", str(settings_dict["PORT"] or 5432)]
    args += ["-U", settings_dict["USER"] or "postgres"]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _figures() -> dict:
    return {
        county: compute_report("2023Q4", county, "full", generated_at=AT)
        for county in (None, "RO-TM", "RO-SV")
    }


def _audit() -> list[tuple]:
    return list(
        AuditEvent.objects.order_by("id").values_list(
            "id", "at", "username", "action", "object_code", "county_id", "ip_address", "details"
        )
    )


def test_a_dump_restores_into_a_new_database_with_the_same_figures_and_audit_log(
    lookups_loaded, worker_tm, worker_sv, country, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("the backup is a PostgreSQL dump")
    data = dataset.build(worker_tm, worker_sv)
    some_case = next(iter(data.values()))
    record(country, Action.VIEW_CASE, obj=some_case)
    record(country, Action.EXPORT, county_code="RO-TM", format="csv", children=3)
    before_figures, before_audit = _figures(), _audit()
    before_cases = sorted(Child.objects.values_list("code", "version"))
    assert before_figures[None]["tables"] and len(before_audit) >= 2

    original = connection.settings_dict["NAME"]
    restored = f"{original}_restored"
    args, env = _pg_env(connection.settings_dict)
    dump = tmp_path / "primero.dump"
    subprocess.run(["pg_dump", *args, "-Fc", "-f", str(dump), original], env=env, check=True)
    subprocess.run(["dropdb", *args, "--if-exists", restored], env=env, check=True)
    subprocess.run(["createdb", *args, restored], env=env, check=True)
    try:
        subprocess.run(
            ["pg_restore", *args, "--no-owner", "--exit-on-error", "-d", restored, str(dump)],
            env=env,
            check=True,
        )
        connection.close()
        connection.settings_dict["NAME"] = restored
        try:
            assert connection.cursor().connection.info.dbname == restored
            after_figures, after_audit = _figures(), _audit()
            after_cases = sorted(Child.objects.values_list("code", "version"))
        finally:
            connection.close()
            connection.settings_dict["NAME"] = original
    finally:
        subprocess.run(["dropdb", *args, "--if-exists", restored], env=env, check=True)
    assert after_figures == before_figures
    assert after_audit == before_audit
    assert after_cases == before_cases
