"""What waits for each user (issue 12): the to-do lists of the home page, their pages and
the count in the navigation. Reads only; the changes are the services' job.

Cases a field worker may open come from `Child.objects.visible_to(user)`; the lists of a
coordinator are their county's (the country coordinator's: every county), as the
statistics are: a case shared with a coordinator from elsewhere is not theirs to approve
or assign.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError

from accounts.models import Role
from accounts.preferences import EmailKind
from accounts.scope import county_scope
from cases import figure_versions
from cases.models import (
    CaseStatus,
    Child,
    ClosureRequest,
    ClosureStatus,
    FollowUp,
    Notification,
    Transfer,
)
from cases.services import caseload

log = logging.getLogger(__name__)

# A follow-up counts as "to do" from this many days before its date.
DUE_SOON_DAYS = 7
# High-risk cases need a contact at least this often (the 14-day schedule of high risk).
HIGH_RISK_CONTACT_DAYS = 14
# Transfers the country coordinator chases: waiting longer than this.
LATE_TRANSFER_DAYS = 7


def county_cases(user, county: str | None = None) -> QuerySet[Child]:
    """The cases a coordinator coordinates (accounts.scope.county_scope): their county's,
    every county's for the country coordinator (optionally one county), none otherwise."""
    qs = county_scope(user).filter(Child.objects.cases(), "current_county_id")
    return qs.filter(current_county_id=county) if county else qs


# Field workers --------------------------------------------------------------------------


# A case on the follow-up schedule, and the schedule's order.
SCHEDULED = Q(status=CaseStatus.OPEN, next_follow_up_due__isnull=False)
SCHEDULE_ORDER = ("next_follow_up_due", "id")
# What a row of the schedule shows (cases/todo/_follow_ups.html), of a case's 70 columns.
FOLLOW_UP_ROW = ("code", "first_name", "last_name", "risk_level", "next_follow_up_due")


def carried(user) -> QuerySet[Child]:
    """The cases the worker carries (caseload.carried_by) among those they may open."""
    return Child.objects.visible_to(user).filter(caseload.carried_by(user))


def follow_ups_due(user) -> QuerySet[Child]:
    """Every scheduled follow-up of the open cases the worker carries, soonest first."""
    return carried(user).filter(SCHEDULED).order_by(*SCHEDULE_ORDER)


def _unseen_kinds(user) -> frozenset[str]:
    """The kinds of the user's unseen notices, read once per request (the user object
    lives for one): the home page's blocks each ask."""
    kinds = user.__dict__.get("_unseen_notice_kinds")
    if kinds is None:
        kinds = frozenset(
            Notification.objects.filter(recipient_id=user.pk, seen_at__isnull=True)
            .order_by()
            .values_list("kind", flat=True)
            .distinct()
        )
        user.__dict__["_unseen_notice_kinds"] = kinds
    return kinds


def _unseen(user, kinds: Iterable[str]) -> QuerySet[Notification]:
    kinds = list(kinds)
    unseen = Notification.objects.filter(recipient_id=user.pk, kind__in=kinds, seen_at__isnull=True)
    # Most visits find nothing unseen, and PostgreSQL took longer to plan the scope's
    # subqueries below (3-8 ms at a million cases with the scope of then) than this look
    # at the user's own.
    if not _unseen_kinds(user).intersection(kinds):
        return unseen.none()
    return unseen.filter(child__in=Child.objects.visible_to(user).open().values("pk"))


def new_cases(user) -> QuerySet[Notification]:
    """Cases assigned or shared to the user that they have not opened since."""
    return (
        _unseen(user, [EmailKind.CASE_ASSIGNED, EmailKind.CASE_SHARED])
        .select_related("child")
        .order_by("-created_at", "-id")
    )


def returned_closures(user) -> QuerySet[Notification]:
    """The user's requests to close a case that a coordinator rejected, until they open it."""
    return (
        _unseen(user, [EmailKind.CLOSURE_DECIDED])
        .filter(closure__status=ClosureStatus.REJECTED)
        .select_related("child", "closure")
        .order_by("-created_at", "-id")
    )


