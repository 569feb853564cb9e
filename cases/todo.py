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
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError

from accounts.models import Role
from accounts.preferences import EmailKind
from accounts.scope import county_scope
from cases.models import Child, ClosureRequest, ClosureStatus, FollowUp, Notification, Transfer
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


def follow_ups_due(user) -> QuerySet[Child]:
    """Every scheduled follow-up of the open cases the worker carries, soonest first."""
    return (
        Child.objects.visible_to(user)
        .open()
        .filter(caseload.carried_by(user), next_follow_up_due__isnull=False)
        .order_by("next_follow_up_due", "id")
    )


def _unseen(user, kinds: Iterable[str]) -> QuerySet[Notification]:
    return Notification.objects.filter(
        recipient_id=user.pk,
        kind__in=list(kinds),
        seen_at__isnull=True,
        child__in=Child.objects.visible_to(user).open().values("pk"),
    )


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


def overdue_by_worker(user, county: str | None = None, today=None) -> list[caseload.Row]:
    """Overdue follow-ups per worker of the county (per county for the country coordinator),
    only the rows with some: the caseload review's own figures."""
    if user.is_county_coordinator:
        rows = caseload.rows_per_worker(user.county_id, today)
    elif user.is_country_coordinator:
        rows = (
            caseload.rows_per_worker(county, today) if county else caseload.rows_per_county(today)
        )
    else:
        rows = []
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
            lambda user, county: follow_ups_due(user),
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


def _count(section: Section, user, today: dt.date) -> int:
    rows = section.rows(user, None)
    if section.key == "follow-ups":
        # The whole schedule is listed; the count is what needs doing this week.
        rows = rows.filter(next_follow_up_due__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
    return rows.count() if isinstance(rows, QuerySet) else len(rows)


def count_for(user) -> int:
    """The number in the navigation: one COUNT per counted section of the user's role."""
    today = timezone.localdate()
    return sum(_count(s, user, today) for s in sections_for(user) if s.counted)


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


def home_blocks(user, today: dt.date | None = None) -> list[Block]:
    """The home page's to-do: each section with its count and first rows. Refreshes the
    cached count, so the navigation agrees with the page."""
    today = today or timezone.localdate()
    blocks, total = [], 0
    for section in sections_for(user):
        rows = section.rows(user, None)
        if isinstance(rows, QuerySet):
            first = list(rows[:HOME_ROWS])
            count = len(first) if len(first) < HOME_ROWS else rows.count()
        else:
            first, count = rows[:HOME_ROWS], len(rows)
        blocks.append(Block(section, count, first))
        if section.counted:
            total += _count(section, user, today) if section.key == "follow-ups" else count
    _cache_set(_cache_key(user.pk), total)
    return blocks
