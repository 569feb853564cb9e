"""/health/, what docker-compose's health check of the web service calls."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_health_answers_ok_without_login(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_health_is_not_redirected_to_https_when_the_rest_is(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/").status_code == 200
    login = client.get("/accounts/login/")
    assert login.status_code == 301
    assert login["Location"].startswith("https://")


def test_health_accepts_the_host_of_the_container_check(client, settings):
    settings.ALLOWED_HOSTS = ["primero.example.ro", "localhost"]
    assert client.get("/health/", HTTP_HOST="localhost:8000").status_code == 200
    assert client.get("/health/", HTTP_HOST="evil.example").status_code == 400


def test_health_refuses_post(client):
    assert client.post("/health/").status_code == 405
