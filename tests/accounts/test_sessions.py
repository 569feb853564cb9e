"""The session store (accounts/sessions.py): the idle timeout holds to within a minute,
never longer, without writing the session on every page; changes are written at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.middleware import SESSION_STARTED_KEY
from accounts.sessions import EXPIRY_SLACK, SessionStore

pytestmark = pytest.mark.django_db


def stored_expiry():
    return Session.objects.get().expire_date


def test_pages_opened_within_a_minute_leave_the_stored_session_alone(client, worker_tm):
    # Each write is a commit that waits for the database's log: under a full office the
    # busiest write of the application (issue 14).
    client.force_login(worker_tm)
    assert client.get("/").status_code == 200
    written = stored_expiry()
    assert client.get("/cases/").status_code == 200
    assert client.get("/").status_code == 200
    assert stored_expiry() == written


def test_the_idle_limit_is_never_longer_than_the_setting(client, worker_tm, settings):
    client.force_login(worker_tm)
    for url in ("/", "/cases/", "/"):
        client.get(url)
        assert stored_expiry() <= timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_an_expiry_more_than_a_minute_behind_is_pushed_forward(client, worker_tm, settings):
    client.force_login(worker_tm)
    client.get("/")
    behind = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE) - 2 * EXPIRY_SLACK
    Session.objects.update(expire_date=behind)
    assert client.get("/").status_code == 200
    expires_in = (stored_expiry() - timezone.now()).total_seconds()
    assert abs(expires_in - settings.SESSION_COOKIE_AGE) < 30


def test_a_lowered_idle_limit_applies_at_the_next_page(client, worker_tm, settings):
    client.force_login(worker_tm)
    client.get("/")
    settings.SESSION_COOKIE_AGE = 10 * 60
    assert client.get("/").status_code == 200
    assert stored_expiry() <= timezone.now() + dt.timedelta(minutes=10)


def test_a_change_to_the_session_is_written_within_the_minute(client, worker_tm):
    client.force_login(worker_tm)
    client.get("/")
    key = client.cookies["sessionid"].value
    store = SessionStore(key)
    del store[SESSION_STARTED_KEY]
    store.save()
    # The next page marks the session's start again (accounts.middleware): it must stay.
    assert client.get("/").status_code == 200
    assert SESSION_STARTED_KEY in SessionStore(key).load()


def test_a_logout_within_the_minute_ends_the_session(client, worker_tm):
    client.force_login(worker_tm)
    client.get("/")
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302
    assert not Session.objects.exists()
