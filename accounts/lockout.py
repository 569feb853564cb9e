"""The login lockout (django-axes), as issue 11 asked for it.

A (username, address) pair is locked after AXES_FAILURE_LIMIT failures: one person's typos
behind a border post's router lock nobody else out, and a stranger cannot lock the country
coordinator's account from elsewhere. An address as a whole is only throttled after
LOGIN_ADDRESS_FAILURE_LIMIT failures on any usernames, which is guessing, not typing.
django-axes has one failure limit for all its parameters, hence this handler. Both locks end
AXES_COOLOFF_MINUTES after the failure that caused them; the lockout page says when, and who
may lift the account's lock sooner (accounts.services.unlock_user).
"""

from __future__ import annotations

import datetime as dt

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

ACCOUNT = "account"
ADDRESS = "address"


def typed_username(request, credentials: dict | None) -> str | None:
    """The username as django-axes records it (AXES_USERNAME_CALLABLE): as typed, cut to 150
    characters, the longest a username can be, so that a 10,000-character one is refused
    like any other wrong login instead of overflowing django-axes' column."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field) if request is not None else None
    return None if value is None else str(value)[:150]


def _recent(attempts):
    return attempts.filter(attempt_time__gte=timezone.now() - get_cool_off())


def pair_lock_ends(username: str, address: str | None) -> dt.datetime | None:
    """When the lock of this username from this address ends; None when it is not locked."""
    rows = _recent(AccessAttempt.objects.filter(username=username, ip_address=address))
    totals = rows.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (totals["failures"] or 0) < settings.AXES_FAILURE_LIMIT:
        return None
    return totals["last"] + get_cool_off()


def address_lock_ends(address: str | None) -> dt.datetime | None:
    """When the throttle of this address ends; None when it is not throttled.

    Each attempt row counts until its last failure is older than the cool-off, so the lock
    ends when enough of the oldest rows have expired to bring the total under the limit."""
    if not address:
        return None
    rows = list(
        _recent(AccessAttempt.objects.filter(ip_address=address))
        .order_by("attempt_time")
        .values_list("attempt_time", "failures_since_start")
    )
    total = sum(failures for _at, failures in rows)
    if total < settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return None
    for at, failures in rows:
        total -= failures
        if total < settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return at + get_cool_off()
    return None  # pragma: no cover - the loop always gets under the limit


def locked_out_usernames(usernames: list[str]) -> set[str]:
    """Which of these usernames are locked from at least one address now (one query)."""
    rows = (
        _recent(AccessAttempt.objects.filter(username__in=usernames))
        .values("username", "ip_address")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"] for row in rows}


def recent_login_failures(username: str) -> int:
    """Failed logins of this username, from every address, that still count."""
    rows = _recent(AccessAttempt.objects.filter(username=username))
    return rows.aggregate(total=Sum("failures_since_start"))["total"] or 0


class PairAndAddressHandler(AxesDatabaseHandler):
    """django-axes' database handler, locking the pair (AXES_LOCKOUT_PARAMETERS) and, far
    later, the address."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_lock_ends(getattr(request, "axes_ip_address", None)) is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        # The failure that reaches the address limit is answered with the lockout page at
        # once, as django-axes does for the pair.
        if (
            request is not None
            and not request.axes_locked_out
            and address_lock_ends(request.axes_ip_address) is not None
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def lockout_response(request, original_response=None, credentials: dict | None = None):
    """The lockout page (429): how long it lasts and who may lift it. It says the same for a
    username that exists and one that does not."""
    username = get_client_username(request, credentials) or ""
    address = getattr(request, "axes_ip_address", None)
    ends = pair_lock_ends(username, address) if username else None
    kind = ACCOUNT
    if ends is None:
        ends = address_lock_ends(address)
        kind = ADDRESS
    if ends is None:  # raced with the end of the lock: the full cool-off is the honest answer
        ends = timezone.now() + get_cool_off()
        kind = ACCOUNT
    minutes = max(1, round((ends - timezone.now()).total_seconds() / 60))
    return render(
        request,
        "accounts/locked_out.html",
        {"kind": kind, "ends": ends, "minutes": minutes},
        status=429,
    )
