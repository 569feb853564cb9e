"""Caseload review figures (roles.md): per worker of a county, or per county.

Each table is one aggregate query over the open cases, grouped in the database; Python
only loops over the (few) workers or counties to lay the rows out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role, User
from cases.models import Child, FollowUp

# "Cases without a follow-up in 60 days" (issue 4).
STALE_DAYS = 60
METRICS = ("open_cases", "high_risk", "overdue", "no_recent_follow_up")


@dataclass
class Row:
    key: str | int | None
    label: str
    open_cases: int = 0
    high_risk: int = 0
    overdue: int = 0
    no_recent_follow_up: int = 0
    user: User | None = None


def _metrics(today: dt.date) -> dict:
    cutoff = today - dt.timedelta(days=STALE_DAYS)
    recent = FollowUp.objects.filter(child=OuterRef("pk"), done_on__gte=cutoff)
    return {
        "open_cases": Count("pk"),
        "high_risk": Count("pk", filter=Q(risk_level="high")),
        "overdue": Count("pk", filter=Q(next_follow_up_due__lt=today)),
        # The last contact (registration or follow-up) is more than 60 days old.
        "no_recent_follow_up": Count(
            "pk", filter=Q(registration_date__lt=cutoff) & ~Q(Exists(recent))
        ),
    }


def open_cases() -> QuerySet[Child]:
    return Child.objects.cases().open()


def carried_by(user: User) -> Q:
    """The cases a worker carries: assigned to them, or registered by them and unassigned
    in their county."""
    return Q(assigned_to=user) | Q(
        assigned_to__isnull=True, created_by=user, current_county_id=user.county_id
    )


def own_row(user: User, today: dt.date | None = None) -> Row:
    today = today or timezone.localdate()
    figures = open_cases().filter(carried_by(user)).aggregate(**_metrics(today))
    return Row(key=user.pk, label=user.get_full_name() or user.username, user=user, **figures)


def rows_per_worker(county_code: str, today: dt.date | None = None) -> list[Row]:
    """One row per field worker of the county, then one for cases no worker of it carries."""
    today = today or timezone.localdate()
    grouped = (
        open_cases()
        .filter(current_county_id=county_code)
        .annotate(carrier=Coalesce("assigned_to_id", "created_by_id"))
        .values("carrier")
        .annotate(**_metrics(today))
        .order_by()
    )
    by_carrier = {g["carrier"]: g for g in grouped}
    workers = User.objects.filter(role=Role.FIELD_WORKER, county_id=county_code).filter(
        Q(is_active=True) | Q(pk__in=[k for k in by_carrier if k is not None])
    )
    rows = []
    for worker in sorted(workers, key=lambda w: (w.get_full_name() or w.username).casefold()):
        figures = by_carrier.pop(worker.pk, {})
        rows.append(
            Row(
                key=worker.pk,
                label=worker.get_full_name() or worker.username,
                user=worker,
                **{m: figures.get(m, 0) for m in METRICS},
            )
        )
    if by_carrier:
        other = Row(key=None, label="")
        for figures in by_carrier.values():
            for m in METRICS:
                setattr(other, m, getattr(other, m) + figures[m])
        rows.append(other)
    return rows


def rows_per_county(today: dt.date | None = None) -> list[Row]:
    today = today or timezone.localdate()
    grouped = (
        open_cases()
        .values("current_county_id", "current_county__name")
        .annotate(**_metrics(today))
        .order_by("current_county__name")
    )
    return [
        Row(
            key=g["current_county_id"],
            label=g["current_county__name"],
            **{m: g[m] for m in METRICS},
        )
        for g in grouped
    ]


def total(rows: list[Row]) -> Row:
    row = Row(key="total", label="")
    for r in rows:
        for m in METRICS:
            setattr(row, m, getattr(row, m) + getattr(r, m))
    return row


def overdue_cases(user: User, today: dt.date | None = None) -> QuerySet[Child]:
    """Open cases this user may open whose next follow-up is past."""
    today = today or timezone.localdate()
    return (
        Child.objects.visible_to(user)
        .open()
        .filter(next_follow_up_due__lt=today)
        .select_related("current_county", "assigned_to")
        .order_by("next_follow_up_due", "id")
    )
