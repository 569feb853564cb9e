"""Registration in the browser: the form, the duplicate panel and the confirmation page.

Every role may register (roles.md). Nothing personal travels in a URL: searches are
POSTed, pages are addressed by case code.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from audit.log import record
from audit.models import Action
from cases.models import Child
from cases.names import name_key, name_similarity
from lookups import registry
from questions import PERSONAL_FIELDS
from questions.browser import checks_data
from questions.rules import ALWAYS_EXPLAINED, RISK_TRIGGERS, suggested_from
from registration import prefill
from registration.forms import (
    CAREGIVER_PERSON_FIELDS,
    CONDITIONS,
    OFFLINE_CARRIED,
    REQUIRED_WHEN,
    RegistrationForm,
    new_token,
)
from registration.models import PendingSibling
from registration.services import register_from_form, usable_caregivers
from registration.submission import Registration, duplicates_for, duplicates_of

# Buttons of the form that re-display it instead of saving (they work without JS).
ACTIONS = {"add_child", "add_adult", "find_caregiver", "check"}


def _with_extra_row(data, prefix: str):
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(min(total + 1, 20))
    return data


def _caregiver_choices(reg: Registration, data) -> list:
    """The caregiver of the previous child of the household, and the search results."""
    found = []
    code = (data or {}).get("existing_caregiver") or reg.form.initial.get("existing_caregiver")
    query = (data or {}).get("caregiver_search", "")
    key = name_key(query) if query else ""
    if not code and not key:
        return found  # the scope costs a query: a blank form has nothing to look up
    usable = usable_caregivers(reg.user)
    if code:
        found.extend(usable.filter(code=code))
    if key:
        for caregiver in usable.exclude(code=code or "")[:2000]:
            if name_similarity(key, caregiver.name_key) >= 88:
                found.append(caregiver)
    return found[:20]


def _suggested_from(data) -> str:
    getlist = getattr(data, "getlist", None)
    concerns = getlist("protection_concerns") if getlist else data.get("protection_concerns", [])
    return suggested_from(
        {
            "uasc_status": data.get("uasc_status"),
            "has_disability": data.get("has_disability"),
            "protection_concerns": concerns or [],
        }
    )


def _render(
    request,
    reg: Registration,
    *,
    duplicates=None,
    status=200,
    searched=False,
    checked=False,
    offline=False,
    blank=False,
):
    form = reg.form
    data = form.data if form.is_bound else None
    context = {
        "form": form,
        "children_formset": reg.children,
        "adults_formset": reg.adults,
        "duplicates": duplicates or [],
        "checked": checked,
        "caregiver_choices": _caregiver_choices(reg, data),
        "caregiver_searched": searched,
        "conditions": CONDITIONS,
        "required_when": REQUIRED_WHEN,
        "personal_fields": [name for name in PERSONAL_FIELDS if name in form.fields],
        "caregiver_person_fields": CAREGIVER_PERSON_FIELDS,
        "risk_rules": {
            "triggers": RISK_TRIGGERS,
            "always_explained": ALWAYS_EXPLAINED,
            "labels": dict(registry.choices("risk_level")),
        },
        "suggested_risk": _suggested_from(data or form.initial),
        "today": timezone.localdate(),
        # The offline page (registration/offline_pages.py) is kept by the browser: it
        # carries no draft key. Both pages queue a registration saved without a connection.
        "offline": offline,
        "offline_checks": checks_data(),
        "offline_carried": OFFLINE_CARRIED,
        "blank_form_key": blank_form_key(request.user, offline) if blank else None,
    }
    return render(request, "registration/form/register.html", context, status=status)


def blank_form_key(user, offline: bool) -> str | None:
    """What a blank form's sections depend on (blank_initial, the language, the lookups):
    the page keeps them rendered under this key, rendering 56 questions and their option
    lists (250 countries) costs more than the rest of the page. None: do not keep them
    (the lookups' version is unknown while the shared cache is unreachable)."""
    version = registry.version()
    if version is None:
        return None
    parts = (get_language(), user.county_id or "", timezone.localdate(), version, offline)
    return ":".join(str(part) for part in parts)


def blank_initial(user) -> dict:
    """The answers a new registration starts with."""
    initial = {
        "submission_token": new_token(),
        "registration_date": timezone.localdate(),
        "nationality": "UA",
    }
    if user.county_id:
        initial["registration_county"] = user.county_id
        initial["current_county"] = user.county_id
    return initial


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        initial = blank_initial(request.user)
        adults = None
        after = request.GET.get("after")
        if after:
            source = prefill.source_child(request.user, after)
            if source is None:
                raise Http404
            sibling = None
            if request.GET.get("sibling"):
                sibling = PendingSibling.objects.filter(
                    public_id=_uuid_or_none(request.GET["sibling"]),
                    household_id=source.household_id,
                    registered_child__isnull=True,
                ).first()
            # The pre-filled form shows the previous child's case (names, caregiver,
            # address): a look at a case, audited like the case page (roles.md).
            record(
                request.user,
                Action.VIEW_CASE,
                obj=source,
                request=request,
                page="registration_prefill",
            )
            initial.update(prefill.initial_from(source, sibling))
            adults = prefill.adults_initial(source) or None
        reg = Registration(request.user, initial=initial, adults=adults)
        return _render(request, reg, blank=not after)

    action = request.POST.get("action", "save")
    data = request.POST
    if action == "add_child":
        data = _with_extra_row(data, "accompanying_children")
    elif action == "add_adult":
        data = _with_extra_row(data, "accompanying_adults")
    reg = Registration(request.user, data)
    if action in ACTIONS:
        # Re-display without saving; "check" shows the errors and duplicates, the other
        # buttons (add a row, find a caregiver) keep quiet until the real submit.
        valid = reg.is_valid()
        duplicates = None
        if action == "check":
            duplicates = duplicates_for(reg.form, request) if valid else None
        else:
            _quiet(reg)
        return _render(
            request,
            reg,
            duplicates=duplicates,
            searched=action == "find_caregiver",
            checked=duplicates is not None,
        )
    if not reg.is_valid():
        return _render(request, reg, status=200)
    form = reg.form
    duplicates = duplicates_for(form, request)
    token = form.cleaned_data["submission_token"]
    # A repeated submit of a saved form goes straight to its confirmation (the service
    # returns the case saved), past the duplicates: among them is that case itself.
    if (
        duplicates
        and not form.cleaned_data.get("confirm_new_child")
        and not Child.objects.filter(submission_token=token).exists()
    ):
        form.add_error(
            "confirm_new_child",
            _(
                "Possible duplicates were found: open the existing record, or confirm "
                "that this is a new child."
            ),
        )
        return _render(request, reg, duplicates=duplicates)
    child = register_from_form(
        user=request.user, submission_token=token, request=request, **reg.service_arguments()
    )
    return redirect("registration:done", code=child.code)


def _quiet(reg: Registration) -> None:
    reg.form.errors.clear()
    for formset in (reg.children, reg.adults):
        for f in formset.forms:
            f.errors.clear()
        formset._non_form_errors = formset.error_class()


def _uuid_or_none(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        return None


@never_cache
@login_required
@require_http_methods(["GET"])
def done(request: HttpRequest, code: str) -> HttpResponse:
    child = prefill.source_child(request.user, code)
    if child is None:
        raise Http404
    # The confirmation shows the case (name, caregiver, risk): audited like the case page.
    record(request.user, Action.VIEW_CASE, obj=child, request=request, page="registration_done")
    pending, household_children = [], []
    if child.household_id:
        pending = list(
            PendingSibling.objects.filter(household=child.household, registered_child=None)
        )
        household_children = list(
            Child.objects.visible_to(request.user)
            .filter(household=child.household)
            .exclude(pk=child.pk)
            .order_by("created_at")
        )
    return render(
        request,
        "registration/form/done.html",
        {
            "child": child,
            "pending": pending,
            "household_children": household_children,
            "draft_token": str(child.submission_token or ""),
        },
    )


@login_required
@require_POST
def duplicates_panel(request: HttpRequest) -> HttpResponse:
    """The duplicate panel, refreshed as the worker types name and date of birth (POSTed:
    names stay out of URLs and logs)."""
    form = RegistrationForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    duplicates = []
    if data.get("date_of_birth") and (data.get("first_name") or data.get("last_name")):
        duplicates = duplicates_of(data, request)
    return render(
        request,
        "registration/form/_duplicates.html",
        {"duplicates": duplicates, "checked": True},
    )
