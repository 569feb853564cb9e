"""`make run` (the demo) shows the project's own error pages, not Django's debug page
listing every URL (issue 12, defect 7): the runserver of `make run` is started with the
environment the Makefile gives it, and asked for pages that do not exist."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from tests.foundation.test_settings_env import READ_BY_SETTINGS

ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")


def make_run_environment() -> dict[str, str]:
    """The variables `make run` sets on its runserver command (from make's dry run)."""
    dry_run = subprocess.run(
        ["make", "-n", "run"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    line = next(line for line in dry_run.splitlines() if "manage.py runserver" in line)
    variables = {}
    for token in shlex.split(line):
        match = ASSIGNMENT.match(token)
        if not match:
            break
        variables[match.group(1)] = match.group(2)
    return variables


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, language: str = "ro") -> tuple[int, str, dict]:
    # The local demo server only (http://127.0.0.1).
    request = urllib.request.Request(url, headers={"Accept-Language": language})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """runserver as `make run` starts it, on a throwaway SQLite database and port."""
    variables = make_run_environment()
    env = {k: v for k, v in os.environ.items() if k not in READ_BY_SETTINGS + ("DEMO",)}
    env.update(variables)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/health/")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    pytest.fail(f"runserver did not start: {process.stderr.read()[-2000:]}")
                time.sleep(0.3)
        yield base, variables
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_make_run_does_not_run_with_debug(demo_server):
    _base, variables = demo_server
    assert variables.get("DEBUG", "false").lower() not in ("1", "true", "yes", "on")


def test_an_unknown_url_answers_the_translated_404_page_without_the_url_list(demo_server):
    base, _variables = demo_server
    status, page, _headers = _get(f"{base}/no-such-page/R-ABC123/", language="ro")
    assert status == 404
    assert "Pagina nu a fost găsită" in page  # the project's page, in Romanian
    assert "Înapoi la pagina principală" in page
    # Nothing of Django's debug page: no URL patterns, no settings, no path echoed.
    for debug_text in ("Using the URLconf", "urlpatterns", "DEBUG = True", "cases/", "admin/"):
        assert debug_text not in page
    assert "R-ABC123" not in re.sub(r'name="next" type="hidden" value="[^"]*"', "", page)


def test_the_404_page_speaks_ukrainian_too(demo_server):
    base, _variables = demo_server
    status, page, _headers = _get(f"{base}/no-such-page/", language="uk")
    assert status == 404
    assert "Using the URLconf" not in page
    assert '<html lang="uk"' in page


def test_the_demo_serves_its_stylesheet_with_debug_off(demo_server):
    """DEBUG off must not cost the demo its look: WhiteNoise serves static/ directly."""
    base, _variables = demo_server
    status, css, headers = _get(f"{base}/static/css/app.css")
    assert status == 200
    assert ".badge" in css
    assert headers.get("Content-Type", "").startswith("text/css")


def test_demo_and_debug_together_are_refused():
    from tests.foundation.test_settings_env import LOAD_SETTINGS, run_python

    result = run_python(LOAD_SETTINGS, DEMO="true", DEBUG="true")
    assert result.returncode != 0
    assert "DEMO" in result.stderr


def test_the_demo_settings_are_not_production_settings():
    """DEMO gives local defaults (plain HTTP cookies, localhost); production stays strict."""
    from tests.foundation.test_settings_env import run_python

    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.ALLOWED_HOSTS)"
    )
    result = run_python(["-c", code], DEMO="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False", "['127.0.0.1',", "'localhost']"]


def test_the_demo_prints_its_e_mails_and_links_to_the_local_server():
    """The demo has no mail server: notifications are printed to the console, not lost in
    retries against localhost:25, and their links point at `make run`'s address."""
    from tests.foundation.test_settings_env import run_python

    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.SITE_URL)"
    result = run_python(["-c", code], DEMO="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.console.EmailBackend",
        "http://127.0.0.1:8000",
    ]
