"""Retention: closed cases anonymised a configurable time after closure, reports unchanged."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from cases.models import AnonymisationRequest, Child
from cases.services.anonymisation import request_anonymisation
from cases.services.closure import close_case
from tests.cases._erasure import columns_holding, personal_case, reports
from tests.cases._workflow import TODAY, open_case
from tests.factories import make_child
from tests.foundation.test_settings_env import LOAD_SETTINGS, run_python

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(settings, worker_tm, worker_sv, coord_tm):
    """Cases on both sides of a one-year retention, over quarters from 2024 to now."""
    settings.RETENTION_AFTER_CLOSURE_DAYS = 365
    old = personal_case(worker_tm)  # closed 2024-08-05: due
    recent = open_case(worker_tm, days_ago=200, seed=31)
    close_case(recent, worker_tm, "needs_met", TODAY() - dt.timedelta(days=100))
    still_open = open_case(worker_sv, days_ago=900, seed=32)
    asked = open_case(worker_tm, days_ago=900, seed=33)
    close_case(asked, worker_tm, "left_romania", TODAY() - dt.timedelta(days=600))
    request_anonymisation(asked, coord_tm, "erasure_request")  # waits for its decision
    duplicate = open_case(worker_sv, days_ago=800, seed=34)
    close_case(duplicate, worker_sv, "duplicate", TODAY() - dt.timedelta(days=700))
    no_consent = make_child(
        worker_tm,
        seed=35,
        consent_registration=False,
        registration_date=dt.date(2024, 3, 3),
        entry_date=dt.date(2024, 3, 1),
    )
    return {
        "due": [old, duplicate],
        "untouched": [recent, still_open, asked, no_consent],
    }


def _anonymised(children):
    return [Child.objects.get(pk=c.pk).anonymised_at is not None for c in children]


def test_dry_run_counts_and_changes_nothing(story):
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert out.getvalue().startswith("Would anonymise 2 closed cases (closed on or before ")
    assert _anonymised(story["due"]) == [False, False]
    assert not AnonymisationRequest.objects.filter(reason="retention").exists()


def test_command_anonymises_due_cases_only_and_every_past_report_keeps_its_figures(story):
    before = reports()
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert out.getvalue().startswith("Anonymised 2 closed cases (closed on or before ")
    assert reports() == before
    assert _anonymised(story["due"]) == [True, True]
    assert _anonymised(story["untouched"]) == [False, False, False, False]
    assert columns_holding() == []  # the old case's personal values are gone everywhere
    requests = AnonymisationRequest.objects.filter(reason="retention", status="approved")
    assert requests.count() == 2 and not requests.filter(requested_by__isnull=False).exists()
    # Again: nothing left to do (safe to run twice).
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert out.getvalue().startswith("Anonymised 0 closed cases")


def test_beat_schedule_has_the_daily_job(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] == "cases.tasks.apply_retention"


@pytest.mark.parametrize("value", ["abc", "0", "-5", "5.5"])
def test_bad_retention_setting_refuses_to_start_and_names_it(value):
    result = run_python(LOAD_SETTINGS, DEBUG="true", RETENTION_AFTER_CLOSURE_DAYS=value)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert "RETENTION_AFTER_CLOSURE_DAYS" in last_line
