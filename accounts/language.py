"""The language a user chose, kept on their account and applied at each login.

Django's language switch (set_language) keeps the choice in a cookie of one browser; a
social worker on a shared tablet, or after the cookie is gone, found the page in another
language at the next login. The choice is now stored on the user as well.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def set_preferred_language(user, code: str) -> bool:
    """Store the user's choice; False (and nothing stored) for a language we do not offer."""
    if code not in LANGUAGE_CODES:
        return False
    if user.language != code:
        user.language = code
        user.save(update_fields=["language"])
    return True


@require_POST
def set_language(request):
    """Django's switch (the cookie, the redirect back), and the choice on the account."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        set_preferred_language(request.user, request.POST.get("language", ""))
    return response


class UserLanguageMiddleware:
    """After authentication: a logged-in user's stored language wins over the cookie and
    the browser's; the cookie follows it, so the login page after a logout matches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if getattr(user, "is_authenticated", False) else ""
        if chosen in LANGUAGE_CODES and chosen != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
            response = self.get_response(request)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
            return response
        return self.get_response(request)
