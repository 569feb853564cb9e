"""The idle timeout (SESSION_COOKIE_AGE, pushed forward by every request the worker makes)
and the requests that must not push it: those a page makes on its own (docs/security.md).

A page left open on a tablet checks the connection, the offline queue's state and sends,
and the service worker refreshes what it keeps, every minute or so. Counted as activity,
they would keep the session of a worker who walked away from the tablet alive until the
absolute lifetime, hours later."""

from __future__ import annotations

from functools import wraps

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.utils.cache import patch_vary_headers


def background_request(view):
    """For a view the pages call without the worker doing anything: it reads the session
    (who is signed in) but does not move the idle timeout."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.is_background = True
        return view(request, *args, **kwargs)

    return wrapped


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a background request leaves the session's expiry alone: no
    save, no new cookie, unless it changed the session itself (a login, a logout)."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if (
            getattr(request, "is_background", False)
            and session is not None
            and not session.modified
            and not session.is_empty()
        ):
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
