"""Closing a case (directly, or by a coordinator's approval) and reopening it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.log import audit_event, client_ip, record
from audit.models import Action, AuditEvent
from cases import bulk, permissions, reasons, rules
from cases.models import (
    CaseStatus,
    Child,
    ClosureRequest,
    ClosureStatus,
    Reopening,
    Transfer,
    TransferStatus,
    WorkflowStage,
)
from lookups import registry

from . import notifications
from ._common import check_case_date, lock, require, require_open_case, save_child
from .transfer import withdraw_on_closure
from .workflow import stage_after_reopening


def _closed(child: Child, closure: ClosureRequest) -> str:
    """Set the fields of a closed case (as save_child will save them); the history reason."""
    child.status = CaseStatus.CLOSED
    child.workflow_stage = WorkflowStage.CLOSED
    child.closure_reason = closure.closure_reason
    child.closed_on = closure.closed_on
    # Closing cancels the follow-up schedule.
    child.next_follow_up_due = None
    return reasons.encode("closed", reason=closure.closure_reason)


def _withdraw_transfers(children: list[Child], user) -> None:
    """A transfer still waiting has nothing left to transfer once the case is closed."""
    for i in range(0, len(children), bulk.CHUNK):
        ids = [c.pk for c in children[i : i + bulk.CHUNK]]
        for transfer in Transfer.objects.select_for_update().filter(
            child_id__in=ids, status=TransferStatus.PENDING
        ):
            withdraw_on_closure(transfer, user)


def _apply_closure(child: Child, closure: ClosureRequest, user) -> None:
    save_child(child, user, _closed(child, closure))
    _withdraw_transfers([child], user)


def _check_closure(child: Child, user, closure_reason: str, closed_on: dt.date) -> None:
    require(permissions.can_close(user, child))
    require_open_case(child)
    if not registry.is_valid("closure_reason", closure_reason):
        raise ValidationError({"closure_reason": _("Choose a valid closure reason.")})
    check_case_date(child, closed_on, "closed_on")


def _closure_request(
    child: Child, user, closure_reason: str, closed_on: dt.date, note: str
) -> ClosureRequest:
    """The request (approved at once unless a coordinator must approve it), unsaved."""
    needs_approval = permissions.closure_needs_approval(user, child)
    return ClosureRequest(
        child=child,
        closure_reason=closure_reason,
        closed_on=closed_on,
        note=note,
        requested_by=user,
        status=ClosureStatus.PENDING if needs_approval else ClosureStatus.APPROVED,
        decided_by=None if needs_approval else user,
        decided_at=None if needs_approval else timezone.now(),
    )


def _closure_audit(closure: ClosureRequest) -> dict:
    approved = closure.status == ClosureStatus.APPROVED
    return {
        "event": "closed" if approved else "closure_requested",
        "closure_reason": closure.closure_reason,
        "closed_on": closure.closed_on.isoformat(),
    }


_ALREADY_WAITING = gettext_lazy("A request to close this case is already waiting for approval.")


@transaction.atomic
def close_case(
    child: Child,
    user,
    closure_reason: str,
    closed_on: dt.date,
    note: str = "",
    *,
    request=None,
) -> ClosureRequest:
    """Close the case, or, for a field worker and a high-risk case, ask a coordinator to.

    Returns the ClosureRequest: approved when the case is closed, pending otherwise.
    """
    child = lock(child)
    _check_closure(child, user, closure_reason, closed_on)
    if child.closure_requests.filter(status=ClosureStatus.PENDING).exists():
        raise ValidationError(str(_ALREADY_WAITING))
    closure = _closure_request(child, user, closure_reason, closed_on, note)
    closure._history_user = user
    closure.save()
    if closure.status == ClosureStatus.APPROVED:
        _apply_closure(child, closure, user)
    record(user, Action.CHANGE_CASE, obj=child, request=request, **_closure_audit(closure))
    if closure.status == ClosureStatus.PENDING:
        closure.child = child
        notifications.closure_requested(closure, user)
    return closure


def has_pending_closure(child: Child) -> bool:
    return child.closure_requests.filter(status=ClosureStatus.PENDING).exists()


@transaction.atomic
def close_cases(
    closures: list[tuple[Child, str, dt.date]], user, *, request=None
) -> list[ClosureRequest]:
    """close_case for many cases at once (an import): for each (child, closure_reason,
    closed_on) the same checks and the same rows (request, case version with its history
    row and reason, pending transfers withdrawn, audit event), the inserts batched.

    The children must be locked by the caller (select_for_update) or created in this
    transaction, and hold what is stored.
    """
    if not closures:
        return []
    for child, closure_reason, closed_on in closures:
        _check_closure(child, user, closure_reason, closed_on)
    ids = [child.pk for child, _r, _d in closures]
    for i in range(0, len(ids), bulk.CHUNK):
        if ClosureRequest.objects.filter(
            child_id__in=ids[i : i + bulk.CHUNK], status=ClosureStatus.PENDING
        ).exists():
            raise ValidationError(str(_ALREADY_WAITING))
    requests = [
        _closure_request(child, user, closure_reason, closed_on, "")
        for child, closure_reason, closed_on in closures
    ]
    bulk.create_with_history(requests, ClosureRequest, user)
    closed = [c for c in requests if c.status == ClosureStatus.APPROVED]
    history_reasons = []
    for closure in closed:
        child = closure.child
        history_reasons.append(_closed(child, closure)[: reasons.MAX_LENGTH])
        # What save_child sets before it saves.
        child.version += 1
        child.updated_by = user
        child.updated_at = timezone.now()
    children = [c.child for c in closed]
    bulk.update_fields(children, Child, CLOSED_FIELDS)
    bulk.write_history(children, Child, user, "~", history_reasons)
    _withdraw_transfers(children, user)
    ip = client_ip(request)
    bulk.insert_new(
        [
            audit_event(user, Action.CHANGE_CASE, obj=c.child, ip=ip, **_closure_audit(c))
            for c in requests
        ],
        AuditEvent,
    )
    return requests


# The fields a closure changes, with what save_child changes.
CLOSED_FIELDS = [
    "status",
    "workflow_stage",
    "closure_reason",
    "closed_on",
    "next_follow_up_due",
    "version",
    "updated_by",
    "updated_at",
]


def _pending(child: Child) -> ClosureRequest:
    closure = (
        child.closure_requests.select_for_update().filter(status=ClosureStatus.PENDING).first()
    )
    if closure is None:
        raise ValidationError(_("No request to close this case is waiting."))
    return closure


@transaction.atomic
def approve_closure(child: Child, user, *, request=None) -> ClosureRequest:
    """A coordinator of the case's county approves the pending closure: the case closes."""
    child = lock(child)
    require(permissions.can_approve_closure(user, child))
    closure = _pending(child)
    require_open_case(child)
    closure.status = ClosureStatus.APPROVED
    closure.decided_by = user
    closure.decided_at = timezone.now()
    closure._history_user = user
    closure.save()
    _apply_closure(child, closure, user)
    record(
        user,
        Action.CHANGE_CASE,
        obj=child,
        request=request,
        event="closure_approved",
        closure_reason=closure.closure_reason,
        closed_on=closure.closed_on.isoformat(),
    )
    notifications.closure_decided(closure, user)
    return closure


