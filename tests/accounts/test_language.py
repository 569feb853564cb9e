"""A language chosen in the top bar is kept on the account and applied at the next login."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
SWITCH = reverse("set_language")


def test_the_choice_is_stored_and_applied_at_the_next_login_elsewhere(worker_tm):
    tablet = Client()
    tablet.force_login(worker_tm)
    response = tablet.post(SWITCH, {"language": "uk", "next": "/"})
    assert response.status_code == 302
    worker_tm.refresh_from_db()
    assert worker_tm.language == "uk"

    # Another browser, no language cookie, a Romanian browser: the account's choice wins.
    other = Client(HTTP_ACCEPT_LANGUAGE="ro")
    other.force_login(worker_tm)
    page = other.get(reverse("cases:list"))
    assert '<html lang="uk">' in page.content.decode()
    assert page.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"


def test_a_language_not_offered_is_not_stored(worker_tm):
    client = Client()
    client.force_login(worker_tm)
    response = client.post(SWITCH, {"language": "xx", "next": "/"})
    assert response.status_code == 302
    worker_tm.refresh_from_db()
    assert worker_tm.language == ""


def test_without_a_stored_choice_the_cookie_decides(worker_tm):
    client = Client()
    client.force_login(worker_tm)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in client.get(reverse("cases:list")).content.decode()


def test_an_anonymous_visitor_can_switch_without_an_account(client):
    response = client.post(SWITCH, {"language": "uk", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"


def test_the_switch_accepts_only_post(client, worker_tm):
    client.force_login(worker_tm)
    assert client.get(SWITCH).status_code == 405
