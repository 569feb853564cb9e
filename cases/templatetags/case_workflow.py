"""The workflow panel of the case page, and the permission checks templates need.

The panel is an inclusion tag so that the case page only includes it: what the panel
shows (and which actions it offers) is decided here, with cases.permissions.
"""

from __future__ import annotations

from django import template
from django.utils import timezone

from cases import permissions
from cases.case_records import has
from cases.models import ClosureStatus, TransferStatus
from cases.services.sharing import shared_with
from cases.stages import stage_steps

register = template.Library()


@register.inclusion_tag("cases/workflow/panel.html", takes_context=True)
def workflow_panel(context, child=None):
    child = child or context["child"]
    user = context["request"].user
    today = timezone.localdate()
    # Only one closure request and one transfer can wait at a time, and nothing can be
    # asked after them: the latest of each tells the state (one query each). Each record
    # is read only when the case has some (cases.case_records: most have few kinds).
    latest_closure = (
        child.closure_requests.select_related("requested_by", "decided_by").order_by("-id").first()
        if has(child, "closure_requests")
        else None
    )
    pending_closure = (
        latest_closure
        if latest_closure and latest_closure.status == ClosureStatus.PENDING
        else None
    )
    last_closure = (
        latest_closure
        if child.status == "closed"
        and latest_closure
        and latest_closure.status == ClosureStatus.APPROVED
        else None
    )
    transfers = (
        list(
            child.transfers.select_related(
                "from_county", "to_county", "requested_by", "decided_by"
            ).order_by("-id")[:6]
        )
        if has(child, "transfers")
        else []
    )
    pending_transfer = (
        transfers[0] if transfers and transfers[0].status == TransferStatus.PENDING else None
    )
    follow_ups = (
        list(child.follow_ups.select_related("recorded_by")[:5]) if has(child, "follow_ups") else []
    )
    may = {
        "follow_up": permissions.can_record_follow_up(user, child),
        "assess": permissions.can_assess(user, child),
        "close": permissions.can_close(user, child) and pending_closure is None,
        "closure_needs_approval": permissions.closure_needs_approval(user, child),
        "approve_closure": pending_closure is not None
        and permissions.can_approve_closure(user, child),
        "withdraw_closure": pending_closure is not None
        and permissions.can_withdraw_closure(user, pending_closure),
        "reopen": permissions.can_reopen(user, child),
        "assign": permissions.can_assign(user, child),
        "transfer": pending_transfer is None
        and (
            permissions.can_transfer_directly(user, child)
            or permissions.can_request_transfer(user, child)
        ),
        "transfer_directly": permissions.can_transfer_directly(user, child),
        "cancel_transfer": pending_transfer is not None
        and permissions.can_cancel_transfer(user, pending_transfer),
        "decide_transfer": pending_transfer is not None
        and permissions.can_decide_transfer(user, pending_transfer),
        "share": permissions.can_share(user, child),
        "manage_shares": permissions.can_manage_shares(user, child),
    }
    assessment = (
        child.assessments.select_related("assessed_by").first()
        if has(child, "assessments")
        else None
    )
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "user": user,
        "child": child,
        "today": today,
        "overdue": child.status == "open"
        and child.next_follow_up_due is not None
        and child.next_follow_up_due < today,
        "stages": stage_steps(child, assessment),
        "follow_ups": follow_ups,
        "follow_up_count": child.follow_ups.count() if len(follow_ups) == 5 else len(follow_ups),
        "assessment": assessment,
        "pending_closure": pending_closure,
        "last_closure": last_closure,
        "reopenings": list(child.reopenings.select_related("reopened_by")[:3])
        if has(child, "reopenings")
        else [],
        "pending_transfer": pending_transfer,
        "transfers": [t for t in transfers if t is not pending_transfer][:5],
        "shared_with": list(shared_with(child)) if may["manage_shares"] else [],
        "may": may,
    }


@register.filter
def person(user) -> str:
    """A colleague as the app shows them: full name, else username."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username
