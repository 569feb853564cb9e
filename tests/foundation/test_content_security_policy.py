"""The Content-Security-Policy forbids inline and evaluated scripts in production
(issue 11, item 5): the header is read from the production settings, and no template
keeps an inline script or an inline event handler that such a policy would block."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
UNSAFE_FOR_SCRIPTS = ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:")

PRODUCTION_HEADER = """
import django
django.setup()
from django.test import Client
response = Client().get("/accounts/login/", secure=True)
assert response.status_code == 200, response.status_code
print(response["Content-Security-Policy"])
"""


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture(scope="module")
def production_header() -> str:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "DEBUG", "SECURE_", "SENTRY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="primero_ro.settings",
        DEBUG="false",
        SECRET_KEY="production-like-key-for-this-test-only-0123456789",
        ALLOWED_HOSTS="testserver",
        DATABASE_URL="sqlite://:memory:",
        STATIC_MANIFEST="false",  # no collectstatic here; the header does not depend on it
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_HEADER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_production_allows_scripts_only_from_our_own_files(production_header):
    directives = _directives(production_header)
    assert directives["script-src"][0] == "'self'"
    for source in directives["script-src"]:
        assert source not in UNSAFE_FOR_SCRIPTS, production_header
        assert source == "'self'" or source.startswith("'nonce-"), production_header
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_the_test_settings_add_eval_for_playwright_only(client):
    directives = _directives(client.get("/accounts/login/")["Content-Security-Policy"])
    assert "'unsafe-eval'" in directives["script-src"]
    assert "'unsafe-inline'" not in directives["script-src"]


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, re.compile(r"javascript:", re.I)):
            for match in pattern.finditer(text):
                found.append(f"{template.relative_to(ROOT)}: {match.group(0)}")
    assert found == []


@pytest.mark.django_db
def test_a_rendered_page_carries_no_inline_script(client, worker_tm):
    from tests.factories import make_child

    child = make_child(worker_tm, consent_share_providers=True, services_needed=["mhpss"])
    client.force_login(worker_tm)
    for url in (f"/register/done/{child.code}/", f"/referrals/case/{child.code}/refer/"):
        page = client.get(url).content.decode()
        scripts = [
            tag
            for tag in INLINE_SCRIPT.findall(page)
            if 'type="application/json"' not in tag  # data, never executed
        ]
        assert scripts == [], url
        assert not INLINE_HANDLER.search(page), url
