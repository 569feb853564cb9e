"""PostgreSQL going away for a moment (a restart, a failover, a dropped connection).

Django reopens a persistent connection that died between requests (CONN_HEALTH_CHECKS in
the settings). This module handles the rest: a read (GET, HEAD) that meets a dropped
connection is run once more on a new connection; what still fails, and any form sent while
the database is away, answers a translated "try again" page with 503, never a bare 500.
A form is never sent twice on the user's behalf: its first run may have been saved.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.template import loader
from django.views.defaults import server_error as django_server_error

log = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Long enough for the server to accept connections again after a quick restart, short
# enough that the user does not notice; a second failure gives the 503 page.
RETRY_PAUSE_SECONDS = 0.5
RETRY_AFTER_SECONDS = 10
DATABASE_GONE = (OperationalError, InterfaceError)


def _close_broken_connections() -> None:
    for conn in connections.all(initialized_only=True):
        # Already gone: the next query opens a new one.
        with contextlib.suppress(DatabaseError):
            conn.close()


def unavailable_response(request):
    """The "try again" page: rendered without base.html, the user or the database."""
    from django.http import HttpResponse

    template = loader.get_template("503.html")
    retried = request is not None and request.method not in SAFE_METHODS
    response = HttpResponse(template.render({"form_sent": retried}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _in_transaction() -> bool:
    return any(conn.in_atomic_block for conn in connections.all(initialized_only=True))


class DatabaseUnavailableMiddleware:
    """Retries a read once on a dropped connection; answers 503 when the database is away."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_GONE):
            return None
        # Codes only: the exception text may quote a query with a child's name.
        log.warning("database unavailable during %s: %s", request.method, type(exception).__name__)
        match = request.resolver_match
        if request.method in SAFE_METHODS and not getattr(request, "_db_retried", False):
            request._db_retried = True
            if match is not None and not _in_transaction():
                _close_broken_connections()
                time.sleep(RETRY_PAUSE_SECONDS)
                try:
                    response = match.func(request, *match.args, **match.kwargs)
                    if hasattr(response, "render") and callable(response.render):
                        response = response.render()
                    return response
                except DATABASE_GONE:
                    log.warning("database still unavailable after one retry")
        _close_broken_connections()
        return unavailable_response(request)


def server_error(request, template_name: str = "500.html"):
    """handler500: an error outside any view (a middleware) that is the database going
    away answers the "try again" page too; anything else is Django's 500 page."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_GONE):
        _close_broken_connections()
        return unavailable_response(request)
    return django_server_error(request, template_name)
