"""Production errors sent to a Sentry-compatible service, without children's data.

Off unless SENTRY_DSN is set. What is sent says what failed and where (exception type,
file, function, line, the URL path whose codes are random, the user's numeric id) and
never with what data: no request body, query string, cookies or headers, no local
variables, no exception message (a database error quotes the values it refused, a
validation error the text typed), no log breadcrumb text, no user name or address.
"""

from __future__ import annotations

from typing import Any

SCRUBBED = "[scrubbed]"
# Request headers that say nothing about a person (cookies, referer with a query,
# user agent and forwarded addresses are dropped).
KEPT_HEADERS = {"Accept", "Accept-Language", "Content-Length", "Content-Type", "Host"}


def _scrub_request(request: dict[str, Any]) -> dict[str, Any]:
    kept = {key: request[key] for key in ("method", "url") if key in request}
    if isinstance(kept.get("url"), str):
        kept["url"] = kept["url"].split("?", 1)[0]
    headers = request.get("headers") or {}
    kept["headers"] = {k: v for k, v in headers.items() if k in KEPT_HEADERS}
    return kept


def _scrub_exception(exception: dict[str, Any]) -> None:
    for value in exception.get("values") or []:
        if value.get("value"):
            value["value"] = SCRUBBED
        for frame in (value.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry's before_send: keep the where, drop the who and the what."""
    if "request" in event:
        event["request"] = _scrub_request(event["request"])
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if user.get("id") is not None else {}
    if "exception" in event:
        _scrub_exception(event["exception"])
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    logentry = event.get("logentry") or event.get("message")
    if isinstance(logentry, dict) and logentry.get("params"):
        # The message template stays ("Internal Server Error: %s"); its values go.
        logentry["params"] = [SCRUBBED for _param in logentry["params"]]
        logentry.pop("formatted", None)
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        for crumb in breadcrumbs.get("values") or []:
            crumb.pop("data", None)
            if crumb.get("message"):
                crumb["message"] = SCRUBBED
    event.pop("extra", None)
    return event


def sentry_options(dsn: str, environment: str, release: str) -> dict[str, Any]:
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    return {
        "dsn": dsn,
        "environment": environment,
        "release": release or None,
        "integrations": [DjangoIntegration(), CeleryIntegration()],
        "send_default_pii": False,
        "max_request_body_size": "never",
        "include_local_variables": False,
        "include_source_context": True,
        "traces_sample_rate": 0.0,
        "before_send": scrub_event,
    }


def init_error_reporting(dsn: str, environment: str, release: str) -> None:
    if not dsn:
        return
    import sentry_sdk

    sentry_sdk.init(**sentry_options(dsn, environment, release))