@transaction.atomic
def reject_closure(child: Child, user, decision_note: str = "", *, request=None) -> ClosureRequest:
    """A coordinator refuses the pending closure: the case stays open, its schedule too."""
    child = lock(child)
    require(permissions.can_approve_closure(user, child))
    closure = _pending(child)
    closure.status = ClosureStatus.REJECTED
    closure.decided_by = user
    closure.decided_at = timezone.now()
    closure.decision_note = decision_note
    closure._history_user = user
    closure.save()
    record(
        user,
        Action.CHANGE_CASE,
        obj=child,
        request=request,
        event="closure_rejected",
        closure_reason=closure.closure_reason,
    )
    notifications.closure_decided(closure, user)
    return closure


@transaction.atomic
def withdraw_closure(child: Child, user, *, request=None) -> ClosureRequest:
    """Who asked to close the case takes the request back: the case stays open."""
    child = lock(child)
    closure = _pending(child)
    require(permissions.can_withdraw_closure(user, closure))
    closure.status = ClosureStatus.WITHDRAWN
    closure.decided_by = user
    closure.decided_at = timezone.now()
    closure._history_user = user
    closure.save()
    record(
        user,
        Action.CHANGE_CASE,
        obj=child,
        request=request,
        event="closure_withdrawn",
        closure_reason=closure.closure_reason,
    )
    return closure


@transaction.atomic
def reopen_case(child: Child, user, reason: str, *, request=None) -> Reopening:
    """Reopen a closed case: the schedule restarts from today by the risk level in force."""
    child = lock(child)
    require(permissions.can_reopen(user, child))
    if child.status != CaseStatus.CLOSED:
        raise ValidationError(_("The case is not closed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    today = timezone.localdate()
    reopening = Reopening.objects.create(
        child=child,
        reopened_on=today,
        reason=reason.strip(),
        previous_closure_reason=child.closure_reason,
        previous_closed_on=child.closed_on,
        reopened_by=user,
    )
    child.status = CaseStatus.OPEN
    child.workflow_stage = stage_after_reopening(child)
    child.closure_reason = ""
    child.closed_on = None
    child.next_follow_up_due = rules.next_follow_up(today, child.risk_level)
    save_child(child, user, reasons.encode("reopened"))
    record(
        user,
        Action.CHANGE_CASE,
        obj=child,
        request=request,
        event="reopened",
        workflow_stage=child.workflow_stage,
        next_follow_up_due=child.next_follow_up_due.isoformat(),
    )
    return reopening
