"""Fetching a case for a user: the same 404 for "does not exist" and "not yours"."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
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
    select_related: what the page shows of the case's relations, read with the case."""
    qs = Child.objects.visible_to(user)
    if for_update:
        if select_related:
            raise ValueError("a case is locked without its relations")
        child = get_object_or_404(qs.select_for_update(), code=code)
    elif select_related:
        # The scope first, then the row with its relations by primary key: PostgreSQL plans
        # the scope's subqueries together with the joins at a cost (18 ms of CPU a case page
        # at a million cases with the scope of before; with today's, one statement still
        # cost 3 ms more than these two, docs/benchmarks.md).
        found = list(qs.filter(code=code).values_list("pk", flat=True)[:1])
        if not found:
            raise Http404
        child = get_object_or_404(
            Child.objects.cases().select_related(*select_related), pk=found[0]
        )
    else:
        child = get_object_or_404(qs, code=code)
    if to_change and permissions.read_only(user, child):
        raise PermissionDenied
    return child
