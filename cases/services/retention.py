"""Retention: closed cases are anonymised RETENTION_AFTER_CLOSURE_DAYS after their closure
(docs/data-lifecycle.md). Run daily by Celery beat (cases.tasks) and by
`manage.py apply_retention [--dry-run]`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cases.models import (
    AnonymisationReason,
    AnonymisationRequest,
    AnonymisationStatus,
    CaseStatus,
    Child,
)

from . import anonymisation
from ._common import lock


def retention_cutoff(today: dt.date | None = None) -> dt.date:
    """Cases closed on or before this day are due."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=settings.RETENTION_AFTER_CLOSURE_DAYS)


def due_for_retention(today: dt.date | None = None) -> QuerySet[Child]:
    """Closed cases past the retention period, not yet anonymised, with no request waiting
    (a coordinator's request is decided by the country coordinator, not overtaken)."""
    return (
        Child.objects.cases()
        .filter(
            status=CaseStatus.CLOSED,
            anonymised_at__isnull=True,
            closed_on__lte=retention_cutoff(today),
        )
        .exclude(anonymisation_requests__status=AnonymisationStatus.PENDING)
        .order_by("closed_on", "pk")
    )


def apply_retention(today: dt.date | None = None, *, dry_run: bool = False) -> int:
    """Anonymise every due case, one transaction each (a case that changed meanwhile is
    skipped, the others kept); returns how many were (or, dry_run, would be) anonymised.
    Safe to run twice: an anonymised case is no longer due."""
    ids = list(due_for_retention(today).values_list("pk", flat=True))
    if dry_run:
        return len(ids)
    done = 0
    for pk in ids:
        with transaction.atomic():
            child = lock(Child(pk=pk))
            if not due_for_retention(today).filter(pk=pk).exists():
                continue
            if anonymisation.refusal(child):
                continue
            now = timezone.now()
            request = AnonymisationRequest.objects.create(
                child=child,
                reason=AnonymisationReason.RETENTION,
                status=AnonymisationStatus.APPROVED,
                decided_at=now,
            )
            anonymisation.anonymise_case(child, None, request)
            done += 1
    return done
