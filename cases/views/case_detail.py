"""The case page: every answer by section, the household, follow-ups, referrals, history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.log import record
from audit.models import Action
from cases import permissions
from cases.access import get_case_for_user
from cases.answers import answer
from cases.history import case_history
from cases.labels import case_sections, display, field_label
from cases.models import Child
from cases.services.notifications import mark_seen


def sections_of(child: Child) -> list[dict]:
    return [
        {
            "key": key,
            "title": title,
            "rows": [(field_label(code), display(code, answer(child, code))) for code in codes],
        }
        for key, (title, codes) in case_sections().items()
    ]


def household_of(user, child: Child) -> tuple[list[Child], int]:
    """The other children of the household this user may open, and how many others there are."""
    if child.household_id is None:
        return [], 0
    others = Child.objects.cases().filter(household_id=child.household_id).exclude(pk=child.pk)
    visible = list(
        Child.objects.visible_to(user)
        .filter(household_id=child.household_id)
        .exclude(pk=child.pk)
        .order_by("date_of_birth")
    )
    return visible, others.count() - len(visible)


@login_required
@never_cache
@require_GET
def case_detail(request, code: str):
    child = get_case_for_user(
        request.user,
        code,
        select_related=(
            "current_county",
            "registration_county",
            "entry_point",
            "caregiver",
            "assigned_to",
        ),
    )
    prefetch_related_objects([child], "protection_concerns")
    emergency = None
    if permissions.read_only(request.user, child):
        emergency = child.emergency_accesses.active().filter(user=request.user).latest("expires_at")
    record(
        request.user,
        Action.VIEW_CASE,
        obj=child,
        request=request,
        **({"emergency_access": emergency.code} if emergency else {}),
    )
    # Opening the case is how a worker takes note that it was assigned, shared or returned.
    mark_seen(request.user, child)
    members, hidden_members = household_of(request.user, child)
    context = {
        "child": child,
        "sections": sections_of(child),
        "household_members": members,
        "hidden_members": hidden_members,
        "history": case_history(child),
        "can_edit": permissions.can_change(request.user, child),
        "emergency": emergency,
    }
    return render(request, "cases/case_detail.html", context)
