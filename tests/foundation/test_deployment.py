"""docker-compose.yml and the Dockerfile, checked offline (no Docker engine here): the
Compose specification's JSON schema, the services, their health checks, no secrets."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from ruamel.yaml import YAML

ROOT = Path(settings.BASE_DIR)
COMPOSE = ROOT / "docker-compose.yml"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def compose() -> dict:
    return YAML(typ="safe").load(COMPOSE.read_text())


def test_compose_file_follows_the_compose_specification():
    result = validate(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validation_catches_a_broken_file(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE.read_text().replace("healthcheck:", "healthchek:", 1))
    assert validate(broken).returncode != 0


def test_every_service_is_there_with_a_health_check(compose):
    services = compose["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        check = service.get("healthcheck")
        assert check and check["test"][0] in ("CMD", "CMD-SHELL"), name
        assert service.get("restart") == "unless-stopped", name


def test_services_run_what_they_say(compose):
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:")
    assert "gunicorn primero_ro.wsgi" in " ".join(services["web"]["command"])
    assert "migrate --no-input" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "primero_ro", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "primero_ro", "beat"]
    for name in ("web", "worker", "beat"):
        assert services[name]["build"] == "."
        env = services[name]["environment"]
        assert env["DEBUG"] == "false"
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert "@db:5432/" in env["DATABASE_URL"]
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["web"]["condition"] == "service_healthy"
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_no_secret_is_written_in_the_file(compose):
    env = compose["services"]["web"]["environment"]
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]
    assert compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith(
        "${POSTGRES_PASSWORD:?"
    )
    # No literal password after a user name in any URL.
    assert not re.search(r"://[^$:/\s]+:[^$@\s]+@", COMPOSE.read_text())


def test_every_variable_given_to_the_app_is_read_by_the_settings(compose):
    source = (ROOT / "primero_ro" / "settings.py").read_text()
    for name in compose["services"]["web"]["environment"]:
        assert f'"{name}"' in source, name


def test_dockerfile_builds_static_files_and_runs_gunicorn_as_a_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-" in dockerfile
    assert "manage.py collectstatic --no-input" in dockerfile
    assert "manage.py compilemessages" in dockerfile
    assert "-c requirements.lock" in dockerfile
    assert "\nUSER app\n" in dockerfile
    assert '"gunicorn", "primero_ro.wsgi"' in dockerfile
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".env", "db.sqlite3", "var", "staticfiles"} <= ignored


def test_the_client_address_comes_from_the_proxy_only(compose):
    """issue 11: behind the host's reverse proxy the app trusts exactly one proxy hop, and
    gunicorn trusts forwarded headers only from that proxy (the fixed network's gateway)."""
    web = compose["services"]["web"]
    assert web["environment"]["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"
    command = " ".join(web["command"])
    assert "--forwarded-allow-ips ${FORWARDED_ALLOW_IPS:-172.28.0.1}" in command
    network = compose["networks"]["default"]["ipam"]["config"][0]
    assert (network["subnet"], network["gateway"]) == ("172.28.0.0/16", "172.28.0.1")
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "TRUSTED_PROXY_COUNT=0" in dockerfile
    assert "FORWARDED_ALLOW_IPS=127.0.0.1,::1" in dockerfile
