"""Fetching a case for a user: the same 404 for "does not exist" and "not yours"."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from . import permissions
from .models import Child


def get_case_for_user(
    user,
    code: str,
    *,
    for_update: bool = False,
    to_change: bool = False,
    select_related: tuple[str, ...] = (),
) -> Child:
    """to_change: 403 for a case opened only through an emergency grant (read only).
    select_related: what the page shows of the case's relations, read in the same query."""
    qs = Child.objects.visible_to(user)
    if select_related:
        qs = qs.select_related(*select_related)
    if for_update:
        qs = qs.select_for_update()
    child = get_object_or_404(qs, code=code)
    if to_change and permissions.read_only(user, child):
        raise PermissionDenied
    return child
