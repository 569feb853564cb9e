"""The statistics of the coordinators' home page, in aggregate SQL.

Statistics scope (roles.md) is its own: a county coordinator's county (every child whose
current_county is that county, anonymous records included where registrations are
counted), the whole country for the country coordinator. It is never the case-opening
scope (visible_to), which also holds cases shared one by one. Records closed as
duplicates count nowhere, as in the quarterly report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import county_scope
from cases.models import CaseStatus, Child
from cases.rules import AGE_GROUPS

from . import charts, labels

MONTHS_SHOWN = 12
# About the width of a chart card at 1024 px, so that the text is drawn near its size.
CHART_WIDTH = 470


def statistics_scope(user):
    """Every record (anonymous ones too) in the user's statistics scope."""
    return county_scope(user).filter(
        Child.objects.exclude(closure_reason="duplicate"), "current_county_id"
    )


def case_list_url(user, **params) -> str | None:
    """The case list filtered by params, within the user's county; None until it exists."""
    try:
        base = reverse("cases:list")
    except NoReverseMatch:
        return None
    if user.is_county_coordinator and "current_county" not in params:
        params = {"current_county": user.county_id, **params}
    return f"{base}?{urlencode(params)}" if params else base


@dataclass
class Figure:
    label: str
    value: int
    href: str | None = None
    css: str = ""


@dataclass
class Dashboard:
    scope: str
    figures: list[Figure] = field(default_factory=list)
    charts: list[tuple[str, str]] = field(default_factory=list)
    counts: dict = field(default_factory=dict)


def _month_starts(today: dt.date, count: int) -> list[dt.date]:
    months = []
    year, month = today.year, today.month
    for _i in range(count):
        months.append(dt.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return months[::-1]


def _month_end(start: dt.date) -> dt.date:
    nxt = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def case_scope(user):
    """The cases the case figures count: exactly what their links list (the case list
    of the user's scope), so records closed as duplicates are among the closed cases
    there; anonymous records are not cases."""
    return county_scope(user).filter(Child.objects.cases(), "current_county_id")


def case_counts(user, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    cases = case_scope(user)
    open_ = Q(status=CaseStatus.OPEN)
    return cases.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=open_),
        closed=Count("pk", filter=Q(status=CaseStatus.CLOSED)),
        high_risk=Count("pk", filter=open_ & Q(risk_level="high")),
        overdue=Count("pk", filter=open_ & Q(next_follow_up_due__lt=today)),
    )


def monthly_registrations(user, today: dt.date | None = None) -> list[tuple[dt.date, int]]:
    today = today or timezone.localdate()
    months = _month_starts(today, MONTHS_SHOWN)
    rows = (
        statistics_scope(user)
        .filter(registration_date__gte=months[0], registration_date__lte=today)
        .annotate(month=TruncMonth("registration_date"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    found = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        found[month] = row["n"]
    return [(m, found.get(m, 0)) for m in months]


def by_sex_age(user) -> dict[tuple[str, str], int]:
    rows = statistics_scope(user).values("sex", "age_group").annotate(n=Count("pk"))
    return {(r["sex"], r["age_group"]): r["n"] for r in rows}


def by_county(user) -> list[tuple[str, int]]:
    rows = (
        statistics_scope(user)
        .values("current_county_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "current_county_id")
    )
    return [(r["current_county_id"], r["n"]) for r in rows]


def by_concern(user) -> list[tuple[str, int]]:
    rows = (
        statistics_scope(user)
        .filter(protection_concerns__isnull=False)
        .values("protection_concerns__code")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "protection_concerns__code")
    )
    return [(r["protection_concerns__code"], r["n"]) for r in rows]


def open_by_risk(user) -> dict[str, int]:
    rows = (
        case_scope(user).filter(status=CaseStatus.OPEN).values("risk_level").annotate(n=Count("pk"))
    )
    return {r["risk_level"]: r["n"] for r in rows}


def build(user, today: dt.date | None = None) -> Dashboard:
    """Figures and charts of the home page of a coordinator."""
    today = today or timezone.localdate()
    scope = (
        labels.scope_label("national")
        if user.is_country_coordinator
        else labels.scope_label(user.county_id)
    )
    board = Dashboard(scope=scope)
    counts = case_counts(user, today)
    board.counts = counts
    board.figures = [
        Figure(_("open cases"), counts["open"], case_list_url(user, status="open")),
        Figure(_("closed cases"), counts["closed"], case_list_url(user, status="closed")),
        Figure(
            _("open high-risk cases"),
            counts["high_risk"],
            case_list_url(user, status="open", risk_level="high"),
            "warn",
        ),
        Figure(
            _("overdue follow-ups"),
            counts["overdue"],
            case_list_url(user, status="open", overdue="1"),
            "alert",
        ),
    ]

    title = _("Children registered per month")
    months = monthly_registrations(user, today)
    bars = [
        charts.Bar(
            labels.month_short_label(m.strftime("%Y-%m")),
            n,
            case_list_url(
                user,
                registered_from=m.isoformat(),
                registered_to=_month_end(m).isoformat(),
            ),
        )
        for m, n in months
    ]
    board.charts.append((title, charts.columns(bars, title=title, width=CHART_WIDTH, height=200)))

    title = _("Children by sex and age group")
    cells = by_sex_age(user)
    sexes = [s for s in ("female", "male") if any(k[0] == s for k in cells)] or ["female", "male"]
    board.charts.append(
        (
            title,
            charts.grouped_columns(
                [labels.value_label("age_group", g) for g in AGE_GROUPS],
                [
                    (
                        labels.value_label("sex", s),
                        [charts.Bar(g, cells.get((s, g), 0)) for g in AGE_GROUPS],
                    )
                    for s in sexes
                ],
                title=title,
                width=CHART_WIDTH,
                height=200,
            ),
        )
    )

    if user.is_country_coordinator:
        title = _("Children by county")
        bars = [
            charts.Bar(
                labels.value_label("county", code), n, case_list_url(user, current_county=code)
            )
            for code, n in by_county(user)
        ]
        board.charts.append(
            (title, charts.horizontal_bars(bars, title=title, width=CHART_WIDTH, label_width=150))
        )

    title = _("Protection concerns")
    bars = [
        charts.Bar(
            labels.value_label("concern", code), n, case_list_url(user, protection_concern=code)
        )
        for code, n in by_concern(user)
    ]
    board.charts.append((title, charts.horizontal_bars(bars, title=title, width=CHART_WIDTH)))

    title = _("Open cases by risk level")
    risks = open_by_risk(user)
    bars = [
        charts.Bar(
            labels.value_label("risk_level", code),
            risks.get(code, 0),
            case_list_url(user, status="open", risk_level=code),
        )
        for code in ("high", "medium", "low")
    ]
    board.charts.append(
        (title, charts.horizontal_bars(bars, title=title, width=CHART_WIDTH, label_width=150))
    )
    return board
