"""Overdue follow-ups and closures at the period's end, case by case (quarterly_report.md:
"a follow-up is overdue when an open case's next follow-up, by the follow-ups recorded up
to that day, was due before it"). The engine finds the latest follow-up and the closure
undone by a later reopening with joins, not a subquery per case: these cases pin down the
ties and edges such a rewrite could get wrong."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.models import Child, Reopening
from reporting.engine import compute_report
from tests.reporting.dataset import close, follow_up, kid

pytestmark = pytest.mark.django_db

D = dt.date
END = D(2023, 12, 31)  # 2023Q4


def totals(period: str = "2023Q4") -> dict[str, int]:
    rows = compute_report(period, "RO-TM")["tables"]["totals"]["rows"]
    return {r["measure"]: r["cumulative"] for r in rows}


@pytest.fixture
def make(worker_tm):
    seeds = iter(range(1, 100))

    def make(first_due: dt.date | None = None) -> Child:
        child = kid(
            worker_tm, reg=D(2023, 9, 1), county="RO-TM", sex="female", age=9, seed=next(seeds)
        )
        Child.objects.filter(pk=child.pk).update(first_follow_up_due=first_due)
        return child

    return make


def test_the_later_recorded_of_two_follow_ups_on_one_day_decides(make):
    not_due = make()
    follow_up(not_due, D(2023, 11, 1), D(2023, 11, 15))
    follow_up(not_due, D(2023, 11, 1), D(2024, 1, 15))
    due = make()
    follow_up(due, D(2023, 11, 1), D(2024, 1, 15))
    follow_up(due, D(2023, 11, 1), D(2023, 11, 15))
    assert totals()["followups_overdue"] == 1


def test_only_the_latest_follow_up_counts_even_without_a_next_date(make):
    child = make(first_due=D(2023, 9, 15))
    follow_up(child, D(2023, 9, 20), D(2023, 10, 1))  # overdue on its own
    follow_up(child, D(2023, 10, 5), None)  # the latest: no further visit planned
    assert totals()["followups_overdue"] == 0


def test_a_follow_up_done_after_the_end_is_not_yet_recorded(make):
    child = make(first_due=D(2023, 9, 15))
    follow_up(child, D(2023, 10, 1), D(2023, 11, 1))
    follow_up(child, D(2024, 1, 5), D(2024, 5, 1))
    assert totals()["followups_overdue"] == 1
    assert totals("2024Q1")["followups_overdue"] == 0


def test_without_follow_ups_the_first_due_date_decides(make):
    make(first_due=D(2023, 12, 30))  # due the day before the end: overdue
    make(first_due=END)  # due on the last day: not yet overdue
    make(first_due=None)
    assert totals()["followups_overdue"] == 1


def test_closed_cases_are_never_overdue_and_a_later_reopening_keeps_them_closed(make):
    closed = make(first_due=D(2023, 10, 1))
    close(closed, D(2023, 11, 1), "needs_met")
    reopened_later = make(first_due=D(2023, 10, 1))
    Reopening.objects.create(
        child=reopened_later,
        reopened_on=D(2024, 2, 1),
        reason="QA",
        previous_closure_reason="lost_contact",
        previous_closed_on=D(2023, 11, 20),
    )
    reopened_before = make(first_due=D(2023, 10, 1))  # reopened within the quarter: open
    Reopening.objects.create(
        child=reopened_before,
        reopened_on=D(2023, 12, 1),
        reason="QA",
        previous_closure_reason="lost_contact",
        previous_closed_on=D(2023, 11, 20),
    )
    figures = totals()
    assert figures["cases_open"] == 1
    assert figures["cases_closed"] == 2
    assert figures["followups_overdue"] == 1
    reasons = compute_report("2023Q4", "RO-TM")["tables"]["closures_by_reason"]["rows"]
    assert reasons == [
        {"closure_reason": "lost_contact", "cumulative": 1, "in_quarter": 1},
        {"closure_reason": "needs_met", "cumulative": 1, "in_quarter": 1},
    ]