# Coordinators ---------------------------------------------------------------------------


def closures_to_approve(user, county: str | None = None) -> QuerySet[ClosureRequest]:
    return (
        ClosureRequest.objects.filter(
            status=ClosureStatus.PENDING,
            child__in=county_cases(user, county).open().values("pk"),
        )
        .select_related("child", "requested_by")
        .order_by("requested_at", "id")
    )


def incoming_transfers(user, county: str | None = None) -> QuerySet[Transfer]:
    qs = Transfer.objects.incoming_for(user)
    if county:
        qs = qs.filter(to_county_id=county)
    return qs.select_related("child", "from_county", "to_county", "requested_by").order_by(
        "requested_at", "id"
    )


def late_transfers(user, county: str | None = None, now=None) -> QuerySet[Transfer]:
    now = now or timezone.now()
    return incoming_transfers(user, county).filter(
        requested_at__lt=now - dt.timedelta(days=LATE_TRANSFER_DAYS)
    )


def high_risk_without_follow_up(
    user, county: str | None = None, today: dt.date | None = None
) -> QuerySet[Child]:
    """Open high-risk cases with no contact (registration or follow-up) in 14 days."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=HIGH_RISK_CONTACT_DAYS)
    recent = FollowUp.objects.filter(child=OuterRef("pk"), done_on__gt=cutoff)
    return (
        county_cases(user, county)
        .open()
        .filter(risk_level="high", registration_date__lte=cutoff)
        .filter(~Exists(recent))
        .select_related("current_county", "assigned_to")
        .order_by("next_follow_up_due", "id")
    )


def unassigned(user, county: str | None = None) -> QuerySet[Child]:
    """Open cases no field worker carries: not assigned, and not registered by an active
    field worker of the case's county (caseload.carried_by says who carries a case)."""
    carried_by_registrar = Q(
        created_by__role=Role.FIELD_WORKER,
        created_by__is_active=True,
        created_by__county_id=F("current_county_id"),
    )
    return (
        county_cases(user, county)
        .open()
        .filter(assigned_to__isnull=True)
        .exclude(carried_by_registrar)
        .select_related("current_county")
        .order_by("registration_date", "id")
    )


def overdue_by_worker(
    user, county: str | None = None, today=None, per_carrier: dict | None = None
) -> list[caseload.Row]:
    """Overdue follow-ups per worker of the county (per county for the country coordinator),
    only the rows with some: the caseload review's own figures. per_carrier: the counts
    of caseload.overdue_per_carrier when already at hand (kept per county)."""
    if user.is_county_coordinator:
        county = user.county_id
    elif not user.is_country_coordinator:
        return []
    if per_carrier is None:
        today = today or timezone.localdate()
        per_carrier = caseload.overdue_per_carrier([county] if county else None, today)
    if county:
        figures = {k: {"overdue": n} for k, n in per_carrier.get(county, {}).items()}
        rows = caseload.worker_rows(county, figures)
    else:
        totals = {code: {"overdue": sum(by.values())} for code, by in per_carrier.items()}
        rows = caseload.county_rows({code: f for code, f in totals.items() if f["overdue"]})
    return [row for row in rows if row.overdue]


# The sections of each role --------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    roles: tuple[str, ...]
    rows: Callable  # (user, county) -> a queryset or a list
    template: str  # the include that draws one list
    counted: bool = True  # part of the count in the navigation
    empty: str = ""


FW, CC, NC = Role.FIELD_WORKER, Role.COUNTY_COORDINATOR, Role.COUNTRY_COORDINATOR

