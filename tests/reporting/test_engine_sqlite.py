"""The engine gives the same documents on SQLite as on PostgreSQL.

The hand-built data set is seeded in a fresh SQLite database by a subprocess (its own
settings, DATABASE_URL=sqlite:///...), which prints the documents it computes; the same
data set is seeded here, on PostgreSQL, and the documents must be identical.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from reporting.engine import compute_report
from tests.reporting import dataset

CASES = [
    ("2023Q4", None, "full"),
    ("2023Q4", None, "public"),
    ("2023Q3", None, "full"),
    ("2023Q4", "RO-TM", "full"),
    ("2023Q4", "RO-SV", "public"),
    ("2024Q1", "RO-B", "full"),
]
GENERATED_AT = "2024-01-01T03:00:00Z"

SCRIPT = """
import json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts.models import Role
from tests.personas import make_user
from tests.reporting import dataset
from reporting.engine import compute_report
worker_tm = make_user("worker.tm", Role.FIELD_WORKER, "RO-TM")
worker_sv = make_user("worker.sv", Role.FIELD_WORKER, "RO-SV")
dataset.build(worker_tm, worker_sv)
cases = json.loads(sys.argv[1])
json.dump([compute_report(p, c, v, generated_at=sys.argv[2]) for p, c, v in cases], sys.stdout)
"""


@pytest.mark.django_db
def test_sqlite_and_postgresql_give_identical_documents(worker_tm, worker_sv, tmp_path):
    assert connection.vendor == "postgresql"
    dataset.build(worker_tm, worker_sv)
    on_postgres = [compute_report(p, c, v, generated_at=GENERATED_AT) for p, c, v in CASES]

    sqlite_file = tmp_path / "report.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primero_ro.test_settings",
        "DATABASE_URL": f"sqlite:///{sqlite_file}",
        "LANGUAGE_CODE": "en",
    }
    env.pop("TEST_DATABASE_NAME", None)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(CASES), GENERATED_AT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    on_sqlite = json.loads(result.stdout)
    for case, pg_doc, lite_doc in zip(CASES, on_postgres, on_sqlite, strict=True):
        assert lite_doc == pg_doc, case
    # Not trivially equal: the documents hold the data set's figures.
    assert on_sqlite[0]["tables"]["totals"]["rows"][0]["cumulative"] == 10
