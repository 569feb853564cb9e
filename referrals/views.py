"""Pages of the referrals app. Thin: fetch in scope, validate, call one service function."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.log import record
from audit.models import Action
from cases.access import get_case_for_user
from lookups import registry

from . import services
from .access import (
    get_provider_to_manage,
    get_referral_for_user,
    may_manage_provider,
    may_manage_providers,
    referrals_visible_to,
)
from .forms import (
    ChooseServiceForm,
    ProviderFilterForm,
    ProviderForm,
    ReferralFilterForm,
    ReferralForm,
    SetProviderForm,
    StatusDateForm,
)
from .models import ReferralStatus, ServiceProvider

PAGE_SIZE = 25


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


# ---------------------------------------------------------------- provider directory


@login_required
@require_GET
def provider_list(request):
    form = ProviderFilterForm(request.GET or None)
    qs = ServiceProvider.objects.select_related("county")
    show_inactive = False
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(name__icontains=data["q"].strip())
        if data["service_type"]:
            qs = services.offering(qs, data["service_type"])
        if data["county"]:
            qs = qs.filter(county=data["county"])
        show_inactive = data["inactive"]
    if not show_inactive:
        qs = qs.filter(active=True)
    page = _page(request, qs.order_by("county__name", "name"))
    for provider in page:
        provider.manageable = may_manage_provider(request.user, provider.county_id)
    return render(
        request,
        "referrals/provider_list.html",
        {
            "form": form,
            "page": page,
            "may_manage": may_manage_providers(request.user),
        },
    )


def _provider_data(form) -> dict:
    return dict(form.cleaned_data)


@login_required
@require_http_methods(["GET", "POST"])
def provider_create(request):
    if not may_manage_providers(request.user):
        raise PermissionDenied
    form = ProviderForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_provider(_provider_data(form), request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Service provider added."))
            return redirect("referrals:providers")
    return render(request, "referrals/provider_form.html", {"form": form, "provider": None})


@login_required
@require_http_methods(["GET", "POST"])
def provider_edit(request, code: str):
    provider = get_provider_to_manage(request.user, code)
    form = ProviderForm(
        request.POST or None, user=request.user, initial=ProviderForm.initial_from(provider)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_provider(provider, _provider_data(form), request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Service provider saved."))
            return redirect("referrals:providers")
    return render(request, "referrals/provider_form.html", {"form": form, "provider": provider})


@login_required
@require_POST
def provider_set_active(request, code: str):
    provider = get_provider_to_manage(request.user, code)
    active = request.POST.get("active") == "1"
    services.set_provider_active(provider, active, request.user)
    if active:
        messages.success(request, _("The provider is active again."))
    else:
        messages.success(
            request,
            _("The provider is deactivated: it is no longer offered for new referrals."),
        )
    return redirect(f"{reverse('referrals:providers')}?inactive=on")


# ---------------------------------------------------------------- referral list


@login_required
@require_GET
def referral_list(request):
    scoped = referrals_visible_to(request.user)
    today = timezone.localdate()
    overdue_before = today - dt.timedelta(days=services.PENDING_ALERT_DAYS)
    overdue_q = Q(status=ReferralStatus.PENDING, referred_on__lt=overdue_before)
    form = ReferralFilterForm(request.GET or None, referrals=scoped, user=request.user)
    qs = scoped
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["service_type"]:
            qs = qs.filter(service_type=data["service_type"])
        if data["provider"]:
            qs = qs.filter(provider=data["provider"])
        if data["county"]:
            qs = qs.filter(child__current_county=data["county"])
        if data["overdue"]:
            qs = qs.filter(overdue_q)
        if data.get("worker"):
            qs = qs.filter(
                Q(child__assigned_to=data["worker"]) | Q(child__created_by=data["worker"])
            )
    qs = qs.select_related("child", "child__current_county", "provider")
    page = _page(request, qs)
    for referral in page:
        referral.overdue = services.is_pending_too_long(referral, today)

    flagged = None
    if request.user.is_coordinator:
        # Placements into the special protection system need the coordinator's eye.
        flagged = list(
            scoped.filter(
                service_type=services.FLAGGED_SERVICE,
                status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED],
            ).select_related("child", "provider")[:50]
        )
    return render(
        request,
        "referrals/referral_list.html",
        {
            "form": form,
            "page": page,
            "total": scoped.count(),
            "pending_count": scoped.filter(status=ReferralStatus.PENDING).count(),
            "overdue_count": scoped.filter(overdue_q).count(),
            "flagged": flagged,
            "alert_days": services.PENDING_ALERT_DAYS,
            "flagged_service": services.FLAGGED_SERVICE,
        },
    )


# ---------------------------------------------------------------- making a referral


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def refer(request, case_code: str):
    """GET ?service_type=X: the confirmation page; POST: create the referral."""
    child = get_case_for_user(request.user, case_code, to_change=True)
    if request.method == "GET":
        # Both steps show the case (name, consent, open referrals): a look at it (roles.md).
        record(request.user, Action.VIEW_CASE, obj=child, request=request, page="refer")
    service_type = request.POST.get("service_type") or request.GET.get("service_type") or ""
    if not registry.is_valid("service_type", service_type):
        if request.method == "POST":
            messages.error(request, _("Choose a service first."))
        return render(
            request,
            "referrals/choose_service.html",
            {"child": child, "choose_form": ChooseServiceForm()},
        )
    consent = services.may_share_with_providers(child)
    options = services.provider_options(child, service_type) if consent else None
    form = ReferralForm(
        request.POST or None,
        initial={"service_type": service_type},
        providers=options.allowed if options else [],
        consent=consent,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.create_referral(
                child,
                request.user,
                service_type=data["service_type"],
                reason=data["reason"],
                referred_on=data["referred_on"],
                provider=data.get("provider"),
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Referral %(code)s to %(service)s recorded.")
                % {"code": referral.code, "service": registry.label("service_type", service_type)},
            )
            return redirect(child.get_absolute_url())
    return render(
        request,
        "referrals/refer.html",
        {
            "child": child,
            "form": form,
            "service_type": service_type,
            "options": options,
            "consent": consent,
            # Registration may already have opened one (services_needed): say so.
            "open_same_service": child.referrals.filter(
                service_type=service_type,
                status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED],
            ).select_related("provider"),
        },
    )


@login_required
@require_POST
def record_consent(request, case_code: str):
    child = get_case_for_user(request.user, case_code, to_change=True)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that consent was obtained."))
    else:
        services.record_provider_consent(child, request.user, request=request)
        messages.success(
            request,
            _("Consent to share data with service providers recorded for this case."),
        )
    return redirect(_safe_next(request, child.get_absolute_url()))


# ---------------------------------------------------------------- one referral


def _referral_context(request, referral, **extra):
    child = referral.child
    consent = services.may_share_with_providers(child)
    options = services.provider_options(child, referral.service_type) if consent else None
    context = {
        "referral": referral,
        "child": child,
        "consent": consent,
        "options": options,
        "final": referral.status in services.FINAL_STATUSES,
        "overdue": services.is_pending_too_long(referral),
        "history": referral.history.select_related("history_user", "provider").order_by(
            "history_date"
        ),
        "provider_form": SetProviderForm(
            providers=options.allowed if options else [],
            initial={"provider": referral.provider_id},
        ),
        "date_form": StatusDateForm(),
        "alert_days": services.PENDING_ALERT_DAYS,
    }
    context.update(extra)
    return context


@login_required
@never_cache
@require_GET
def referral_detail(request, code: str):
    referral = get_referral_for_user(request.user, code)
    record(
        request.user,
        Action.VIEW_CASE,
        obj=referral.child,
        request=request,
        referral=referral.code,
    )
    return render(request, "referrals/referral_detail.html", _referral_context(request, referral))


@login_required
@require_POST
def referral_set_provider(request, code: str):
    referral = get_referral_for_user(request.user, code, to_change=True)
    child = referral.child
    consent = services.may_share_with_providers(child)
    options = services.provider_options(child, referral.service_type) if consent else None
    form = SetProviderForm(request.POST, providers=options.allowed if options else [])
    if not consent:
        messages.error(
            request,
            _(
                "The child's consent to share data with service providers is not recorded: "
                "no provider can be chosen and nothing is sent to a provider."
            ),
        )
    elif not form.is_valid():
        messages.error(request, _("Choose one of the providers listed."))
    else:
        try:
            services.set_provider(
                referral, form.cleaned_data["provider"], request.user, request=request
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Provider set."))
    return redirect("referrals:detail", code=referral.code)


STATUS_ACTIONS = {
    "accept": (services.accept_referral, gettext_lazy("Referral accepted.")),
    "decline": (services.decline_referral, gettext_lazy("Referral declined.")),
    "complete": (services.complete_referral, gettext_lazy("Service recorded as provided.")),
}


@login_required
@require_POST
def referral_change_status(request, code: str, action: str):
    referral = get_referral_for_user(request.user, code, to_change=True)
    change, done = STATUS_ACTIONS[action]
    form = StatusDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid date."))
    else:
        try:
            change(referral, request.user, on=form.cleaned_data["on"], request=request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, str(done))
    return redirect("referrals:detail", code=referral.code)


@login_required
@never_cache
@require_GET
def referral_summary(request, code: str):
    """What the provider needs, and nothing else: no concerns, no interviewer notes."""
    referral = get_referral_for_user(request.user, code)
    child = referral.child
    if not services.may_share_with_providers(child):
        return render(
            request,
            "referrals/summary_refused.html",
            {"referral": referral, "child": child},
            status=403,
        )
    services.record_summary_printed(referral, request.user, request=request)
    return render(
        request,
        "referrals/summary.html",
        {
            "referral": referral,
            "child": child,
            "caregiver": child.caregiver,
            "worker": referral.created_by,
            "today": timezone.localdate(),
        },
    )
