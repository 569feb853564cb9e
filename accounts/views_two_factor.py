"""The second step of the login: enrolling a phone (QR code, first code, backup codes shown
once), the code page at each login, and one's own page to renew backup codes. The rules
live in accounts.two_factor; accounts.middleware sends users here."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import two_factor


def _wait_message() -> str:
    return _("Too many wrong codes: wait a few seconds, then type the new code.")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "autofocus": True}
        ),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: anything else (a bare word) would be read by redirect()
    # as a view name to reverse, and fail.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _codes_page(request, codes: list[str], next_url: str):
    return render(
        request, "accounts/two_factor/backup_codes.html", {"codes": codes, "next": next_url}
    )


@login_required
@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def enrol(request):
    next_url = _next_url(request)
    user = request.user
    if not two_factor.required_for(user):
        # A phone that no login would ask for would only give a false sense of safety.
        return redirect("two_factor")
    if two_factor.is_enrolled(user):
        # A phone is already set up: it is needed now, not a new one (a reset removes it).
        return redirect("two_factor" if user.is_verified() else "two_factor_verify")
    device = two_factor.pending_phone(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("code", _wait_message())
        else:
            codes = two_factor.confirm_enrolment(request, device, form.cleaned_data["code"])
            if codes is not None:
                return _codes_page(request, codes, next_url)
            form.add_error(
                "code",
                _(
                    "This code is not right. Check that the phone's clock is correct and type "
                    "the code the app shows now."
                ),
            )
    return render(
        request,
        "accounts/two_factor/enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": two_factor.qr_code_svg(device, _("QR code to scan with the app")),
            "secret": two_factor.secret_for_typing(device),
            "required": two_factor.required_for(user),
        },
    )


@login_required
@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify(request):
    next_url = _next_url(request)
    user = request.user
    if user.is_verified() or not two_factor.required_for(user):
        return redirect(next_url)
    if not two_factor.is_enrolled(user):
        return redirect(f"{reverse('two_factor_enrol')}?{urlencode({'next': next_url})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = two_factor.verify(request, form.cleaned_data["code"])
        if outcome.verified:
            return redirect(next_url)
        if outcome.wait_until is not None:
            form.add_error("code", _wait_message())
        else:
            form.add_error("code", _("This code is not right, or it was already used."))
    return render(request, "accounts/two_factor/verify.html", {"form": form, "next": next_url})


@login_required
@never_cache
@require_GET
def overview(request):
    return render(
        request, "accounts/two_factor/overview.html", {"status": two_factor.status(request.user)}
    )


@login_required
@never_cache
@require_POST
def renew_backup_codes(request):
    codes = two_factor.renew_backup_codes(request)
    return _codes_page(request, codes, "/")
