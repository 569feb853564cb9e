"""Logins, logouts and failed logins in the audit log with the client's address (issue 11,
item 4); the address as the lockout sees it (TRUSTED_PROXY_COUNT); the absolute session
lifetime (item 3)."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.login_audit import UNKNOWN_USER, typed_username_hash
from accounts.middleware import SESSION_STARTED_KEY
from audit.models import Action, AuditEvent
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def events(action: str):
    return AuditEvent.objects.filter(action=action).order_by("id")


def test_a_login_is_audited_with_the_address_and_county(client, worker_tm):
    client.post(LOGIN, {"username": "worker.tm", "password": PASSWORD}, REMOTE_ADDR="10.4.4.4")
    event = events(Action.LOGIN).get()
    assert (event.user, event.username, event.county_id, event.ip_address) == (
        worker_tm,
        "worker.tm",
        "RO-TM",
        "10.4.4.4",
    )
    assert PASSWORD not in str(event.details)


def test_a_logout_is_audited(client, worker_tm):
    client.post(LOGIN, {"username": "worker.tm", "password": PASSWORD})
    client.post("/accounts/logout/", REMOTE_ADDR="10.4.4.5")
    event = events(Action.LOGOUT).get()
    assert (event.username, event.ip_address, event.details) == (
        "worker.tm",
        "10.4.4.5",
        {"reason": "logout"},
    )


def test_a_wrong_password_is_audited_against_the_account_without_the_password(client, worker_tm):
    client.post(
        LOGIN, {"username": "worker.tm", "password": "hunter2-wrong"}, REMOTE_ADDR="10.4.4.6"
    )
    event = events(Action.LOGIN_FAILED).get()
    # Nobody is logged in: no user, the account named, in its county for its coordinator.
    assert (event.user, event.username, event.county_id, event.ip_address) == (
        None,
        "worker.tm",
        "RO-TM",
        "10.4.4.6",
    )
    assert (event.object_type, event.details) == ("user", {"locked": False})
    assert "hunter2" not in str(event.__dict__)


def test_an_unknown_username_is_stored_as_a_keyed_hash_only(client, worker_tm):
    typed = "Olena Shevchenko"  # a person's name typed into the username box
    client.post(LOGIN, {"username": typed, "password": "x"})
    client.post(LOGIN, {"username": "olena shevchenko ", "password": "y"})
    first, second = events(Action.LOGIN_FAILED)
    assert first.username == UNKNOWN_USER and first.county_id is None and first.user is None
    assert "Olena" not in str(first.__dict__) and "Shevchenko" not in str(first.__dict__)
    # The same text tried twice is recognisable as the same, without being readable.
    assert first.details["typed_username_hash"] == second.details["typed_username_hash"]
    assert first.details["typed_username_hash"] == typed_username_hash(typed)
    assert len(first.details["typed_username_hash"]) == 16


def test_a_very_long_username_is_audited_without_an_error(client):
    response = client.post(LOGIN, {"username": "a" * 10_000, "password": "x"})
    assert response.status_code in (200, 429)
    assert all(len(e.username) <= 150 for e in AuditEvent.objects.all())


def test_the_failure_that_locks_the_account_says_so(client, worker_tm, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "worker.tm", "password": "wrong-password"})
    client.post(LOGIN, {"username": "worker.tm", "password": PASSWORD})
    locked = [e.details["locked"] for e in events(Action.LOGIN_FAILED)]
    assert locked == [False] * (settings.AXES_FAILURE_LIMIT - 1) + [True, True]


def test_county_coordinator_sees_the_failed_logins_of_their_county(
    client, coord_tm, worker_tm, worker_sv
):
    Client().post(LOGIN, {"username": "worker.tm", "password": "wrong-password"})
    Client().post(LOGIN, {"username": "worker.sv", "password": "wrong-password"})
    Client().post(LOGIN, {"username": "no.such.user", "password": "wrong-password"})
    client.force_login(coord_tm)
    page = client.get("/audit/", {"action": "login_failed"})
    assert [e.username for e in page.context["page"].object_list] == ["worker.tm"]
    assert "Failed login" in page.content.decode()


def test_a_forged_forwarded_for_is_not_written_without_a_trusted_proxy(client, worker_tm):
    client.post(
        LOGIN,
        {"username": "worker.tm", "password": PASSWORD},
        REMOTE_ADDR="10.4.4.7",
        HTTP_X_FORWARDED_FOR="8.8.8.8",
    )
    assert events(Action.LOGIN).get().ip_address == "10.4.4.7"


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (1, "172.28.0.1", "198.51.100.7", "198.51.100.7"),
        (1, "172.28.0.1", "8.8.8.8, 198.51.100.7", "198.51.100.7"),  # the client's own entry
        (1, "172.28.0.1", "not-an-address, 198.51.100.7", "198.51.100.7"),
        (1, "172.28.0.1", "", "172.28.0.1"),  # no header: what the socket says
        (2, "10.0.0.2", "8.8.8.8, 198.51.100.7, 10.0.0.3", "198.51.100.7"),  # CDN + proxy
    ],
)
def test_the_address_behind_trusted_proxies(
    client, worker_tm, settings, proxies, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    client.post(
        LOGIN, {"username": "worker.tm", "password": PASSWORD}, REMOTE_ADDR=remote, **headers
    )
    assert events(Action.LOGIN).get().ip_address == expected


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TRUSTED_PROXY_COUNT", "-1", "TRUSTED_PROXY_COUNT: must be at least 0"),
        ("TRUSTED_PROXY_COUNT", "one", "TRUSTED_PROXY_COUNT: expected a whole number"),
        ("SESSION_ABSOLUTE_SECONDS", "5", "SESSION_ABSOLUTE_SECONDS: must be at least 60"),
        ("LOGIN_ADDRESS_FAILURE_LIMIT", "0", "LOGIN_ADDRESS_FAILURE_LIMIT: must be at least 1"),
        ("OTP_REQUIRED_FOR_FIELD_WORKERS", "maybe", "OTP_REQUIRED_FOR_FIELD_WORKERS: expected"),
    ],
)
def test_a_bad_setting_refuses_to_start_and_names_the_variable(variable, value, message):
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.DEBUG"],
        env={
            "DJANGO_SETTINGS_MODULE": "primero_ro.settings",
            "DEBUG": "true",
            variable: value,
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode != 0
    assert message in result.stderr.strip().splitlines()[-1]


# --- absolute session lifetime --------------------------------------------------------


def age_session(client, seconds: int) -> None:
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - seconds
    session.save()


def test_the_default_lifetime_is_twelve_hours(settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60


def test_an_active_session_ends_after_the_absolute_lifetime(client, worker_tm, settings):
    client.post(LOGIN, {"username": "worker.tm", "password": PASSWORD})
    assert client.get("/").status_code == 200
    age_session(client, settings.SESSION_ABSOLUTE_SECONDS - 60)
    assert client.get("/").status_code == 200  # still inside: used a minute ago, kept open
    age_session(client, settings.SESSION_ABSOLUTE_SECONDS + 1)
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/cases/"
    assert not Session.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "longest allowed time" in page
    assert events(Action.LOGOUT).get().details == {"reason": "session_lifetime"}


def test_the_lifetime_counts_from_the_login_not_from_the_last_request(client, worker_tm, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 60
    client.post(LOGIN, {"username": "worker.tm", "password": PASSWORD})
    started = client.session[SESSION_STARTED_KEY]
    client.get("/")
    assert client.session[SESSION_STARTED_KEY] == started


def test_a_session_from_before_the_check_starts_counting_now(client, worker_tm):
    client.force_login(worker_tm)
    session = client.session
    del session[SESSION_STARTED_KEY]
    session.save()
    assert client.get("/").status_code == 200
    assert abs(client.session[SESSION_STARTED_KEY] - time.time()) < 60
