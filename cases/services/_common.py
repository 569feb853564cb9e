"""Shared steps of the case services: lock the row, validate dates, save with history."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseStatus, Child


def lock(child: Child) -> Child:
    """The row, re-read under a row lock: concurrent workflow actions queue up."""
    return Child.objects.select_for_update().get(pk=child.pk)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def require_open_case(child: Child) -> None:
    if child.anonymous:
        raise ValidationError(_("An anonymous statistical record is not a case."))
    if child.status != CaseStatus.OPEN:
        raise ValidationError(_("The case is closed."))


def check_case_date(child: Child, value: dt.date | None, field: str) -> None:
    """Dates of case events: not in the future, not before the registration."""
    if value is None:
        raise ValidationError({field: _("This field is required.")})
    if value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if value < child.registration_date:
        raise ValidationError({field: _("The date cannot be before the registration date.")})


def save_child(child: Child, user, reason: str) -> Child:
    """Save a changed case: a new version (optimistic lock), who changed it, and why.

    reason is a stable code with codes as arguments (cases.reasons.encode), translated
    when the case page shows it (cases.reasons.describe).
    """
    child.version += 1
    child.updated_by = user
    child._history_user = user
    child._change_reason = reason[:100]
    child.save()
    return child
