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

    if request is not None:
        request._database_unavailable = True  # for the retry below
    template = loader.get_template("503.html")
    retried = request is not None and request.method not in SAFE_METHODS
    response = HttpResponse(template.render({"form_sent": retried}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _in_transaction() -> bool:
    return any(conn.in_atomic_block for conn in connections.all(initialized_only=True))


class DatabaseUnavailableMiddleware:
    """Answers 503 when the database is away, and runs a read once more first.

    The error may come from the view (process_exception below) or from a middleware
    that reads the session or the user before the view (Django turns it into the
    response of handler500, `server_error` below): both mark the request, and the whole
    chain below this middleware runs once more on new connections.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(request, "_database_unavailable", False)
            and request.method in SAFE_METHODS
            and not _in_transaction()
        ):
            request._database_unavailable = False
            _close_broken_connections()
            time.sleep(RETRY_PAUSE_SECONDS)
            response = self.get_response(request)
            if getattr(request, "_database_unavailable", False):
                log.warning("database still unavailable after one retry")
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_GONE):
            return None
        # Codes only: the exception text may quote a query with a child's name.
        log.warning("database unavailable during %s: %s", request.method, type(exception).__name__)
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
