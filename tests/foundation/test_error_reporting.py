"""Error reporting to a Sentry-compatible service carries no personal data (issue 11,
item 7): the scrubber is called on a realistic event, and a real error in a view is sent
through sentry-sdk (a transport that keeps the envelope here) with our options."""

from __future__ import annotations

import json
from unittest import mock

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from primero_ro.error_reporting import SCRUBBED, scrub_event, sentry_options

NAMES = ("Olena", "Shevchenko", "Ana", "Popescu", "worker.tm")


def realistic_event() -> dict:
    """The shape sentry-sdk's Django integration sends for an error in a POST."""
    return {
        "level": "error",
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": "duplicate key value violates unique constraint\nDETAIL: Key (first_name)=(Olena) already exists.",
                    "module": "django.db.utils",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "registration/services.py",
                                "function": "register_child",
                                "lineno": 140,
                                "vars": {
                                    "data": "{'first_name': 'Olena', 'last_name': 'Shevchenko'}"
                                },
                            }
                        ]
                    },
                }
            ]
        },
        "request": {
            "url": "https://primero.example.ro/cases/?q=Olena+Shevchenko",
            "method": "POST",
            "query_string": "q=Olena+Shevchenko",
            "data": {"first_name": "Olena", "last_name": "Shevchenko"},
            "cookies": {"sessionid": "s3cr3t", "csrftoken": "t0k3n"},
            "headers": {
                "Cookie": "sessionid=s3cr3t",
                "Referer": "https://primero.example.ro/cases/?q=Olena",
                "User-Agent": "Mozilla/5.0",
                "X-Forwarded-For": "10.1.2.3",
                "Host": "primero.example.ro",
            },
            "env": {"REMOTE_ADDR": "10.1.2.3"},
        },
        "user": {
            "id": 7,
            "username": "worker.tm",
            "email": "ana@example.ro",
            "ip_address": "10.1.2.3",
        },
        "logentry": {
            "message": "Child %s not saved",
            "params": ["Olena Shevchenko"],
            "formatted": "Child Olena Shevchenko not saved",
        },
        "breadcrumbs": {
            "values": [
                {
                    "category": "query",
                    "message": "SELECT ... WHERE first_name = 'Olena'",
                    "data": {"params": ["Olena"]},
                },
            ]
        },
        "extra": {"sys.argv": ["gunicorn"], "child": "Olena Shevchenko"},
    }


def test_the_scrubber_keeps_where_it_failed_and_drops_who_and_what():
    event = scrub_event(realistic_event(), {})
    text = json.dumps(event)
    for secret in (*NAMES, "s3cr3t", "t0k3n", "10.1.2.3", "ana@example.ro", "q="):
        assert secret not in text, secret
    frame = event["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert event["exception"]["values"][0]["type"] == "IntegrityError"
    assert (frame["function"], frame["lineno"]) == ("register_child", 140)
    assert event["exception"]["values"][0]["value"] == SCRUBBED
    assert event["request"] == {
        "method": "POST",
        "url": "https://primero.example.ro/cases/",
        "headers": {"Host": "primero.example.ro"},
    }
    assert event["user"] == {"id": 7}
    assert event["logentry"]["message"] == "Child %s not saved"


class KeepEnvelopes(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)


@pytest.fixture
def sentry():
    options = sentry_options("https://public@sentry.invalid/1", "test", "")
    transport = KeepEnvelopes(options)
    sentry_sdk.init(**options, transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: the integrations stay installed but send nothing


@pytest.mark.django_db
def test_a_real_error_in_a_view_is_sent_without_personal_data(client, worker_tm, sentry):
    client.raise_request_exception = False
    client.force_login(worker_tm)  # Ana Popescu
    with mock.patch(
        "django.contrib.auth.views.PasswordChangeView.post",
        side_effect=RuntimeError("could not save Olena Shevchenko"),
    ):
        response = client.post(
            "/accounts/password/?q=Olena",
            {"old_password": "Olena Shevchenko", "new_password1": "Shevchenko-2026"},
        )
    assert response.status_code == 500
    sentry_sdk.flush()
    events = [
        item.payload.json for env in sentry.envelopes for item in env.items if item.type == "event"
    ]
    assert events, "the error reached the transport"
    text = json.dumps(events)
    for secret in (*NAMES, client.cookies["sessionid"].value):
        assert secret not in text, secret
    assert "RuntimeError" in text
    assert "/accounts/password/" in text
    assert "sessionid" not in text and "Cookie" not in text


def test_the_settings_refuse_a_malformed_dsn(monkeypatch):
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(
        [sys.executable, "-c", "import primero_ro.settings"],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 40, "SENTRY_DSN": "not-a-url"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SENTRY_DSN" in result.stderr