SECTIONS: dict[str, Section] = {
    s.key: s
    for s in (
        Section(
            "follow-ups",
            _("Follow-ups due"),
            (FW,),
            lambda user, county: follow_ups_due(user).only(*FOLLOW_UP_ROW),
            "cases/todo/_follow_ups.html",
            empty=_("No follow-up is due."),
        ),
        Section(
            "new-cases",
            _("Newly assigned or shared with me"),
            (FW,),
            lambda user, county: new_cases(user),
            "cases/todo/_notices.html",
            empty=_("Nothing new."),
        ),
        Section(
            "returned-closures",
            _("Closure requests returned to me"),
            (FW,),
            lambda user, county: returned_closures(user),
            "cases/todo/_returned.html",
            empty=_("No request was returned."),
        ),
        Section(
            "closures",
            _("Closures awaiting my approval"),
            (CC, NC),
            closures_to_approve,
            "cases/todo/_closures.html",
            empty=_("No closure waits for approval."),
        ),
        Section(
            "transfers",
            _("Transfer requests into my county"),
            (CC,),
            incoming_transfers,
            "cases/todo/_transfers.html",
            empty=_("No transfer is waiting for you."),
        ),
        Section(
            "late-transfers",
            _("Transfers waiting more than 7 days"),
            (NC,),
            late_transfers,
            "cases/todo/_transfers.html",
            empty=_("No transfer has waited more than 7 days."),
        ),
        Section(
            "high-risk",
            _("High-risk cases without a follow-up in 14 days"),
            (CC, NC),
            high_risk_without_follow_up,
            "cases/todo/_cases.html",
            empty=_("Every high-risk case had a contact in the last 14 days."),
        ),
        Section(
            "unassigned",
            _("Cases no worker carries"),
            (CC, NC),
            unassigned,
            "cases/todo/_unassigned.html",
            empty=_("Every open case has a worker."),
        ),
        Section(
            "overdue",
            _("Overdue follow-ups per worker"),
            (CC, NC),
            overdue_by_worker,
            "cases/todo/_overdue.html",
            counted=False,  # the workers' own to-do; shown to the coordinator to follow up
            empty=_("No follow-up is overdue."),
        ),
    )
}


def sections_for(user) -> list[Section]:
    return [s for s in SECTIONS.values() if user.role in s.roles]


def _due_soon(today: dt.date) -> Q:
    # The whole schedule is listed; the count is what needs doing this week.
    return Q(next_follow_up_due__lte=today + dt.timedelta(days=DUE_SOON_DAYS))


def _count(section: Section, user, today: dt.date) -> int:
    rows = section.rows(user, None)
    if section.key == "follow-ups":
        rows = rows.filter(_due_soon(today))
    return rows.count() if isinstance(rows, QuerySet) else len(rows)


def count_for(user) -> int:
    """The number in the navigation: one COUNT per counted section of the user's role (the
    county-wide lists' counts kept per county)."""
    today = timezone.localdate()
    kept = county_lists(user, today)
    return sum(
        _kept_count(kept, s.key) if s.key in KEPT_LISTS else _count(s, user, today)
        for s in sections_for(user)
        if s.counted
    )


# The county-wide lists of the coordinators, kept per county ------------------------------
# Counting them means reading every open case of the county (and their follow-ups), so each
# county's counts and first rows are kept in the shared cache under the county's version
# of its case figures (cases.figure_versions), which every change of a case changes (a
# follow-up, an assignment, a closure and a transfer are saves of the case) and every
# change of a field worker's role, county or activity too (the receiver below): the
# unassigned list depends on who registered a case. The first rows are read again from
# the lists themselves, so they always show the case as it is now.

KEPT_LISTS = ("high-risk", "unassigned")
_ORDER = {
    "high-risk": ("next_follow_up_due", "id"),
    "unassigned": ("registration_date", "id"),
}


def _first_by_county(qs: QuerySet, order: tuple[str, ...]):
    """(county, id, count of the county) of the first HOME_ROWS rows of each county, in one
    pass."""
    by_county = [F("current_county_id")]
    return (
        qs.order_by()
        .annotate(
            county_count=Window(Count("pk"), partition_by=by_county),
            rank=Window(RowNumber(), partition_by=by_county, order_by=[F(f).asc() for f in order]),
        )
        .filter(rank__lte=HOME_ROWS)
        .values_list("current_county_id", "pk", "county_count")
    )


