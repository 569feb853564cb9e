"""The dashboards' figures are kept per county (reporting/dashboard.py, issue 14): the page
after a registration, a closure, a transfer or an import shows the new figure, and a
change in one county never moves, nor re-counts, another county's figures.

Each change runs its commit callbacks (django_capture_on_commit_callbacks), as a real
commit would: that is when a county's version changes (cases.figure_versions).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStatus, Child
from cases.services.closure import close_case
from cases.services.transfer import transfer_case
from imports.services import run_import
from reporting import dashboard
from tests.imports.helpers import caregiver_row, child_row, sources
from tests.reporting.dataset import kid

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def shown(client, user) -> dict[str, int]:
    """The four figures of the user's home page, by their (English) label."""
    client.force_login(user)
    board = client.get(reverse("home")).context["dashboard"]
    return {figure.label: figure.value for figure in board.figures}


@pytest.fixture
def cases(worker_tm, worker_sv, today):
    month = today.replace(day=1)
    return {
        "tm": kid(worker_tm, reg=month, county="RO-TM", sex="female", age=8, seed=1),
        "tm2": kid(worker_tm, reg=month, county="RO-TM", sex="male", age=4, seed=2),
        "sv": kid(worker_sv, reg=month, county="RO-SV", sex="male", age=10, seed=3),
    }


def test_a_registration_shows_on_the_next_page(
    client,
    coord_tm,
    coord_sv,
    country,
    worker_tm,
    cases,
    today,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    before = {u: shown(client, u) for u in (coord_tm, coord_sv, country)}
    with django_capture_on_commit_callbacks(execute=True):
        kid(worker_tm, reg=today, county="RO-TM", sex="female", age=12, seed=9)
    assert shown(client, coord_tm)["open cases"] == before[coord_tm]["open cases"] + 1 == 3
    assert shown(client, country)["open cases"] == before[country]["open cases"] + 1 == 4
    # Suceava's figures neither moved nor were counted again: they came from the cache.
    assert shown(client, coord_sv) == before[coord_sv]
    with django_assert_num_queries(0):
        assert dashboard.scope_figures(coord_sv, today)["counts"]["open"] == 1


def test_a_closure_shows_on_the_next_page(
    client, coord_tm, coord_sv, cases, today, django_capture_on_commit_callbacks
):
    assert shown(client, coord_tm)["closed cases"] == 0
    sv_before = shown(client, coord_sv)
    with django_capture_on_commit_callbacks(execute=True):
        close_case(cases["tm"], coord_tm, "needs_met", today)
    figures = shown(client, coord_tm)
    assert (figures["open cases"], figures["closed cases"]) == (1, 1)
    assert shown(client, coord_sv) == sv_before


def test_a_transfer_moves_the_case_between_the_two_counties_figures(
    client, coord_tm, coord_sv, country, cases, today, django_capture_on_commit_callbacks
):
    assert shown(client, coord_tm)["open cases"] == 2
    assert shown(client, coord_sv)["open cases"] == 1
    national = shown(client, country)
    assert dict(dashboard.by_county(country)) == {"RO-TM": 2, "RO-SV": 1}
    with django_capture_on_commit_callbacks(execute=True):
        transfer_case(cases["tm"], country, "RO-SV")
    assert shown(client, coord_tm)["open cases"] == 1
    assert shown(client, coord_sv)["open cases"] == 2
    assert shown(client, country) == national
    assert dict(dashboard.by_county(country)) == {"RO-SV": 2, "RO-TM": 1}


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "one-by-one"])
def test_an_import_shows_on_the_next_page(
    client,
    coord_tm,
    coord_sv,
    country,
    cases,
    monkeypatch,
    bulk,
    django_capture_on_commit_callbacks,
):
    from imports import services

    monkeypatch.setattr(services, "BULK_MIN", 0 if bulk else 10**6)
    tm, sv = shown(client, coord_tm), shown(client, coord_sv)
    rows = [
        child_row("IMP-1"),
        child_row("IMP-2", first_name="Mykola", sex="male"),
        child_row("IMP-3", status="closed", closed_on="2023-09-01", closure_reason="needs_met"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(sources(rows, [caregiver_row()]), country)
    assert result.ok, result.issues
    figures = shown(client, coord_tm)
    assert figures["open cases"] == tm["open cases"] + 2
    assert figures["closed cases"] == tm["closed cases"] + 1
    assert shown(client, coord_sv) == sv


def test_a_change_rolled_back_changes_no_figure(client, coord_tm, cases, today):
    from django.db import transaction

    before = shown(client, coord_tm)
    with pytest.raises(RuntimeError), transaction.atomic():
        close_case(cases["tm"], coord_tm, "needs_met", today)
        raise RuntimeError
    assert shown(client, coord_tm) == before


def test_a_new_day_counts_again(coord_tm, cases, today):
    """Overdue follow-ups depend on the date: tomorrow's figures are counted tomorrow."""
    Child.objects.filter(pk=cases["tm"].pk).update(next_follow_up_due=today)
    assert dashboard.case_counts(coord_tm, today)["overdue"] == 0
    assert dashboard.case_counts(coord_tm, today + dt.timedelta(days=1))["overdue"] == 1


def test_kept_figures_equal_an_independent_count(
    client, coord_tm, country, worker_tm, cases, today, django_capture_on_commit_callbacks
):
    """After a series of changes, with the figures kept between them, the national
    figures are what a plain count of the rows says."""
    shown(client, country)
    with django_capture_on_commit_callbacks(execute=True):
        close_case(cases["tm2"], coord_tm, "left_romania", today)
    shown(client, country)
    with django_capture_on_commit_callbacks(execute=True):
        transfer_case(cases["sv"], country, "RO-B")
    shown(client, country)
    with django_capture_on_commit_callbacks(execute=True):
        kid(worker_tm, reg=today, county="RO-TM", sex="male", age=15, seed=8, uasc="unaccompanied")

    figures = dashboard.scope_figures(country, today)
    cases_ = Child.objects.filter(anonymous=False)
    assert figures["counts"] == {
        "total": cases_.count(),
        "open": cases_.filter(status=CaseStatus.OPEN).count(),
        "closed": cases_.filter(status=CaseStatus.CLOSED).count(),
        "high_risk": cases_.filter(status=CaseStatus.OPEN, risk_level="high").count(),
        "overdue": cases_.filter(status=CaseStatus.OPEN, next_follow_up_due__lt=today).count(),
    }
    assert figures["counts"]["high_risk"] == 1
    assert figures["by_county"] == {
        code: Child.objects.filter(current_county_id=code)
        .exclude(closure_reason="duplicate")
        .count()
        for code in ("RO-TM", "RO-B")
    }
