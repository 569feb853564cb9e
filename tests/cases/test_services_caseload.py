import datetime as dt

import pytest

from cases.services import caseload
from cases.services.assignment import assign_case
from cases.services.closure import close_case
from cases.services.followups import record_follow_up
from tests.cases._workflow import TODAY, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_cases(worker_tm, worker2_tm, coord_tm, worker_sv):
    # worker_tm: 2 open (one high risk, overdue, no recent contact) + 1 closed
    a = open_case(worker_tm, risk="high", days_ago=100, seed=1)  # overdue since day 14
    b = open_case(worker_tm, risk="low", days_ago=10, seed=2)
    record_follow_up(b, worker_tm, TODAY(), "phone", "", "low")
    c = open_case(worker_tm, days_ago=10, seed=3)
    close_case(c, worker_tm, "needs_met", TODAY())
    # worker2_tm: one assigned by the coordinator, followed up 61 days ago (overdue since 31)
    d = open_case(coord_tm, risk="medium", days_ago=200, seed=4)
    assign_case(d, coord_tm, worker2_tm)
    record_follow_up(d, worker2_tm, TODAY() - dt.timedelta(days=61), "phone", "", "medium")
    # unassigned, registered by the coordinator
    open_case(coord_tm, risk="low", days_ago=5, seed=5)
    # Suceava
    open_case(worker_sv, risk="high", days_ago=3, seed=6)
    return a, b, c, d


def figures(row):
    return (row.open_cases, row.high_risk, row.overdue, row.no_recent_follow_up)


def test_rows_per_worker(county_cases, worker_tm, worker2_tm, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        rows = caseload.rows_per_worker("RO-TM")
    by_key = {r.key: r for r in rows}
    assert figures(by_key[worker_tm.pk]) == (2, 1, 1, 1)
    assert figures(by_key[worker2_tm.pk]) == (1, 0, 1, 1)
    assert figures(by_key[None]) == (1, 0, 0, 0)
    assert figures(caseload.total(rows)) == (4, 1, 2, 2)


def test_rows_per_county(county_cases, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        rows = caseload.rows_per_county()
    by_key = {r.key: r for r in rows}
    assert figures(by_key["RO-TM"]) == (4, 1, 2, 2)
    assert figures(by_key["RO-SV"]) == (1, 1, 0, 0)


def test_own_row(county_cases, worker_tm, worker_sv):
    assert figures(caseload.own_row(worker_tm)) == (2, 1, 1, 1)
    assert figures(caseload.own_row(worker_sv)) == (1, 1, 0, 0)


def test_overdue_cases_follow_the_scope(county_cases, worker_tm, coord_tm, coord_sv, country):
    a, d = county_cases[0], county_cases[3]
    assert list(caseload.overdue_cases(worker_tm)) == [a]
    assert list(caseload.overdue_cases(coord_tm)) == [a, d]
    assert list(caseload.overdue_cases(coord_sv)) == []
    assert list(caseload.overdue_cases(country)) == [a, d]
