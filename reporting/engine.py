"""The report engine: every table of quarterly_report.md for a (period, scope) pair.

Aggregate SQL through the ORM only (values().annotate(Count(...))): no Python loop over
cases. Tables that break the records down by their own columns share grouped scans
(PROFILE, TRAVEL), and Python adds up their few thousand groups per table; otherwise
Python only sorts the aggregated rows and fills the months without registrations. The
same code runs on PostgreSQL and SQLite.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Child, FollowUp, Reopening
from cases.rules import AGE_GROUPS
from lookups.models import County
from referrals.models import Referral

from .periods import Period, parse_period
from .suppression import suppress_document

DUPLICATE = "duplicate"
UASC_COUNTED = ("separated", "unaccompanied")
# The next date of a follow-up that set none: it never falls due.
NEVER_DUE = dt.date.max

# name -> dimensions, in the spec's order (the document lists its tables in this order).
TABLES: OrderedDict[str, list[str]] = OrderedDict(
    [
        ("totals", ["measure"]),
        ("by_sex_age", ["sex", "age_group"]),
        ("by_county_sex", ["county", "sex"]),
        ("uasc_by_county", ["county", "uasc_status"]),
        ("concerns", ["concern"]),
        ("concerns_by_risk", ["risk_level"]),
        ("disability_by_sex", ["sex"]),
        ("referrals_by_service", ["service_type"]),
        ("monthly_registrations", ["month"]),
        ("intention_of_travel", ["planned_stay", "destination_country"]),
        ("entry_points", ["entry_point"]),
        ("closures_by_reason", ["closure_reason"]),
    ]
)
MEASURES = (
    "children_registered",
    "caregivers_registered",
    "cases_closed",
    "children_with_concerns",
    "children_referred",
    "unaccompanied_or_separated",
    "cases_open",
    "followups_overdue",
)
# Figures at the period's end: no in_quarter.
POINT_IN_TIME = frozenset({"cases_open", "followups_overdue"})

# Lookup list of each dimension, for labels (lookups.registry.label).
DIMENSION_LISTS = {
    "sex": "sex",
    "county": "county",
    "uasc_status": "uasc_status",
    "concern": "protection_concern",
    "risk_level": "risk_level",
    "service_type": "service_type",
    "planned_stay": "planned_stay",
    "entry_point": "entry_point",
    "closure_reason": "closure_reason",
}
MEASURE_LABELS = {
    "children_registered": _("Children registered"),
    "caregivers_registered": _("Caregivers registered"),
    "cases_closed": _("Cases closed"),
    "children_with_concerns": _("Children with protection concerns"),
    "children_referred": _("Children referred to services"),
    "unaccompanied_or_separated": _("Unaccompanied or separated children"),
    "cases_open": _("Cases open at the end of the period"),
    "followups_overdue": _("Follow-ups overdue at the end of the period"),
}
TABLE_TITLES = {
    "totals": _("Totals"),
    "by_sex_age": _("Children registered by sex and age group"),
    "by_county_sex": _("Children registered by county and sex"),
    "uasc_by_county": _("Separated and unaccompanied children by county"),
    "concerns": _("Children by protection concern"),
    "concerns_by_risk": _("Children with protection concerns by risk level"),
    "disability_by_sex": _("Children with a disability by sex"),
    "referrals_by_service": _("Referrals by service"),
    "monthly_registrations": _("Registrations by month"),
    "intention_of_travel": _("Children registered by intention of travel"),
    "entry_points": _("Children registered by entry point"),
    "closures_by_reason": _("Cases closed by reason"),
}
DIMENSION_LABELS = {
    "measure": _("Measure"),
    "sex": _("Sex"),
    "age_group": _("Age group"),
    "county": _("County"),
    "uasc_status": _("Accompanied, separated or unaccompanied"),
    "concern": _("Protection concern"),
    "risk_level": _("Risk level"),
    "service_type": _("Service"),
    "month": _("Month"),
    "planned_stay": _("Intention"),
    "destination_country": _("Country of destination"),
    "entry_point": _("Entry point"),
    "closure_reason": _("Closure reason"),
}


# The columns of the records that their breakdowns read (dimension -> column), in two
# groups of a few thousand combinations at most: one scan per group serves every table
# (and total) that adds up some of its columns (a scan of a million records costs far
# more than grouping by a few more columns in it). The month of registration stays in a
# query of its own: PostgreSQL cannot estimate its groups, expects far too many with it
# and sorts a million rows on disk instead of hashing (1.9 s against 0.3 + 0.3 s apart).
PROFILE = {
    "sex": "sex",
    "age_group": "age_group",
    "county": "current_county_id",
    "uasc_status": "uasc_status",
    "has_disability": "has_disability",
}
TRAVEL = {
    "entry_point": "entry_point_id",
    "planned_stay": "planned_stay",
    "destination_country": "destination",
}


class _Counter:
    """The queries of one (period, scope): each method returns rows of one table."""

    def __init__(self, period: Period, county: str | None, as_of: dt.date | None = None):
        self.start = period.start
        # "The period's end" of every rule: today in a period that has not ended yet, so
        # that nothing not yet due counts as overdue (a provisional report).
        self.end = period.end if as_of is None else min(as_of, period.end)
        self.county = county

    # Base sets -------------------------------------------------------------------------
    def children(self) -> QuerySet:
        """Every record that counts at all: duplicates never do (in no period)."""
        qs = Child.objects.exclude(closure_reason=DUPLICATE)
        if self.county:
            qs = qs.filter(current_county_id=self.county)
        return qs.order_by()

    def registered(self) -> QuerySet:
        """Registered on or before the period's end, anonymous records included."""
        return self.children().filter(registration_date__lte=self.end)

    def cases(self) -> QuerySet:
        """Cases (records with consent) registered on or before the period's end."""
        return self.registered().filter(anonymous=False)

    def _undone_closures(self) -> QuerySet:
        """Reopenings that undid a closure covering the period's end: the closure was made
        on or before the end, the reopening after it (few: they straddle the end)."""
        return Reopening.objects.filter(
            previous_closed_on__lte=self.end, reopened_on__gt=self.end
        ).order_by()

    def closed_parts(self) -> tuple[QuerySet, QuerySet]:
        """The cases closed at the period's end, in two disjoint parts, each annotated with
        the closure that covered the end (end_closed_on, end_closure_reason):

        - closed on or before the end: their own closure (plain columns, so that
          PostgreSQL scans them in parallel, as for any other table);
        - not, but by a closure that a reopening after the end undid (so that a quarter
          recomputed after a reopening keeps its figures): the earliest such closure,
          read from the reopening, for these few cases only.

        Counts of closed cases are the sums over both parts."""
        undone = self._undone_closures().filter(child_id=OuterRef("pk"))
        undone = undone.order_by("previous_closed_on", "id")
        own = (
            self.cases()
            .filter(closed_on__lte=self.end)
            .annotate(end_closed_on=F("closed_on"), end_closure_reason=F("closure_reason"))
        )
        reopened = (
            self.cases()
            .exclude(closed_on__lte=self.end)
            .filter(pk__in=self._undone_closures().values("child_id"))
            .annotate(
                end_closed_on=Subquery(undone.values("previous_closed_on")[:1]),
                end_closure_reason=Subquery(undone.values("previous_closure_reason")[:1]),
            )
        )
        return own, reopened

    def open_cases(self) -> QuerySet:
        """The complement of closed_parts(): not closed on or before the end, and no
        closure undone after it (an anti-join, not a subquery per case)."""
        undone = self._undone_closures().filter(child_id=OuterRef("pk"))
        return self.cases().exclude(closed_on__lte=self.end).filter(~Exists(undone))

    def _in_quarter(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lte": self.end})

    def _counts(self, field: str = "registration_date", distinct: bool = False) -> dict:
        return {
            "cumulative": Count("pk", distinct=distinct),
            "in_quarter": Count("pk", distinct=distinct, filter=self._in_quarter(field)),
        }

    @staticmethod
    def _rows(queryset, names: dict[str, str]) -> list[dict[str, Any]]:
        """Rename the value columns to dimension names; keep non-zero cumulative rows."""
        rows = []
        for item in queryset:
            if not item["cumulative"]:
                continue
            row = {dim: ("" if item[col] is None else item[col]) for dim, col in names.items()}
            row["cumulative"] = item["cumulative"]
            row["in_quarter"] = item["in_quarter"]
            rows.append(row)
        return rows

    def grouped(self, queryset, names: dict[str, str], date_field="registration_date"):
        qs = queryset.values(*names.values()).annotate(**self._counts(date_field))
        return self._rows(qs, names)

    @staticmethod
    def _sum(groups: list[dict], dimensions: list[str], keep=None) -> list[dict[str, Any]]:
        """The rows of a table from finer groups (rows of _rows): the groups that keep()
        accepts, added up by the table's dimensions."""
        sums: dict[tuple, dict[str, Any]] = {}
        for group in groups:
            if keep is not None and not keep(group):
                continue
            key = tuple(group[d] for d in dimensions)
            row = sums.setdefault(
                key, {**dict(zip(dimensions, key, strict=True)), "cumulative": 0, "in_quarter": 0}
            )
            row["cumulative"] += group["cumulative"]
            row["in_quarter"] += group["in_quarter"]
        return list(sums.values())

    @cached_property
    def profile(self) -> list[dict[str, Any]]:
        """The registered records by PROFILE's columns (one scan for the totals of
        registrations and four tables)."""
        return self.grouped(self.registered(), PROFILE)

    @cached_property
    def travel(self) -> list[dict[str, Any]]:
        """The registered records by TRAVEL's columns: entry point and intention of
        travel (one scan for two tables)."""
        qs = self.registered().annotate(
            destination=Case(
                When(planned_stay="transit", then=F("destination_country")),
                default=Value(""),
                output_field=CharField(),
            )
        )
        return self.grouped(qs, TRAVEL)

    @cached_property
    def concern_risks(self) -> list[dict[str, Any]]:
        """Children with a protection concern by risk level (also their total)."""
        return self.grouped(
            self.registered().filter(self._has_concern()), {"risk_level": "risk_level"}
        )

    @cached_property
    def closures(self) -> list[dict[str, Any]]:
        """Cases closed at the end by reason, both parts of closed_parts() added up (also
        the total of closed cases)."""
        names = {"closure_reason": "end_closure_reason"}
        groups = []
        for part in self.closed_parts():
            groups += self.grouped(part, names, date_field="end_closed_on")
        return self._sum(groups, ["closure_reason"])

    @classmethod
    def _total(cls, groups: list[dict], keep=None) -> tuple[int, int]:
        rows = cls._sum(groups, [], keep)
        return (rows[0]["cumulative"], rows[0]["in_quarter"]) if rows else (0, 0)

    # Totals -----------------------------------------------------------------------------
    def totals(self) -> list[dict[str, Any]]:
        figures: dict[str, tuple[int, int | None]] = {}
        figures["children_registered"] = self._total(self.profile)
        figures["caregivers_registered"] = self.caregivers()
        figures["cases_closed"] = self._total(self.closures)
        figures["children_with_concerns"] = self._total(self.concern_risks)
        figures["children_referred"] = self.children_referred()
        figures["unaccompanied_or_separated"] = self._total(self.profile, _uasc)
        figures["cases_open"] = (self.open_cases().count(), None)
        figures["followups_overdue"] = (self.overdue().count(), None)
        return [
            {"measure": m, "cumulative": figures[m][0], "in_quarter": figures[m][1]}
            for m in MEASURES
        ]

    def _has_concern(self) -> Exists:
        through = Child.protection_concerns.through
        return Exists(through.objects.filter(child_id=OuterRef("pk")))

    def caregivers(self) -> tuple[int, int]:
        """Once each, when one of their children counts; in the quarter of the first one."""
        per_caregiver = (
            self.registered()
            .filter(caregiver__isnull=False)
            .values("caregiver_id")
            .annotate(first=Min("registration_date"))
        )
        counts = per_caregiver.aggregate(
            cumulative=Count("caregiver_id"),
            in_quarter=Count("caregiver_id", filter=Q(first__gte=self.start)),
        )
        return counts["cumulative"], counts["in_quarter"]

    def children_referred(self) -> tuple[int, int]:
        """Cases with at least one referral on or before the end / in the quarter (one
        join: the aggregate's condition applies to the referral rows of the filter)."""
        cases = self.children().filter(anonymous=False, referrals__referred_on__lte=self.end)
        counts = cases.aggregate(
            cumulative=Count("pk", distinct=True),
            in_quarter=Count("pk", distinct=True, filter=Q(referrals__referred_on__gte=self.start)),
        )
        return counts["cumulative"], counts["in_quarter"]

    def overdue(self) -> QuerySet:
        """Open cases at the end whose next follow-up, by the follow-ups recorded up to the
        end (the latest one's next_due; none: the first follow-up due), was due before it.

        One index probe per open case: the latest follow-up's next date, where one that
        set no date is never due (so that "no follow-up recorded" stays apart from "the
        latest set no date" without a second subquery)."""
        recorded = FollowUp.objects.filter(child_id=OuterRef("pk"), done_on__lte=self.end)
        latest_next_due = recorded.order_by("-done_on", "-id").values(
            due=Coalesce("next_due", Value(NEVER_DUE))
        )[:1]
        return (
            self.open_cases()
            .annotate(due=Coalesce(Subquery(latest_next_due), "first_follow_up_due"))
            .filter(due__lt=self.end)
        )

    # Tables -----------------------------------------------------------------------------
    def by_sex_age(self):
        return self._sum(self.profile, ["sex", "age_group"])

    def by_county_sex(self):
        return self._sum(self.profile, ["county", "sex"])

    def uasc_by_county(self):
        return self._sum(self.profile, ["county", "uasc_status"], _uasc)

    def concerns(self):
        # From the records, joined to their concerns once (a child counts under each of
        # its concerns); the concern rows filtered by a subquery of the records read the
        # table twice.
        return self.grouped(
            self.registered().filter(protection_concerns__isnull=False),
            {"concern": "protection_concerns"},
        )

    def concerns_by_risk(self):
        return self.concern_risks

    def disability_by_sex(self):
        return self._sum(self.profile, ["sex"], lambda g: g["has_disability"] == "yes")

    def referrals_by_service(self):
        cases = self.children().filter(anonymous=False).values("pk")
        qs = (
            Referral.objects.filter(child_id__in=cases, referred_on__lte=self.end)
            .order_by()
            .values("service_type")
            .annotate(
                cumulative=Count("pk"),
                in_quarter=Count("pk", filter=self._in_quarter("referred_on")),
            )
        )
        return self._rows(qs, {"service_type": "service_type"})

    def monthly_registrations(self):
        qs = (
            self.registered()
            .annotate(y=ExtractYear("registration_date"), m=ExtractMonth("registration_date"))
            .values("y", "m")
            .annotate(n=Count("pk"))
        )
        counts = {(item["y"], item["m"]): item["n"] for item in qs}
        if not counts:
            return []
        year, month = min(counts)
        rows = []
        while (year, month) <= (self.end.year, self.end.month):
            rows.append(
                {
                    "month": f"{year:04d}-{month:02d}",
                    "cumulative": counts.get((year, month), 0),
                    "in_quarter": None,
                }
            )
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return rows

    def intention_of_travel(self):
        return self._sum(self.travel, ["planned_stay", "destination_country"])

    def entry_points(self):
        return self._sum(self.travel, ["entry_point"])

    def closures_by_reason(self):
        return self.closures


def _uasc(group: dict) -> bool:
    return group["uasc_status"] in UASC_COUNTED


def _sort_key(dimensions: list[str]) -> Callable[[dict], tuple]:
    def key(row: dict) -> tuple:
        parts = []
        for d in dimensions:
            value = row[d]
            if d == "age_group":
                parts.append((AGE_GROUPS.index(value) if value in AGE_GROUPS else 99, value))
            else:
                parts.append((0, value))
        return tuple(parts)

    return key


def _format_generated_at(generated_at) -> str:
    if generated_at is None:
        generated_at = timezone.now()
    if isinstance(generated_at, str):
        return generated_at
    if timezone.is_naive(generated_at):
        generated_at = timezone.make_aware(generated_at, dt.UTC)
    return generated_at.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_county(county: str | None) -> str | None:
    if county in (None, "", "national"):
        return None
    if not County.objects.filter(pk=county).exists():
        raise ValueError(_("Unknown county %(county)r.") % {"county": county})
    return county


def compute_tables(
    period: Period,
    county: str | None,
    names: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    as_of: dt.date | None = None,
) -> dict[str, dict[str, Any]]:
    counter = _Counter(period, county, as_of)
    names = [n for n in TABLES if names is None or n in names]
    tables = {}
    with _without_jit():
        for i, name in enumerate(names, start=1):
            dimensions = TABLES[name]
            rows = getattr(counter, name)()
            if name != "totals":
                rows.sort(key=_sort_key(dimensions))
            tables[name] = {"dimensions": list(dimensions), "rows": rows}
            if progress is not None:
                progress(i, len(names))
    return tables


@contextmanager
def _without_jit():
    """PostgreSQL compiles these aggregates with JIT once their estimated cost is high,
    which at 35,000 cases takes seconds longer than running them (measured by
    bench/report_bench.py). Switch it off for the report's queries, then restore it."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit')")
        previous = cursor.fetchone()[0]
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('jit', %s, false)", [previous])
        except DatabaseError:
            pass  # an aborted transaction: its rollback restores the setting anyway


def compute_report(
    period: str | Period,
    county: str | None = None,
    variant: str = "full",
    generated_at=None,
    *,
    threshold: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The JSON document of quarterly_report.md for one quarter and scope.

    A quarter that has not ended by today (default: the local date) gives a provisional
    document, counted up to today ("as_of"); a finished one is final, as of its last day.

    county None (or "national") means every county; variant "public" keeps the public
    tables only and applies primary and secondary suppression (threshold:
    settings.REPORT_SUPPRESSION_THRESHOLD unless given). progress(done, total) is called
    as each table completes.
    """
    if variant not in ("full", "public"):
        raise ValueError(_("Unknown variant %(variant)r.") % {"variant": variant})
    if not isinstance(period, Period):
        period = parse_period(period)
    county = check_county(county)
    today = today or timezone.localdate()
    if today < period.start:
        raise ValueError(_("The quarter %(period)s has not started yet.") % {"period": period.code})
    as_of = period.as_of(today)
    document = {
        "report": "quarterly_statistics",
        "period": period.code,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "scope": county or "national",
        "variant": "full",
        "generated_at": _format_generated_at(generated_at),
        "provisional": period.is_provisional(today),
        "as_of": as_of.isoformat(),
        "tables": {},
    }
    if variant == "full":
        document["tables"] = compute_tables(period, county, progress=progress, as_of=as_of)
        return document
    from .suppression import PUBLIC_TABLES

    document["tables"] = compute_tables(
        period, county, list(PUBLIC_TABLES), progress=progress, as_of=as_of
    )
    if threshold is None:
        threshold = settings.REPORT_SUPPRESSION_THRESHOLD
    public, notes = suppress_document(document, threshold)
    # Why each cell is withheld travels in the document itself, so that a PDF rendered
    # later, by another process, from the stored snapshot says the same as the first.
    tables = public.pop("tables")
    public["suppression_threshold"] = threshold
    public["suppression_notes"] = notes
    public["tables"] = tables
    return public


def suppression_notes(document: dict[str, Any], threshold: int | None = None) -> list[dict]:
    """Which cells of a public document are suppressed and why: a list of
    {"table", "row": {dimension: code}, "measure", "reason": "primary" | "secondary"}.

    The notes are those stored in the document when it was computed. A public document
    stored before the notes were (no "suppression_notes" key) has them recomputed from
    the database for the same period and scope; a suppressed cell that the recomputation
    does not explain (the data changed since) is reported with the reason "suppressed".
    """
    if document.get("variant") != "public":
        return []
    notes = document.get("suppression_notes")
    if notes is None:
        if threshold is None:
            threshold = settings.REPORT_SUPPRESSION_THRESHOLD
        as_of = document.get("as_of")
        full = compute_report(
            document["period"],
            document["scope"],
            "full",
            today=dt.date.fromisoformat(as_of) if as_of else None,
        )
        full["tables"] = {k: v for k, v in full["tables"].items() if k in document["tables"]}
        _public, notes = suppress_document(full, threshold)
    by_cell = {
        (n["table"], tuple(sorted(n["row"].items())), n["measure"]): n["reason"] for n in notes
    }
    result = []
    for name, table in document["tables"].items():
        for row in table["rows"]:
            dims = {d: row[d] for d in table["dimensions"]}
            for measure in ("cumulative", "in_quarter"):
                if row.get(f"{measure}_suppressed"):
                    reason = by_cell.get((name, tuple(sorted(dims.items())), measure))
                    result.append(
                        {
                            "table": name,
                            "row": dims,
                            "measure": measure,
                            "reason": reason or "suppressed",
                        }
                    )
    return result
