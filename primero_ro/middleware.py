"""Two rules that hold for every page, so that no view has to remember them.

- A NUL character anywhere in the request (path, query, form fields, cookies) is refused
  with the translated 400 page: PostgreSQL cannot store or even compare a NUL in a text
  value, so it would otherwise reach a query and fail with a server error.
- A signed-in user's responses are never stored by a browser or a proxy: nearly every
  page of the signed-in app shows a child's personal data, and tablets are shared.

The Content-Security-Policy header comes from django-csp (settings: CONTENT_SECURITY_POLICY).
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.utils.cache import add_never_cache_headers
from django.views.defaults import bad_request

NUL = "\x00"
# Forms sent as multipart hold uploaded files: parsing them here would read the upload
# before the import view has checked its size. Their text fields are checked by the forms
# (Django's CharField refuses NUL) and the import reads files as data, not as SQL text.
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def _has_nul(pairs) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in pairs)


def request_has_nul(request) -> bool:
    if NUL in request.path or NUL in request.path_info:
        return True
    if _has_nul(request.GET.lists()) or any(
        NUL in key or NUL in value for key, value in request.COOKIES.items()
    ):
        return True
    return (
        request.method == "POST"
        and request.content_type == FORM_CONTENT_TYPE
        and _has_nul(request.POST.lists())
    )


class RefuseNulMiddleware:
    """Before the session is read (a NUL in its cookie would reach the database too): the
    400 page needs neither a user nor the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            return bad_request(request, BadRequest("NUL character in the request"))
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """After AuthenticationMiddleware: whatever a view set, a signed-in user's response
    is not kept in any cache (the back button after logout shows nothing either)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # add_never_cache_headers keeps an existing max-age; personal data get none.
            response.headers.pop("Cache-Control", None)
            add_never_cache_headers(response)
        return response
