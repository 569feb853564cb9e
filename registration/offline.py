"""The server side of offline registration (docs/offline-server.md, the contract in
docs/offline.md): the send of one registration queued in the browser, and the state the
browser keeps for working offline.

Both answer JSON, always: the browser's queue reads the status of each send, and keeps
the registration for a later try on anything else (403, a server error, no network).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.idle import background_request
from audit.log import record
from audit.models import Action
from cases.models import Child
from registration import prefill
from registration.offline_sync import Stored, link_offline, register_offline, stored_submission
from registration.submission import Registration, duplicates_for

# The worker's own recent cases, for the browser's duplicate hint while offline.
RECENT_DAYS = 90
RECENT_LIMIT = 500
NON_FIELD = "__all__"
TYPED_AT_YEARS = (1970, 2100)


class Refused(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("refused")
        self.errors = errors


def _refused_on(field: str, message: str) -> Refused:
    return Refused({field: [message]})


def _login() -> JsonResponse:
    return JsonResponse({"status": "login"}, status=403)


def _uuid(value: str, field: str, message: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError, AttributeError) as exc:
        raise _refused_on(field, message) from exc


def _typed_at(value: str) -> dt.datetime:
    message = _("The time at which this registration was typed is not valid.")
    try:
        when = parse_datetime(value.strip())
    except ValueError:
        when = None
    if when is None:
        raise _refused_on("offline_typed_at", message)
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    # A tablet's clock may be far off (reset to 1970 by a flat battery): kept as it is, for
    # the audit. Beyond these years it is no clock at all, and would not fit the database.
    if not TYPED_AT_YEARS[0] <= when.year <= TYPED_AT_YEARS[1]:
        raise _refused_on("offline_typed_at", message)
    return when


def _errors_of(reg: Registration) -> dict[str, list[str]]:
    """Every message of the form and of its two groups, by the name of the field as the
    page posts it (a row's field with its prefix); those about no one field under
    "__all__"."""
    errors: dict[str, list[str]] = {}

    def add(name: str, messages) -> None:
        errors.setdefault(name, []).extend(str(m) for m in messages)

    for name, messages in reg.form.errors.items():
        add(NON_FIELD if name == NON_FIELD else reg.form.add_prefix(name), messages)
    if reg.form.cleaned_data.get("consent_registration") is not True:
        return errors  # without consent the groups are neither kept nor checked
    for formset in (reg.children, reg.adults):
        for row in formset.forms:
            for name, messages in row.errors.items():
                add(NON_FIELD if name == NON_FIELD else row.add_prefix(name), messages)
        if formset.non_form_errors():
            add(NON_FIELD, formset.non_form_errors())
    return errors


def _answer(key: uuid.UUID | str, status: str, **fields) -> JsonResponse:
    return JsonResponse({"status": status, "key": str(key), **fields})


def _stored_answer(user, stored: Stored) -> JsonResponse:
    submission = stored.submission
    if submission.user_id != user.pk:
        # Somebody else's key: not a word about what it became.
        raise _refused_on(NON_FIELD, _("This registration was already sent from another account."))
    child = submission.child
    if child is None:
        raise _refused_on(
            NON_FIELD, _("This registration was sent before, but its record no longer exists.")
        )
    return _answer(
        submission.key,
        "linked" if submission.linked else "created",
        code=child.code,
        url=child.get_absolute_url(),
        replayed=stored.replayed,
    )


def _continue_household(request, data, after: uuid.UUID) -> bool:
    """Link the registration to the family of the earlier one queued with it: the same
    hidden answers as the online "register the next child of the household" page.
    False while the earlier one has not arrived."""
    earlier = stored_submission(after)
    if earlier is None:
        return False
    source = None
    if earlier.user_id == request.user.pk and earlier.child is not None:
        source = prefill.source_child(request.user, earlier.child.code)
    if source is None:
        raise _refused_on(
            "offline_after", _("The earlier registration of this family cannot be used.")
        )
    links = prefill.household_links(source)
    if data.get("existing_caregiver"):
        links.pop("existing_caregiver", None)
    for name, code in links.items():
        data[name] = code  # replaces the page's empty hidden answer (update() would append)
    return True


def _duplicate_rows(duplicates) -> list[dict]:
    rows = []
    for d in duplicates:
        child = d.child
        row = {
            "code": child.code if d.visible else "",
            "name": child.full_name if d.visible else "",
            "date_of_birth": child.date_of_birth.isoformat() if d.visible else "",
            "county": d.county_name,
            "visible": d.visible,
            "url": child.get_absolute_url() if d.visible else "",
        }
        rows.append(row)
    return rows


@background_request
@never_cache
@require_POST
def send(request: HttpRequest) -> JsonResponse:
    """One registration of the browser's queue (docs/offline-server.md)."""
    if not request.user.is_authenticated:
        return _login()
    raw_key = request.POST.get("offline_key", "")[:64]
    try:
        return _send(request, raw_key)
    except Refused as refused:
        return _answer(raw_key, "refused", errors=refused.errors)


def _send(request: HttpRequest, raw_key: str) -> JsonResponse:
    user = request.user
    post = request.POST
    key = _uuid(raw_key, "offline_key", _("This registration has no valid key: it cannot be sent."))
    typed_at = _typed_at(post.get("offline_typed_at", ""))
    decision = post.get("offline_duplicates", "")
    if decision not in ("", "confirm") and not decision.startswith("link:"):
        raise _refused_on(
            "offline_duplicates", _("This answer about possible duplicates is not valid.")
        )
    existing = stored_submission(key)
    if existing is not None:
        return _stored_answer(user, Stored(existing, replayed=True))

    if decision.startswith("link:"):
        # The worker said it is that existing child: only a case they may open.
        code = decision.removeprefix("link:").strip().upper()
        child = Child.objects.visible_to(user).filter(code=code).first() if code else None
        if child is None:
            raise _refused_on(
                "offline_duplicates",
                _("This record cannot be linked: it does not exist or you may not open it."),
            )
        return _stored_answer(
            user, link_offline(key, user, child, typed_at=typed_at, request=request)
        )

    data = post.copy()
    # The form asks for a token; the child gets its own from register_offline, whatever
    # the cached page held. No confirmation from the page either: the worker confirms the
    # duplicates found now (offline_duplicates).
    data["submission_token"] = str(uuid.uuid4())
    data.pop("confirm_new_child", None)
    after = post.get("offline_after", "")
    if after:
        after_key = _uuid(
            after, "offline_after", _("The earlier registration of this family cannot be used.")
        )
        if not _continue_household(request, data, after_key):
            return _answer(key, "waiting")

    reg = Registration(user, data)
    if not reg.is_valid():
        raise Refused(_errors_of(reg))
    if reg.sibling is None and reg.household is not None:
        cleaned = reg.form.cleaned_data
        reg.sibling = prefill.pending_sibling(
            reg.household,
            cleaned.get("first_name", ""),
            cleaned.get("last_name", ""),
            cleaned.get("date_of_birth"),
        )
    if decision != "confirm":
        duplicates = duplicates_for(reg.form, request, page="registration_offline")
        if duplicates:
            # A concurrent send of this key may have just created the child found here.
            existing = stored_submission(key)
            if existing is not None:
                return _stored_answer(user, Stored(existing, replayed=True))
            return _answer(key, "duplicates", duplicates=_duplicate_rows(duplicates))
    arguments = reg.service_arguments()
    stored = register_offline(key, user, typed_at=typed_at, request=request, **arguments)
    return _stored_answer(user, stored)


@background_request
@never_cache
@require_GET
def state(request: HttpRequest) -> JsonResponse:
    """What the browser keeps for working offline: who is signed in, the token of the
    sends, the language, and the worker's own recent cases (codes and names only) for the
    duplicate hint."""
    user = request.user
    if not user.is_authenticated:
        return _login()
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    recent = list(
        Child.objects.visible_to(user)
        .filter(created_by=user, created_at__gte=since)
        .order_by("-created_at")
        .values("code", "first_name", "last_name", "name_native", "date_of_birth")[:RECENT_LIMIT]
    )
    # The names of these cases leave for the device: a look at them, audited by code.
    record(
        user,
        Action.VIEW_CASE,
        county_code=user.county_id,
        request=request,
        page="registration_offline_state",
        results=len(recent),
        case_codes=[row["code"] for row in recent],
    )
    for row in recent:
        row["date_of_birth"] = row["date_of_birth"].isoformat() if row["date_of_birth"] else ""
    return JsonResponse(
        {
            "user": user.pk,
            "csrf": get_token(request),
            "language": getattr(request, "LANGUAGE_CODE", ""),
            "recent": recent,
        }
    )
