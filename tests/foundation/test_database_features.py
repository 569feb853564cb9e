"""The bulk import needs bulk_create() to set primary keys: what the supported databases
do (PostgreSQL, SQLite from 3.35), and an older SQLite is refused at start-up."""

from __future__ import annotations

import pytest

from cases.models import Household
from tests.foundation.test_settings_env import DEV, run_python


@pytest.mark.django_db
def test_bulk_create_sets_primary_keys():
    households = Household.objects.bulk_create([Household(household_ref=f"H{n}") for n in range(3)])
    assert all(h.pk for h in households)
    assert {h.pk for h in households} == set(
        Household.objects.filter(household_ref__startswith="H").values_list("pk", flat=True)
    )


def test_sqlite_without_returning_is_refused():
    load_with_old_sqlite = [
        "-c",
        "import sqlite3; sqlite3.sqlite_version_info = (3, 34, 1); sqlite3.sqlite_version = '3.34.1'; "
        "from django.conf import settings; settings.DEBUG",
    ]
    result = run_python(load_with_old_sqlite, **DEV, DATABASE_URL="sqlite:///:memory:")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: DATABASE_URL: ")
    assert "SQLite 3.34.1 is too old" in last_line


def test_current_sqlite_is_accepted():
    result = run_python(
        ["-c", "from django.conf import settings; settings.DEBUG"],
        **DEV,
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode == 0, result.stderr