def _count_county_lists(user, codes: list[str], today: dt.date) -> dict[str, dict]:
    found = {code: {"high-risk": (0, []), "unassigned": (0, []), "overdue": {}} for code in codes}
    lists = {
        "high-risk": high_risk_without_follow_up(user, today=today),
        "unassigned": unassigned(user),
    }
    for key, qs in lists.items():
        for code, pk, n in _first_by_county(qs.filter(current_county_id__in=codes), _ORDER[key]):
            found[code][key] = (n, found[code][key][1] + [pk])
    for code, by_carrier in caseload.overdue_per_carrier(codes, today).items():
        found[code]["overdue"] = by_carrier
    return found


def _lists_key(county: str, today: dt.date, version: str) -> str:
    return f"todo-lists:{county}:{today.isoformat()}:{version}"


def county_lists(user, today: dt.date) -> dict[str, dict]:
    """For each county of the coordinator's scope: {"high-risk": (count, first ids),
    "unassigned": (count, first ids), "overdue": {carrier: n}}, counted again only for
    the counties whose cases changed since (or on a new day)."""
    codes = county_scope(user).counties()
    if not codes:
        return {}
    try:
        versions = figure_versions.versions(codes)
        keys = {code: _lists_key(code, today, versions[code]) for code in codes}
        kept = cache.get_many(list(keys.values()))
    except figure_versions.CACHE_ERRORS:
        log.warning("to-do lists cache unavailable", exc_info=True)
        return _count_county_lists(user, codes, today)
    found = {code: kept[key] for code, key in keys.items() if key in kept}
    missing = [code for code in codes if code not in found]
    if missing:
        fresh = _count_county_lists(user, missing, today)
        try:
            cache.set_many(
                {keys[code]: fresh[code] for code in missing}, settings.DASHBOARD_FIGURES_SECONDS
            )
        except figure_versions.CACHE_ERRORS:
            log.warning("to-do lists cache unavailable", exc_info=True)
        found.update(fresh)
    return found


def _kept_count(kept: dict[str, dict], key: str) -> int:
    return sum(lists[key][0] for lists in kept.values())


def _kept_first(section: Section, user, kept: dict[str, dict]) -> list:
    ids = [pk for lists in kept.values() for pk in lists[section.key][1]]
    return list(section.rows(user, None).filter(pk__in=ids)[:HOME_ROWS]) if ids else []


def worker_changed(sender, instance, raw=False, **kwargs) -> None:
    """A user is about to be saved: when a field worker's role, county or activity changes,
    so do the unassigned lists of the counties they were and will be in."""
    if raw or instance.pk is None:
        return  # a new user has registered nothing yet
    before = (
        sender._default_manager.filter(pk=instance.pk)
        .values("role", "county_id", "is_active")
        .first()
    )
    if before is None:
        return
    after = {
        "role": instance.role,
        "county_id": instance.county_id,
        "is_active": instance.is_active,
    }
    if before != after and Role.FIELD_WORKER in (before["role"], after["role"]):
        figure_versions.changed([before["county_id"], after["county_id"]])


def _cache_key(user_id: int) -> str:
    return f"todo-count:{user_id}"


# The cache is Redis when one is configured: a Redis that does not answer must cost a
# page its cached count, never the page itself (nor a request that already committed).
_CACHE_ERRORS = (ConnectionError, TimeoutError, OSError, RedisError)


def _cache_get(key: str):
    try:
        return cache.get(key)
    except _CACHE_ERRORS:
        log.warning("to-do count cache unavailable", exc_info=True)
        return None


def _cache_set(key: str, value: int) -> None:
    try:
        cache.set(key, value, settings.TODO_COUNT_SECONDS)
    except _CACHE_ERRORS:
        log.warning("to-do count cache unavailable", exc_info=True)


