import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import ClosureRequest
from cases.services.closure import approve_closure, close_case, reject_closure, reopen_case
from cases.services.followups import record_follow_up
from cases.services.workflow import record_assessment
from tests.cases._workflow import TODAY, events, open_case

pytestmark = pytest.mark.django_db


def test_worker_closes_a_low_risk_case_and_the_schedule_is_cancelled(worker_tm):
    child = open_case(worker_tm, risk="low")
    closure = close_case(child, worker_tm, "left_romania", TODAY(), "Left for Poland")
    child.refresh_from_db()
    assert closure.status == "approved" and closure.decided_by == worker_tm
    assert (child.status, child.workflow_stage) == ("closed", "closed")
    assert child.closure_reason == "left_romania" and child.closed_on == TODAY()
    assert child.next_follow_up_due is None
    assert child.version == 2
    event = events(child, "change_case", event="closed").get()
    assert event.details["closure_reason"] == "left_romania"
    assert "Poland" not in str(event.details)


def test_worker_asking_to_close_a_high_risk_case_waits_for_approval(worker_tm, coord_tm):
    child = open_case(worker_tm, risk="high")
    closure = close_case(child, worker_tm, "needs_met", TODAY())
    child.refresh_from_db()
    assert closure.status == "pending"
    assert child.status == "open" and child.next_follow_up_due is not None
    assert child.version == 1
    with pytest.raises(ValidationError):
        close_case(child, worker_tm, "needs_met", TODAY())
    approve_closure(child, coord_tm)
    child.refresh_from_db()
    closure.refresh_from_db()
    assert closure.status == "approved" and closure.decided_by == coord_tm
    assert child.status == "closed" and child.next_follow_up_due is None
    assert events(child, "change_case", event="closure_approved").count() == 1


def test_field_worker_and_other_county_cannot_approve(worker_tm, coord_sv, country):
    child = open_case(worker_tm, risk="high")
    close_case(child, worker_tm, "needs_met", TODAY())
    for user in (worker_tm, coord_sv):
        with pytest.raises(PermissionDenied):
            approve_closure(child, user)
    child.refresh_from_db()
    assert child.status == "open"
    approve_closure(child, country)
    child.refresh_from_db()
    assert child.status == "closed"


def test_rejection_keeps_the_case_open(worker_tm, coord_tm):
    child = open_case(worker_tm, risk="high")
    close_case(child, worker_tm, "needs_met", TODAY())
    closure = reject_closure(child, coord_tm, "Still at risk")
    child.refresh_from_db()
    assert closure.status == "rejected" and closure.decision_note == "Still at risk"
    assert child.status == "open"
    with pytest.raises(ValidationError):
        approve_closure(child, coord_tm)
    # A new request may be made after a rejection.
    assert close_case(child, worker_tm, "needs_met", TODAY()).status == "pending"


def test_coordinator_closes_a_high_risk_case_directly(worker_tm, coord_tm):
    child = open_case(worker_tm, risk="high")
    assert close_case(child, coord_tm, "turned_18", TODAY()).status == "approved"


@pytest.mark.parametrize("offset", [1, None])
def test_closure_date_rules(worker_tm, offset):
    child = open_case(worker_tm)
    closed_on = (
        TODAY() + dt.timedelta(days=1) if offset else child.registration_date - dt.timedelta(1)
    )
    with pytest.raises(ValidationError) as exc:
        close_case(child, worker_tm, "needs_met", closed_on)
    assert "closed_on" in exc.value.message_dict
    with pytest.raises(ValidationError):
        close_case(child, worker_tm, "bogus", TODAY())
    assert not ClosureRequest.objects.exists()


def test_reopen_restores_the_schedule_from_today(worker_tm):
    child = open_case(worker_tm, risk="medium")
    record_assessment(child, worker_tm, assessed_on=TODAY(), risk_level="medium")
    close_case(child, worker_tm, "lost_contact", TODAY())
    with pytest.raises(ValidationError):
        reopen_case(child, worker_tm, "   ")
    reopening = reopen_case(child, worker_tm, "Family found again")
    child.refresh_from_db()
    assert child.status == "open" and child.workflow_stage == "assessed"
    assert child.closure_reason == "" and child.closed_on is None
    assert child.next_follow_up_due == TODAY() + dt.timedelta(days=30)
    assert reopening.previous_closure_reason == "lost_contact"
    assert events(child, "change_case", event="reopened").count() == 1
    assert child.version == 4
    with pytest.raises(PermissionDenied):
        reopen_case(child, worker_tm, "again")


def test_reopened_case_with_follow_ups_resumes_at_follow_up(worker_tm):
    child = open_case(worker_tm)
    record_follow_up(child, worker_tm, TODAY(), "phone", "", "low")
    close_case(child, worker_tm, "needs_met", TODAY())
    reopen_case(child, worker_tm, "New concern")
    child.refresh_from_db()
    assert child.workflow_stage == "follow_up"


def test_closing_withdraws_a_waiting_transfer(worker_tm, coord_sv):
    from cases.services.transfer import accept_transfer, request_transfer

    child = open_case(worker_tm, risk="low")
    transfer = request_transfer(child, worker_tm, "RO-SV")
    close_case(child, worker_tm, "left_romania", TODAY())
    transfer.refresh_from_db()
    assert transfer.status == "cancelled"
    assert events(child, "transfer", step="cancelled_on_closure").count() == 2
    with pytest.raises(ValidationError):
        accept_transfer(transfer, coord_sv)
