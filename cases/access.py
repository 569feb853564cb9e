"""Fetching a case for a user: the same 404 for "does not exist" and "not yours"."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from .models import Child


def get_case_for_user(user, code: str, *, for_update: bool = False) -> Child:
    qs = Child.objects.visible_to(user)
    if for_update:
        qs = qs.select_for_update()
    return get_object_or_404(qs, code=code)
