"""Error pages with DEBUG off show nothing of a record, and the security headers are sent."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.factories import make_child

pytestmark = pytest.mark.django_db


def _without_language_next(page: str) -> str:
    return re.sub(r'<input name="next" type="hidden" value="[^"]*">', "", page)


def test_a_case_of_another_county_answers_our_404_page_without_the_child(
    client, worker_tm, worker_sv
):
    child = make_child(worker_sv, seed=7)
    client.force_login(worker_tm)
    response = client.get(f"/cases/{child.code}/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Page not found" in page
    assert "Back to the home page" in page
    for personal in (child.first_name, child.last_name):
        assert personal and personal not in page
    # The code asked for is only in the language switcher's return path, never shown.
    assert child.code not in _without_language_next(page)


def test_a_missing_case_code_answers_the_same_page(client, worker_tm):
    client.force_login(worker_tm)
    response = client.get("/cases/C-NOSUCH1/")
    assert response.status_code == 404
    assert "This page does not exist, or it is not open to you." in response.content.decode()
    assert "C-NOSUCH1" not in _without_language_next(response.content.decode())


def test_a_forbidden_page_answers_our_403_page(client, worker_tm):
    client.force_login(worker_tm)
    response = client.get("/accounts/users/")
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Not allowed" in page
    assert "Your role does not allow this action." in page
    # The page keeps the usual top bar of the signed-in user.
    assert 'class="whoami"' in page and "Log out" in page


def test_the_404_page_is_translated(client, worker_tm):
    client.force_login(worker_tm)
    client.post("/i18n/setlang/", {"language": "ro", "next": "/"})
    response = client.get("/cases/C-NOSUCH1/")
    assert response.status_code == 404
    assert '<html lang="ro">' in response.content.decode()


def test_the_500_page_needs_neither_the_database_nor_a_user(django_assert_num_queries):
    request = RequestFactory().get("/cases/C-ANY/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "/static/css/app.css" in page
    assert "C-ANY" not in page


def test_an_exception_in_a_view_renders_the_500_page_without_details(client, worker_tm):
    # A view that fails with a name in its message (Django's view, not one of ours).
    client.raise_request_exception = False
    client.force_login(worker_tm)
    with mock.patch(
        "django.contrib.auth.views.PasswordChangeView.get",
        side_effect=RuntimeError("Olena Shevchenko"),
    ):
        response = client.get("/accounts/password/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "Olena" not in page and "Traceback" not in page


def test_security_headers_on_every_page(client, worker_tm):
    client.force_login(worker_tm)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    login = client.get("/accounts/login/")
    assert "Content-Security-Policy" in login


def test_cookies_are_secure_and_http_only_in_production(client, worker_tm, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.post(
        "/accounts/login/",
        {"username": "worker.tm", "password": "wrong-password"},
    )
    assert response.status_code == 200
    client.force_login(worker_tm)
    response = client.get("/")
    session = response.cookies.get("sessionid")
    assert session is not None and session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
