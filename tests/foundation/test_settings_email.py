"""E-mail settings (issue 12): the console in development, SMTP from EMAIL_URL in
production; a bad value stops the process and names the variable."""

from __future__ import annotations

import pytest

from tests.foundation.test_settings_env import DEV, run_python

SHOW = [
    "-c",
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.SITE_URL)",
]
PROD = {"DEBUG": "false", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "primero.example.ro"}


def test_development_prints_emails_on_the_console():
    result = run_python(SHOW, **DEV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "django.core.mail.backends.console.EmailBackend"
    assert result.stdout.split()[-1] == "http://127.0.0.1:8000"


def test_production_sends_through_the_smtp_server_of_email_url():
    result = run_python(SHOW, **PROD, EMAIL_URL="smtp+tls://user:pw@mail.example.ro:587")
    assert result.returncode == 0, result.stderr
    backend, host, port, tls, site = result.stdout.split()
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    assert (host, port, tls) == ("mail.example.ro", "587", "True")
    assert site == "https://primero.example.ro"


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({**DEV, "EMAIL_URL": "mail.example.ro"}, "EMAIL_URL"),
        ({**DEV, "EMAIL_URL": "ftp://mail.example.ro"}, "EMAIL_URL"),
        ({**DEV, "SITE_URL": "primero.example.ro"}, "SITE_URL"),
        ({**DEV, "EMAIL_TIMEOUT": "soon"}, "EMAIL_TIMEOUT"),
    ],
)
def test_bad_value_refuses_to_start_and_names_the_variable(variables, named):
    result = run_python(["-c", "from django.conf import settings; settings.DEBUG"], **variables)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert named in last_line
