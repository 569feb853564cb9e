"""Login and logout at /accounts/, lockout after repeated failures (django-axes),
session expiry after inactivity, and the password change page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_login_page_shows_the_form(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"


def test_good_credentials_log_in_and_reach_home(client, worker_tm):
    response = post_login(client, "worker.tm", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert home.context["user"] == worker_tm


def test_login_follows_a_safe_next_but_not_another_site(client, worker_tm):
    response = post_login(client, "worker.tm", PASSWORD, next="/accounts/password/")
    assert response["Location"] == "/accounts/password/"
    client.post("/accounts/logout/")
    response = post_login(client, "worker.tm", PASSWORD, next="https://evil.example/")
    assert response["Location"] == "/"


def test_wrong_password_shows_an_error_and_does_not_log_in(client, worker_tm):
    response = post_login(client, "worker.tm", "wrong-password")
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_log_in(client, worker_tm):
    worker_tm.is_active = False
    worker_tm.save()
    response = post_login(client, "worker.tm", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client, worker_tm):
    post_login(client, "worker.tm", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.get("/").status_code == 302
    assert not Session.objects.exists()


def test_repeated_failures_lock_the_login_with_429(client, worker_tm, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post_login(client, "worker.tm", "wrong-password").status_code == 200
    locked = post_login(client, "worker.tm", "wrong-password")
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    assert b"Too many failed attempts" in locked.content
    # Even the right password is refused while the lockout lasts.
    again = post_login(client, "worker.tm", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_failure_count(client, worker_tm, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login(client, "worker.tm", "wrong-password")
    assert post_login(client, "worker.tm", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post_login(client, "worker.tm", "wrong-password").status_code == 200


def test_every_request_pushes_the_session_expiry_forward(client, worker_tm, settings):
    client.force_login(worker_tm)
    session = Session.objects.get()
    session.expire_date = timezone.now() + dt.timedelta(seconds=90)
    session.save()
    assert client.get("/").status_code == 200
    expires_in = Session.objects.get().expire_date - timezone.now()
    assert abs(expires_in.total_seconds() - settings.SESSION_COOKIE_AGE) < 30


# What a page open on a tablet asks on its own: the connection check, the offline queue's
# state and sends, the pages and files the service worker keeps.
BACKGROUND_REQUESTS = [
    ("get", "/health/"),
    ("get", "/register/offline/state/"),
    ("get", "/register/offline/form/ro/"),
    ("post", "/register/offline/send/"),
    ("get", "/manifest.webmanifest"),
    ("get", "/sw.js"),
]


@pytest.mark.parametrize(("method", "url"), BACKGROUND_REQUESTS)
def test_requests_a_page_makes_on_its_own_do_not_keep_an_idle_session_alive(
    client, worker_tm, method, url
):
    # A tablet left open at a border point polls every minute: if that counted as activity,
    # the idle timeout would never end the session of a worker who walked away.
    client.force_login(worker_tm)
    soon = timezone.now() + dt.timedelta(seconds=90)
    Session.objects.update(expire_date=soon)
    getattr(client, method)(url)
    assert Session.objects.get().expire_date == soon
    assert client.get("/").status_code == 200  # still signed in: only the clock is left alone
    assert Session.objects.get().expire_date > soon


def test_a_background_request_after_the_idle_limit_finds_the_worker_signed_out(client, worker_tm):
    client.force_login(worker_tm)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/register/offline/state/").status_code == 403
    assert client.get("/").status_code == 302


def test_session_idle_longer_than_the_limit_is_sent_to_login(client, worker_tm):
    client.force_login(worker_tm)
    assert client.get("/").status_code == 200
    # As if the tablet had been left alone past SESSION_IDLE_SECONDS.
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"


def test_session_idle_setting_is_the_cookie_age(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 30 * 60  # SESSION_IDLE_SECONDS default


def test_password_change_needs_login(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_password_change_sets_the_new_password_and_keeps_the_session(client, worker_tm):
    client.force_login(worker_tm)
    assert client.get("/accounts/password/").status_code == 200
    new = "un-nou-cuvant-de-trecere-9"
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    assert client.get("/accounts/password/done/").status_code == 200
    assert client.get("/").status_code == 200  # still logged in
    worker_tm.refresh_from_db()
    assert worker_tm.check_password(new)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("not-my-password", "un-nou-cuvant-de-trecere-9", "old_password"),
        (PASSWORD, "short", "new_password2"),
        (PASSWORD, "password123", "new_password2"),
    ],
)
def test_password_change_refuses_bad_input(client, worker_tm, old, new, field):
    client.force_login(worker_tm)
    response = client.post(
        "/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    worker_tm.refresh_from_db()
    assert worker_tm.check_password(PASSWORD)
