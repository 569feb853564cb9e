"""Sharing one case with one user of another county (a django-guardian object permission)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import User
from audit.log import record
from audit.models import Action
from cases import permissions, reasons
from cases.models import Child, ChildUserObjectPermission

from . import notifications
from ._common import lock, require, require_open_case, save_child

PERMISSION = "cases.view_child"


def shared_with(child: Child) -> QuerySet[User]:
    ids = ChildUserObjectPermission.objects.filter(
        content_object=child, permission__codename="view_child"
    ).values("user_id")
    return User.objects.filter(pk__in=ids).select_related("county").order_by("username")


def share_candidates(child: Child) -> QuerySet[User]:
    """Active users of other counties who cannot open the case yet."""
    return (
        User.objects.filter(is_active=True, county__isnull=False)
        .exclude(county_id=child.current_county_id)
        .exclude(pk__in=shared_with(child).values("pk"))
        .exclude(pk__in=[child.created_by_id, child.assigned_to_id])
        .select_related("county")
        .order_by("county__name", "last_name", "username")
    )


@transaction.atomic
def share_case(child: Child, user, target: User, *, request=None) -> None:
    child = lock(child)
    require_open_case(child)
    require(permissions.can_share(user, child))
    if not share_candidates(child).filter(pk=target.pk).exists():
        raise ValidationError(
            {"user": _("Choose an active user of another county who cannot open the case yet.")}
        )
    assign_perm(PERMISSION, target, child)
    record(user, Action.SHARE, obj=child, request=request, step="granted", user_id=target.pk)
    notifications.case_shared(child, target, user)


@transaction.atomic
def unshare_case(child: Child, user, target: User, *, request=None) -> None:
    """Revoke the share; a user who then may not open the case loses its assignment too."""
    child = lock(child)
    require(permissions.can_manage_shares(user, child))
    if not shared_with(child).filter(pk=target.pk).exists():
        raise ValidationError({"user": _("The case is not shared with this user.")})
    remove_perm(PERMISSION, target, child)
    if child.assigned_to_id == target.pk and target.county_id != child.current_county_id:
        child.assigned_to = None
        save_child(child, user, reasons.encode("unassigned_shared"))
    record(user, Action.SHARE, obj=child, request=request, step="revoked", user_id=target.pk)
