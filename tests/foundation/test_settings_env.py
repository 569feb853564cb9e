"""Settings come from the environment; a bad value stops the process and names the variable."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

# Variables the settings read: removed from the child's environment so that the
# surrounding test run (its DATABASE_URL, broker...) does not leak into the checks.
READ_BY_SETTINGS = (
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "CELERY_BROKER_URL",
    "LANGUAGE_CODE",
    "SESSION_IDLE_SECONDS",
    "LOG_LEVEL",
    "TEST_DATABASE_NAME",
    "STATIC_MANIFEST",
    "SECURE_SSL_REDIRECT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "EMAIL_URL",
    "SITE_URL",
    "CSRF_TRUSTED_ORIGINS",
)


def run_python(args: list[str], **env_vars: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in READ_BY_SETTINGS}
    env["DJANGO_SETTINGS_MODULE"] = "primero_ro.settings"
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


SETUP = ["-c", "import django; django.setup()"]
# Reading one setting imports the whole settings module, which is where the checks are,
# without loading every app: a third of the time of django.setup().
LOAD_SETTINGS = ["-c", "from django.conf import settings; settings.DEBUG"]
DEV = {"DEBUG": "true"}


def test_development_settings_start():
    result = run_python(SETUP, **DEV)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({**DEV, "DATABASE_URL": "nonsense://x"}, "DATABASE_URL"),
        ({**DEV, "DATABASE_URL": "postgres://user@host:notaport/db"}, "DATABASE_URL"),
        ({"DEBUG": "false"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": ""}, "SECRET_KEY"),
        ({**DEV, "LANGUAGE_CODE": "fr"}, "LANGUAGE_CODE"),
        ({**DEV, "SESSION_IDLE_SECONDS": "abc"}, "SESSION_IDLE_SECONDS"),
        ({**DEV, "SESSION_IDLE_SECONDS": "5"}, "SESSION_IDLE_SECONDS"),
        ({**DEV, "CELERY_BROKER_URL": "localhost:6379"}, "CELERY_BROKER_URL"),
        ({**DEV, "LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
    ],
)
def test_bad_value_refuses_to_start_and_names_the_variable(variables, named):
    result = run_python(LOAD_SETTINGS, **variables)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert named in last_line


def test_manage_py_refuses_to_start_too():
    result = run_python(["manage.py", "check"], DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG: expected true or false, got 'maybe'" in result.stderr


def test_deploy_check_is_clean_with_a_production_environment():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="primero.example.ro",
        CSRF_TRUSTED_ORIGINS="https://primero.example.ro",
        DATABASE_URL="postgres://primero:secret@db:5432/primero_ro",
        CELERY_BROKER_URL="redis://redis:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr
