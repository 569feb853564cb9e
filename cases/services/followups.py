"""Recording a follow-up: the risk level review and the next date of the schedule."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action
from cases import permissions, reasons, rules
from cases.models import CaseStatus, Child, FollowUp, WorkflowStage
from cases.models.followup import ContactType

from ._common import check_case_date, lock, require, require_open_case, save_child
from .workflow import advance, check_risk_level


@transaction.atomic
def record_follow_up(
    child: Child,
    user,
    done_on: dt.date,
    contact_type: str,
    notes: str,
    risk_level: str,
    *,
    request=None,
) -> FollowUp:
    """Store a follow-up that took place and schedule the next one by the risk level in force.

    A follow-up recorded late (older than the latest one on file) is kept, but the
    latest follow-up still decides the risk level and the schedule.
    """
    child = lock(child)
    require(permissions.can_record_follow_up(user, child))
    require_open_case(child)
    check_case_date(child, done_on, "done_on")
    if contact_type not in ContactType.values:
        raise ValidationError({"contact_type": _("Choose a valid contact type.")})
    check_risk_level(risk_level)

    next_due = rules.next_follow_up(done_on, risk_level)
    is_latest = not child.follow_ups.filter(done_on__gt=done_on).exists()
    follow_up = FollowUp.objects.create(
        child=child,
        done_on=done_on,
        contact_type=contact_type,
        notes=notes,
        risk_level=risk_level,
        next_due=next_due,
        recorded_by=user,
    )
    previous_risk = child.risk_level
    if is_latest:
        child.risk_level = risk_level
        child.next_follow_up_due = next_due
    # Follow-up comes after the assessment: a case still at "registered" waits for it.
    advance_to = WorkflowStage.FOLLOW_UP
    if child.workflow_stage != WorkflowStage.REGISTERED:
        advance(child, advance_to)
    save_child(child, user, reasons.encode("follow_up", risk=risk_level))
    record(
        user,
        Action.CHANGE_CASE,
        obj=child,
        request=request,
        event="follow_up",
        contact_type=contact_type,
        risk_level=child.risk_level,
        previous_risk_level=previous_risk,
        next_follow_up_due=child.next_follow_up_due.isoformat()
        if child.next_follow_up_due
        else None,
    )
    return follow_up


def reschedule(child: Child) -> None:
    """The schedule of an open case after its risk level or registration date was edited:
    the next follow-up is due by the risk level in force from the last follow-up, or,
    before the first one, from the registration (which moves the first one too)."""
    if child.anonymous or child.status != CaseStatus.OPEN:
        return
    last = child.follow_ups.order_by("-done_on").first()
    if last is None:
        child.first_follow_up_due = rules.next_follow_up(child.registration_date, child.risk_level)
        child.next_follow_up_due = child.first_follow_up_due
    else:
        child.next_follow_up_due = rules.next_follow_up(last.done_on, child.risk_level)