def cached_count_for(user) -> int:
    """count_for, kept briefly: it runs on every page."""
    key = _cache_key(user.pk)
    value = _cache_get(key)
    if value is None:
        value = count_for(user)
        _cache_set(key, value)
    return value


def forget_counts(user_ids: Iterable[int]) -> None:
    """Something changed for these users: their next page counts again."""
    try:
        cache.delete_many([_cache_key(pk) for pk in set(user_ids) if pk])
    except _CACHE_ERRORS:
        log.warning("to-do count cache unavailable", exc_info=True)


@dataclass
class Block:
    section: Section
    count: int
    rows: list


HOME_ROWS = 5


@dataclass
class WorkerSummary:
    """A field worker's home page: figures on the cases they carry, and the first rows of
    their follow-up schedule."""

    counts: dict[str, int]
    first_follow_ups: list[Child]


def worker_summary(user, today: dt.date | None = None) -> WorkerSummary:
    """The figures (cases carried: all, open, closed, open at high risk, overdue; the
    follow-up schedule's length, and what is due within a week) and the schedule's first
    rows, in one pass over the cases the worker carries (up to a few thousand): the
    figures as window counts over the whole set (COUNT … FILTER … OVER ()), the first rows,
    scheduled cases first. Two passes, one for each, cost PostgreSQL 20 ms each at a
    million cases (issue 14)."""
    today = today or timezone.localdate()
    open_ = Q(status=CaseStatus.OPEN)
    figures = {
        "total": None,
        "open": open_,
        "closed": Q(status=CaseStatus.CLOSED),
        "high_risk": open_ & Q(risk_level="high"),
        "overdue": open_ & Q(next_follow_up_due__lt=today),
        "follow_ups": SCHEDULED,
        "follow_ups_soon": SCHEDULED & _due_soon(today),
    }
    rows = list(
        carried(user)
        .annotate(
            unscheduled=Case(When(SCHEDULED, then=Value(0)), default=Value(1)),
            **{
                f"figure_{name}": Window(Count("pk", filter=condition))
                for name, condition in figures.items()
            },
        )
        .order_by("unscheduled", *SCHEDULE_ORDER)
        .only(*FOLLOW_UP_ROW)[:HOME_ROWS]
    )
    counts = {name: getattr(rows[0], f"figure_{name}") if rows else 0 for name in figures}
    return WorkerSummary(counts, [row for row in rows if not row.unscheduled])


def home_blocks(
    user, today: dt.date | None = None, summary: WorkerSummary | None = None
) -> list[Block]:
    """The home page's to-do: each section with its count and first rows. Refreshes the
    cached count, so the navigation agrees with the page. summary: worker_summary(), when
    the page has it already."""
    today = today or timezone.localdate()
    kept = county_lists(user, today)
    blocks, total = [], 0
    for section in sections_for(user):
        to_do = None  # what the section adds to the navigation's count, when not its count
        if section.key in KEPT_LISTS:
            first, count = _kept_first(section, user, kept), _kept_count(kept, section.key)
        elif section.key == "overdue":
            per_carrier = {code: lists["overdue"] for code, lists in kept.items()}
            rows = overdue_by_worker(user, today=today, per_carrier=per_carrier)
            first, count = rows[:HOME_ROWS], len(rows)
        elif section.key == "follow-ups":
            # The schedule's first rows, its length and this week's count in one pass.
            summary = summary or worker_summary(user, today)
            count = summary.counts["follow_ups"]
            to_do = summary.counts["follow_ups_soon"]
            first = summary.first_follow_ups
        else:
            rows = section.rows(user, None)
            if isinstance(rows, QuerySet):
                first = list(rows[:HOME_ROWS])
                count = len(first) if len(first) < HOME_ROWS else rows.count()
            else:
                first, count = rows[:HOME_ROWS], len(rows)
        blocks.append(Block(section, count, first))
        if section.counted:
            total += count if to_do is None else to_do
    _cache_set(_cache_key(user.pk), total)
    return blocks
