"""The workflow stage: registered → assessed → referred → follow_up → closed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action
from cases import permissions, reasons, rules
from cases.models import Assessment, Child, WorkflowStage
from lookups import registry

from ._common import check_case_date, lock, require, require_open_case, save_child

# The order of the stages of an open case; closed is not "later", it is a status.
ORDER = (
    WorkflowStage.REGISTERED,
    WorkflowStage.ASSESSED,
    WorkflowStage.REFERRED,
    WorkflowStage.FOLLOW_UP,
)


def advance(child: Child, stage: WorkflowStage) -> bool:
    """Move an open case forward to stage, never backwards. True when it moved."""
    if child.workflow_stage not in ORDER:
        return False
    if ORDER.index(stage) > ORDER.index(child.workflow_stage):
        child.workflow_stage = stage
        return True
    return False


def stage_after_reopening(child: Child) -> WorkflowStage:
    """Where a reopened case resumes: the furthest stage its records show."""
    if child.follow_ups.exists():
        return WorkflowStage.FOLLOW_UP
    if child.referrals.exists():
        return WorkflowStage.REFERRED
    if child.assessments.exists():
        return WorkflowStage.ASSESSED
    return WorkflowStage.REGISTERED


def check_risk_level(risk_level: str, field: str = "risk_level") -> None:
    if not registry.is_valid("risk_level", risk_level):
        raise ValidationError({field: _("Choose a valid risk level.")})


@transaction.atomic
def record_assessment(
    child: Child,
    user,
    *,
    assessed_on: dt.date,
    risk_level: str,
    needs: Iterable[str] = (),
    needs_details: str = "",
    strengths: str = "",
    notes: str = "",
    request=None,
) -> Assessment:
    """The initial assessment (needs, strengths, risk confirmation): registered → assessed.

    A changed risk level needs a note saying why, and reschedules the next follow-up
    from the assessment date by the new level.
    """
    child = lock(child)
    require(permissions.can_assess(user, child))
    require_open_case(child)
    check_case_date(child, assessed_on, "assessed_on")
    check_risk_level(risk_level)
    needs = list(dict.fromkeys(needs))
    bad = [n for n in needs if not registry.is_valid("need", n)]
    if bad:
        raise ValidationError({"needs": _("Choose valid needs.")})
    risk_changed = risk_level != child.risk_level
    if risk_changed and not notes.strip():
        raise ValidationError({"notes": _("Say why the risk level changes.")})

    assessment = Assessment.objects.create(
        child=child,
        assessed_on=assessed_on,
        needs=needs,
        needs_details=needs_details,
        strengths=strengths,
        risk_level=risk_level,
        notes=notes,
        assessed_by=user,
    )
    previous_risk = child.risk_level
    if risk_changed:
        child.risk_level = risk_level
        child.next_follow_up_due = rules.next_follow_up(assessed_on, risk_level)
    advance(child, WorkflowStage.ASSESSED)
    save_child(child, user, reasons.encode("assessment", risk=risk_level))
    record(
        user,
        Action.CHANGE_CASE,
        obj=child,
        request=request,
        event="assessment",
        risk_level=risk_level,
        previous_risk_level=previous_risk,
        workflow_stage=child.workflow_stage,
    )
    return assessment


@transaction.atomic
def mark_referred(child: Child, user, *, request=None) -> Child:
    """A case with a referral is at least at the referred stage (called by the referrals app).

    Does nothing to a case already referred, in follow-up or closed.
    """
    child = lock(child)
    if not advance(child, WorkflowStage.REFERRED):
        return child
    save_child(child, user, reasons.encode("referred"))
    record(
        user,
        Action.CHANGE_CASE,
        obj=child,
        request=request,
        event="referred",
        workflow_stage=child.workflow_stage,
    )
    return child
