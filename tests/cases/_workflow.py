"""Helpers of the workflow tests: a case in a known state, built through the real services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from audit.models import AuditEvent
from tests.factories import make_child

TODAY = timezone.localdate


def open_case(user, county: str | None = None, *, risk: str = "low", days_ago: int = 90, **kw):
    """An open case registered days_ago, without referrals, at the given risk level."""
    registered = TODAY() - dt.timedelta(days=days_ago)
    return make_child(
        user,
        county,
        registration_date=registered,
        entry_date=registered - dt.timedelta(days=2),
        risk_level=risk,
        services_needed=[],
        **kw,
    )


def events(child, action: str | None = None, **details):
    qs = AuditEvent.objects.filter(object_code=child.code)
    if action:
        qs = qs.filter(action=action)
    for key, value in details.items():
        qs = qs.filter(**{f"details__{key}": value})
    return qs
