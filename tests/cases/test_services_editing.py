"""update_case, the browser's edit of a case (also the import's): the schedule follows an
edited risk level, links, the history reason."""

from __future__ import annotations

import datetime as dt

import pytest

from cases import reasons, rules
from cases.services.editing import update_case
from cases.services.followups import record_follow_up
from tests.cases._workflow import TODAY, open_case

pytestmark = pytest.mark.django_db


def test_editing_the_risk_level_moves_the_next_follow_up(worker_tm):
    child = open_case(worker_tm, risk="low")
    update_case(child, {"risk_level": "high", "risk_justification": "Alone."}, worker_tm, 1)
    assert child.next_follow_up_due == rules.next_follow_up(child.registration_date, "high")
    assert child.first_follow_up_due == child.next_follow_up_due
    assert child.history.first().history_change_reason == reasons.encode(
        "edit", fields="risk_justification,risk_level"
    )


def test_after_a_follow_up_the_schedule_counts_from_it(worker_tm):
    child = open_case(worker_tm, risk="low")
    done = TODAY() - dt.timedelta(days=3)
    record_follow_up(child, worker_tm, done, "home_visit", "", "low")
    child.refresh_from_db()
    first = child.first_follow_up_due
    update_case(child, {"risk_level": "medium"}, worker_tm, child.version)
    assert child.next_follow_up_due == rules.next_follow_up(done, "medium")
    assert child.first_follow_up_due == first


def test_other_edits_keep_the_schedule(worker_tm):
    child = open_case(worker_tm, risk="low")
    due = child.next_follow_up_due
    update_case(child, {"current_locality": "Lugoj"}, worker_tm, 1)
    assert child.next_follow_up_due == due and child.version == 2
