import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases.models import Assessment
from cases.services.closure import close_case
from cases.services.workflow import mark_referred, record_assessment
from tests.cases._workflow import TODAY, events, open_case

pytestmark = pytest.mark.django_db


def test_assessment_moves_registered_to_assessed(worker_tm):
    child = open_case(worker_tm, risk="medium")
    due = child.next_follow_up_due
    a = record_assessment(
        child,
        worker_tm,
        assessed_on=TODAY(),
        risk_level="medium",
        needs=["food", "education"],
        strengths="Supportive aunt",
    )
    child.refresh_from_db()
    assert child.workflow_stage == "assessed"
    assert child.version == 2
    assert child.next_follow_up_due == due  # risk confirmed: schedule unchanged
    assert a.needs == ["food", "education"] and a.assessed_by == worker_tm
    assert events(child, "change_case", event="assessment").count() == 1
    assert child.history.first().history_change_reason.startswith("assessment risk=")


def test_changing_the_risk_needs_a_note_and_reschedules(worker_tm):
    child = open_case(worker_tm, risk="low")
    with pytest.raises(ValidationError) as exc:
        record_assessment(child, worker_tm, assessed_on=TODAY(), risk_level="high")
    assert "notes" in exc.value.message_dict
    assert not Assessment.objects.exists()
    record_assessment(child, worker_tm, assessed_on=TODAY(), risk_level="high", notes="Threats")
    child.refresh_from_db()
    assert child.risk_level == "high"
    assert child.next_follow_up_due == TODAY() + dt.timedelta(days=14)


def test_assessment_refuses_unknown_needs_and_future_dates(worker_tm):
    child = open_case(worker_tm)
    with pytest.raises(ValidationError):
        record_assessment(child, worker_tm, assessed_on=TODAY(), risk_level="low", needs=["x"])
    with pytest.raises(ValidationError):
        record_assessment(
            child, worker_tm, assessed_on=TODAY() + dt.timedelta(days=1), risk_level="low"
        )
    assert not Assessment.objects.exists()


def test_mark_referred_advances_but_never_goes_back(worker_tm):
    child = open_case(worker_tm)
    mark_referred(child, worker_tm)
    child.refresh_from_db()
    assert child.workflow_stage == "referred"
    assert child.version == 2
    assert events(child, "change_case", event="referred").count() == 1
    # A second referral changes nothing.
    mark_referred(child, worker_tm)
    child.refresh_from_db()
    assert child.version == 2
    # An assessment after the referral keeps the case at "referred".
    record_assessment(child, worker_tm, assessed_on=TODAY(), risk_level="low")
    child.refresh_from_db()
    assert child.workflow_stage == "referred"


def test_mark_referred_leaves_follow_up_and_closed_cases_alone(worker_tm):
    child = open_case(worker_tm)
    close_case(child, worker_tm, "needs_met", TODAY())
    mark_referred(child, worker_tm)
    child.refresh_from_db()
    assert child.workflow_stage == "closed"
    assert not events(child, "change_case", event="referred").exists()
