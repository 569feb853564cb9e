import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import FollowUp
from cases.services.followups import record_follow_up
from cases.services.workflow import record_assessment
from tests.cases._workflow import TODAY, events, open_case

pytestmark = pytest.mark.django_db


def days(n):
    return dt.timedelta(days=n)


def test_follow_up_schedules_the_next_by_the_reviewed_risk_level(worker_tm):
    child = open_case(worker_tm, risk="low")
    done = TODAY() - days(3)
    follow_up = record_follow_up(child, worker_tm, done, "home_visit", "Fine.", "high")
    child.refresh_from_db()
    assert follow_up.next_due == done + days(14)
    assert child.next_follow_up_due == done + days(14)
    assert child.risk_level == "high"
    assert child.version == 2
    assert child.updated_by == worker_tm
    latest = child.history.first()
    assert latest.history_user == worker_tm
    assert latest.history_change_reason == "follow_up risk=high"
    event = events(child, "change_case", event="follow_up").get()
    assert event.details["next_follow_up_due"] == (done + days(14)).isoformat()
    assert "Fine" not in str(event.details)


def test_medium_and_low_intervals(worker_tm):
    child = open_case(worker_tm, risk="high")
    done = TODAY() - days(1)
    record_follow_up(child, worker_tm, done, "phone", "", "medium")
    child.refresh_from_db()
    assert child.next_follow_up_due == done + days(30)
    record_follow_up(child, worker_tm, TODAY(), "phone", "", "low")
    child.refresh_from_db()
    assert child.next_follow_up_due == TODAY() + days(60)


def test_a_late_entry_does_not_move_the_schedule_of_a_newer_follow_up(worker_tm):
    child = open_case(worker_tm)
    record_follow_up(child, worker_tm, TODAY() - days(2), "phone", "", "medium")
    record_follow_up(child, worker_tm, TODAY() - days(20), "phone", "", "high")
    child.refresh_from_db()
    assert child.risk_level == "medium"
    assert child.next_follow_up_due == TODAY() - days(2) + days(30)
    assert child.follow_ups.count() == 2


def test_stage_moves_to_follow_up_after_the_assessment_only(worker_tm):
    child = open_case(worker_tm)
    record_follow_up(child, worker_tm, TODAY(), "phone", "", "low")
    child.refresh_from_db()
    assert child.workflow_stage == "registered"
    record_assessment(child, worker_tm, assessed_on=TODAY(), risk_level="low")
    record_follow_up(child, worker_tm, TODAY(), "phone", "", "low")
    child.refresh_from_db()
    assert child.workflow_stage == "follow_up"


@pytest.mark.parametrize(
    ("when", "field"),
    [
        (lambda c: TODAY() + days(1), "done_on"),
        (lambda c: c.registration_date - days(1), "done_on"),
    ],
)
def test_dates_in_the_future_or_before_registration_are_refused(worker_tm, when, field):
    child = open_case(worker_tm)
    with pytest.raises(ValidationError) as exc:
        record_follow_up(child, worker_tm, when(child), "phone", "", "low")
    assert field in exc.value.message_dict
    assert not FollowUp.objects.exists()
    child.refresh_from_db()
    assert child.version == 1


def test_bad_codes_are_refused(worker_tm):
    child = open_case(worker_tm)
    with pytest.raises(ValidationError):
        record_follow_up(child, worker_tm, TODAY(), "telepathy", "", "low")
    with pytest.raises(ValidationError):
        record_follow_up(child, worker_tm, TODAY(), "phone", "", "extreme")
    assert not FollowUp.objects.exists()


def test_closed_case_gets_no_follow_up(worker_tm):
    from cases.services.closure import close_case

    child = open_case(worker_tm)
    close_case(child, worker_tm, "needs_met", TODAY())
    child.refresh_from_db()
    with pytest.raises(PermissionDenied):
        record_follow_up(child, worker_tm, TODAY(), "phone", "", "low")
    assert not FollowUp.objects.exists()
