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
from lookups.models import County

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
    return worker_rows(county_code, {g["carrier"]: g for g in grouped})


def worker_rows(county_code: str, by_carrier: dict) -> list[Row]:
    """The rows of rows_per_worker from the figures of each carrier ({carrier: {metric: n}},
    a metric left out is 0): the active field workers of the county and those carrying
    some of its cases, then one row for the cases no worker of it carries."""
    by_carrier = dict(by_carrier)
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
                setattr(other, m, getattr(other, m) + figures.get(m, 0))
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


def county_rows(by_county: dict[str, dict]) -> list[Row]:
    """Rows like rows_per_county's from the figures of each county ({code: {metric: n}},
    a metric left out is 0), in the order of the counties' names."""
    names = County.objects.filter(pk__in=list(by_county)).order_by("name").values_list("pk", "name")
    return [
        Row(key=code, label=name, **{m: by_county[code].get(m, 0) for m in METRICS})
        for code, name in names
    ]


def overdue_per_carrier(
    counties: list[str] | None, today: dt.date
) -> dict[str, dict[int | None, int]]:
    """The open cases whose follow-up is overdue, per county and carrier (as
    rows_per_worker groups them): {county: {carrier: n}}, every county asked for present.
    The overdue figure alone needs none of the other metrics' subqueries over follow-ups."""
    cases = open_cases().filter(next_follow_up_due__lt=today)
    if counties is not None:
        cases = cases.filter(current_county_id__in=counties)
    found: dict[str, dict[int | None, int]] = {code: {} for code in counties or ()}
    grouped = (
        cases.annotate(carrier=Coalesce("assigned_to_id", "created_by_id"))
        .values("current_county_id", "carrier")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for g in grouped:
        found.setdefault(g["current_county_id"], {})[g["carrier"]] = g["n"]
    return found


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
