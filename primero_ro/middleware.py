"""Two rules that hold for every page, so that no view has to remember them.

- A NUL character anywhere in the request (path, query, form fields, cookies, the names
  of uploaded files) is refused with the translated 400 page: PostgreSQL cannot store or
  even compare a NUL in a text value, so it would otherwise reach a query and fail with a
  server error.
- A signed-in user's responses are never stored by a browser or a proxy: nearly every
  page of the signed-in app shows a child's personal data, and tablets are shared.
- Pages are sent compressed when the browser accepts it (a border point's mobile link);
  downloads are sent as they are.

The Content-Security-Policy header comes from django-csp (settings: CONTENT_SECURITY_POLICY).
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.middleware.gzip import GZipMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.defaults import bad_request

NUL = "\x00"


def _has_nul(pairs) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in pairs)


def _refuse(request):
    # Before LocaleMiddleware has run: the page speaks the language the user chose.
    with translation.override(translation.get_language_from_request(request)):
        response = bad_request(request, BadRequest("NUL character in the request"))
        response.headers.setdefault("Content-Language", translation.get_language())
    return response


class RefuseNulMiddleware:
    """Before the session middleware: a NUL in the session cookie would reach the database
    when the session is read or saved, so the 400 page needs neither a user nor the
    database. Form fields are checked in process_view, like CsrfViewMiddleware: a view
    exempt from CSRF (the import upload) parses its own body, after checking its size."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            NUL in request.path_info
            or _has_nul(request.GET.lists())
            or any(NUL in key or NUL in value for key, value in request.COOKIES.items())
        ):
            return _refuse(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or getattr(view_func, "csrf_exempt", False):
            return None
        if _has_nul(request.POST.lists()) or any(NUL in f.name for f in request.FILES.values()):
            return _refuse(request)
        return None


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


# What we write as text: pages, the duplicate panel, CSV and JSON. PDFs, zip archives and
# spreadsheets are compressed formats already.
COMPRESSED_TYPES = ("text/", "application/json", "image/svg+xml")


class CompressPagesMiddleware(GZipMiddleware):
    """Django's gzip, with its BREACH mitigation (random bytes in every gzip header since
    Django 4.2; CSRF tokens are masked per response), for text responses only. Files
    (FileResponse, any streaming response) pass untouched, keeping their length for the
    download; static files never get here (WhiteNoise, above, serves them pre-compressed)."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if response.streaming or not content_type.startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)
