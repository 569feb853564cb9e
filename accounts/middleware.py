"""What every request of a logged-in user passes through: the absolute session lifetime,
then the second step of the login (docs/security.md)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import two_factor

# Set at login (accounts.login_audit); the idle timeout is SESSION_COOKIE_AGE.
SESSION_STARTED_KEY = "_auth_started_at"

# Pages a user whose second step is pending may open: the steps themselves, the way out,
# the language switch, and the health check of the deployment.
OPEN_BEFORE_SECOND_STEP = frozenset(
    {"login", "logout", "two_factor_verify", "two_factor_enrol", "set_language", "health"}
)


def mark_session_start(request) -> None:
    request.session[SESSION_STARTED_KEY] = int(time.time())


class SessionLifetimeMiddleware:
    """A session ends SESSION_ABSOLUTE_SECONDS after the login, however active it is (the
    idle timeout alone lets a session that is used every few minutes live for ever)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            if not isinstance(started, int):
                # A session opened before this check existed: its lifetime starts now.
                mark_session_start(request)
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                request.logout_reason = "session_lifetime"
                logout(request)
                messages.info(
                    request, _("Your session has reached its longest allowed time: log in again.")
                )
                # The page asks for the login as it does for anyone signed out: the login
                # page for a page, 403 JSON for the offline queue's sends (a redirect
                # would hand its fetch the login page as if it were the answer).
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """A user who needs a second factor and has not passed it in this session is sent to the
    code page (or, without a phone yet, to the enrolment page) from every other page: case
    pages, exports, reports, the admin. After django_otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not two_factor.required_for(user) or user.is_verified():
            return None
        if request.resolver_match.view_name in OPEN_BEFORE_SECOND_STEP:
            return None
        step = "two_factor_verify" if two_factor.is_enrolled(user) else "two_factor_enrol"
        url = f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            # htmx would swap the code page into a fragment: make it load the whole page.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
