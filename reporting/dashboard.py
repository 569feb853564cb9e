"""The statistics of the coordinators' home page, in aggregate SQL.

Statistics scope (roles.md) is its own: a county coordinator's county (every child whose
current_county is that county, anonymous records included where registrations are
counted), the whole country for the country coordinator. It is never the case-opening
scope (visible_to), which also holds cases shared one by one. Records closed as
duplicates count nowhere, as in the quarterly report.

The figures are counted per county and kept in the shared cache under the county's
version (cases.figure_versions), which changes after every committed change of a case
there: the page after a registration, a closure, a transfer or an import counts that
county again, and the other counties' figures come from the cache. The country's figures
are its counties' added up.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import county_scope
from cases import figure_versions, replica
from cases.models import CaseStatus, Child
from cases.replica import replica_reads
from cases.rules import AGE_GROUPS

from . import charts, labels

log = logging.getLogger(__name__)

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


COUNTS = ("total", "open", "closed", "high_risk", "overdue")


def _no_figures() -> dict:
    return {
        "counts": dict.fromkeys(COUNTS, 0),
        "registered": 0,  # the statistics scope: the county chart's bar
        "months": {},
        "sex_age": {},
        "concerns": {},
        "risks": {},
    }


def count_by_county(user, today: dt.date, counties: list[str] | None = None) -> dict[str, dict]:
    """The figures of each county of the user's statistics scope (of `counties` only, when
    given): one aggregate per figure, grouped by county. A child is in one county, so the
    figures of several counties add up to theirs together (concerns count children)."""
    cases, stats = case_scope(user), statistics_scope(user)
    if counties is not None:
        cases = cases.filter(current_county_id__in=counties)
        stats = stats.filter(current_county_id__in=counties)
    found: dict[str, dict] = {code: _no_figures() for code in counties or ()}

    def of(row) -> dict:
        return found.setdefault(row["current_county_id"], _no_figures())

    open_ = Q(status=CaseStatus.OPEN)
    for row in cases.values("current_county_id").annotate(
        total=Count("pk"),
        open=Count("pk", filter=open_),
        closed=Count("pk", filter=Q(status=CaseStatus.CLOSED)),
        high_risk=Count("pk", filter=open_ & Q(risk_level="high")),
        overdue=Count("pk", filter=open_ & Q(next_follow_up_due__lt=today)),
    ):
        of(row)["counts"] = {name: row[name] for name in COUNTS}

    first = _month_starts(today, MONTHS_SHOWN)[0]
    for row in (
        stats.filter(registration_date__gte=first, registration_date__lte=today)
        .annotate(month=TruncMonth("registration_date"))
        .values("current_county_id", "month")
        .annotate(n=Count("pk"))
    ):
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        of(row)["months"][month] = row["n"]

    # Every record has one sex and age group cell: their sum is the county's records.
    for row in stats.values("current_county_id", "sex", "age_group").annotate(n=Count("pk")):
        figures = of(row)
        figures["sex_age"][(row["sex"], row["age_group"])] = row["n"]
        figures["registered"] += row["n"]

    for row in (
        stats.filter(protection_concerns__isnull=False)
        .values("current_county_id", "protection_concerns__code")
        .annotate(n=Count("pk", distinct=True))
    ):
        of(row)["concerns"][row["protection_concerns__code"]] = row["n"]

    for row in (
        cases.filter(open_).values("current_county_id", "risk_level").annotate(n=Count("pk"))
    ):
        of(row)["risks"][row["risk_level"]] = row["n"]
    return found


def _counties_of(user) -> list[str]:
    return county_scope(user).counties()


def _key(county: str, today: dt.date, version: str) -> str:
    return f"dashboard-figures:{county}:{today.isoformat()}:{version}"


def figures_by_county(user, today: dt.date) -> dict[str, dict]:
    """count_by_county for every county of the user's scope, each kept in the shared cache
    under its county's version (cases.figure_versions): after a change only the changed
    counties are counted again, and only theirs. The counting may read from the replica,
    once it has replayed the changes the versions stand for."""
    counties = _counties_of(user)
    if not counties:
        return {}
    try:
        versions = figure_versions.versions(counties)
        keys = {code: _key(code, today, versions[code]) for code in counties}
        kept = cache.get_many(list(keys.values()))
    except figure_versions.CACHE_ERRORS:
        log.warning("dashboard figures cache unavailable", exc_info=True)
        with replica_reads():
            return count_by_county(user, today)
    found = {code: kept[key] for code, key in keys.items() if key in kept}
    missing = [code for code in counties if code not in found]
    if missing:
        since = replica.latest(figure_versions.position_of(versions[c]) for c in missing)
        with replica_reads(after=since):
            # Everything missing (a new day): one pass over the scope, without a list.
            fresh = count_by_county(user, today, None if found else missing)
        try:
            cache.set_many(
                {keys[code]: fresh.get(code, _no_figures()) for code in missing},
                settings.DASHBOARD_FIGURES_SECONDS,
            )
        except figure_versions.CACHE_ERRORS:
            log.warning("dashboard figures cache unavailable", exc_info=True)
        found.update(fresh)
    return found


def scope_figures(user, today: dt.date | None = None) -> dict:
    """The figures of the user's whole statistics scope: its counties' added up."""
    today = today or timezone.localdate()
    total = _no_figures()
    by_county = {}
    for code, figures in figures_by_county(user, today).items():
        for name in COUNTS:
            total["counts"][name] += figures["counts"][name]
        for part in ("months", "sex_age", "concerns", "risks"):
            for key, n in figures[part].items():
                total[part][key] = total[part].get(key, 0) + n
        if figures["registered"]:
            by_county[code] = figures["registered"]
    total["by_county"] = by_county
    total["today"] = today
    return total


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def case_counts(user, today: dt.date | None = None) -> dict[str, int]:
    return scope_figures(user, today)["counts"]


def monthly_registrations(user, today: dt.date | None = None) -> list[tuple[dt.date, int]]:
    figures = scope_figures(user, today)
    months = figures["months"]
    return [(m, months.get(m, 0)) for m in _month_starts(figures["today"], MONTHS_SHOWN)]


def by_sex_age(user) -> dict[tuple[str, str], int]:
    return scope_figures(user)["sex_age"]


def by_county(user) -> list[tuple[str, int]]:
    return _ranked(scope_figures(user)["by_county"])


def by_concern(user) -> list[tuple[str, int]]:
    return _ranked(scope_figures(user)["concerns"])


def open_by_risk(user) -> dict[str, int]:
    return scope_figures(user)["risks"]


def build(user, today: dt.date | None = None) -> Dashboard:
    """Figures and charts of the home page of a coordinator."""
    today = today or timezone.localdate()
    scope = (
        labels.scope_label("national")
        if user.is_country_coordinator
        else labels.scope_label(user.county_id)
    )
    board = Dashboard(scope=scope)
    figures = scope_figures(user, today)
    counts = figures["counts"]
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
    months = [(m, figures["months"].get(m, 0)) for m in _month_starts(today, MONTHS_SHOWN)]
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
    cells = figures["sex_age"]
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
            for code, n in _ranked(figures["by_county"])
        ]
        board.charts.append(
            (title, charts.horizontal_bars(bars, title=title, width=CHART_WIDTH, label_width=150))
        )

    title = _("Protection concerns")
    bars = [
        charts.Bar(
            labels.value_label("concern", code), n, case_list_url(user, protection_concern=code)
        )
        for code, n in _ranked(figures["concerns"])
    ]
    board.charts.append((title, charts.horizontal_bars(bars, title=title, width=CHART_WIDTH)))

    title = _("Open cases by risk level")
    risks = figures["risks"]
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
