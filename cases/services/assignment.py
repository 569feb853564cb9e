"""Assigning a case to a worker (coordinators only, roles.md)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Role, User
from audit.log import record
from audit.models import Action
from cases import permissions, reasons
from cases.models import Child, ChildUserObjectPermission

from . import notifications
from ._common import lock, require, require_open_case, save_child


def assignable_workers(child: Child) -> QuerySet[User]:
    """Active field workers who may then open the case: of its current county, or shared."""
    shared = ChildUserObjectPermission.objects.filter(
        content_object=child, permission__codename="view_child"
    ).values("user_id")
    return (
        User.objects.filter(is_active=True, role=Role.FIELD_WORKER)
        .filter(Q(county_id=child.current_county_id) | Q(pk__in=shared))
        .order_by("last_name", "first_name", "username")
    )


@transaction.atomic
def assign_case(child: Child, user, worker: User | None, *, request=None) -> Child:
    """Assign (or reassign) the case to worker; None leaves it unassigned."""
    child = lock(child)
    require(permissions.can_assign(user, child))
    require_open_case(child)
    if worker is not None and not assignable_workers(child).filter(pk=worker.pk).exists():
        raise ValidationError(
            {"worker": _("Choose an active field worker who may open this case.")}
        )
    worker_id = worker.pk if worker is not None else None
    if worker_id == child.assigned_to_id:
        raise ValidationError(
            {"worker": _("Nothing changes: the case is already assigned like this.")}
        )
    previous = child.assigned_to_id
    child.assigned_to = worker
    save_child(child, user, reasons.encode("assigned" if worker else "unassigned"))
    record(
        user,
        Action.CHANGE_CASE,
        obj=child,
        request=request,
        event="assigned" if worker else "unassigned",
        assigned_to_id=worker_id,
        previous_assigned_to_id=previous,
    )
    if worker is not None:
        notifications.case_assigned(child, worker, user)
    return child
