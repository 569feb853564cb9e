"""What the browser keeps to register without a connection (docs/offline.md): the
registration page rendered for offline use in each language, the service worker that
serves it when the network is gone, and the web app manifest.

The offline page is the registration form of /register/ with nothing personal and no
key in it: the form of a new registration, the catalogue's conditions and checks as data.
The browser stores it (Cache API) and queues what is saved on it, encrypted under a key
derived from the worker's password (static/js/offline-vault.js); the server never sees
that key.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.idle import background_request
from registration.views import Registration, _render, blank_initial

LANGUAGE_CODES = ("ro", "uk", "en")


@background_request
@never_cache
@login_required
@require_GET
def offline_form(request: HttpRequest, lang: str) -> HttpResponse:
    if lang not in LANGUAGE_CODES:
        raise Http404
    with translation.override(lang):
        reg = Registration(request.user, initial=blank_initial(request.user))
        response = _render(
            request,
            reg,
            offline=True,
            blank=True,
        )
        response.headers["Content-Language"] = lang
    return response


@background_request
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the site's root so that its scope is the whole site; it
    must be fetched fresh (a stale worker would serve stale pages)."""
    path = finders.find("js/sw.js")
    if path is None:
        raise Http404
    with open(path, "rb") as handle:
        response = HttpResponse(handle.read(), content_type="text/javascript; charset=utf-8")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache, max-age=0"
    return response


@background_request
@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest (installable on a tablet's home screen). Public: the browser
    fetches it without the session; it names no one."""
    data = {
        "name": "Primero RO",
        "short_name": "Primero RO",
        "description": _("Registration of children at the border, with or without a connection"),
        "start_url": reverse("registration:register"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#12324f",
        "icons": [
            {"src": static(f"img/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
            for size in (192, 512)
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache, max-age=0"
    return response
