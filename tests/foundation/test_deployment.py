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
    assert set(services) == {"db", "redis", "migrate", "web", "proxy", "worker", "beat"}
    # The migration step runs once and ends; it is not restarted.
    assert services["migrate"]["restart"] == "no"
    for name, service in services.items():
        if name == "migrate":
            continue
        check = service.get("healthcheck")
        assert check and check["test"][0] in ("CMD", "CMD-SHELL"), name
        assert service.get("restart") == "unless-stopped", name


def test_services_run_what_they_say(compose):
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:")
    assert "gunicorn primero_ro.wsgi" in " ".join(services["web"]["command"])
    # Migrations run as the owner in their own step; the app never has the owner's password.
    migrate = " ".join(services["migrate"]["command"])
    assert "migrate --no-input" in migrate and "setup_app_role" in migrate
    assert "migrate" not in " ".join(services["web"]["command"])
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert " ".join(services["worker"]["command"]).startswith(
        "sh -c exec celery -A primero_ro worker "
    )
    assert services["beat"]["command"][:4] == ["celery", "-A", "primero_ro", "beat"]
    for name in ("web", "worker", "beat"):
        assert services[name]["build"] == "."
        env = services[name]["environment"]
        assert env["DEBUG"] == "false"
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert "@db:5432/" in env["DATABASE_URL"]
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["web"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_no_secret_is_written_in_the_file(compose):
    env = compose["services"]["web"]["environment"]
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert "${APP_DB_PASSWORD:?" in env["DATABASE_URL"]
    assert "POSTGRES_PASSWORD" not in str(env)
    owner = compose["services"]["migrate"]["environment"]
    assert "${POSTGRES_PASSWORD:?" in owner["DATABASE_URL"]
    assert compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith(
        "${POSTGRES_PASSWORD:?"
    )
    # No literal password after a user name in any URL.
    assert not re.search(r"://[^$:/\s]+:[^$@\s]+@", COMPOSE.read_text())


def test_every_variable_given_to_the_app_is_read_by_the_settings(compose):
    source = (ROOT / "primero_ro" / "settings.py").read_text()
    for name in compose["services"]["web"]["environment"]:
        assert f'"{name}"' in source, name


def test_two_web_replicas_behind_the_proxy_and_a_worker_pool(compose):
    """issue 14: the web app scales out (stateless replicas behind the proxy service), the
    Celery workers too, and beat stays single (two would send each scheduled task twice)."""
    services = compose["services"]
    assert services["web"]["deploy"]["replicas"] == "${WEB_REPLICAS:-2}"
    assert "ports" not in services["web"] and services["web"]["expose"] == ["8000"]
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web:8000 resolve;" in nginx
    # nginx retries another replica only for requests that are safe to send twice.
    assert "non_idempotent" not in nginx
    assert services["worker"]["deploy"]["replicas"] == "${WORKER_REPLICAS:-2}"
    assert "--concurrency=${WORKER_CONCURRENCY:-2}" in " ".join(services["worker"]["command"])
    assert "deploy" not in services["beat"]
    # The replica router's database is passed through, empty unless set.
    assert services["web"]["environment"]["DATABASE_REPLICA_URL"] == "${DATABASE_REPLICA_URL:-}"
    # Every gunicorn here runs gunicorn.conf.py from the working directory: threaded workers.
    config = (ROOT / "gunicorn.conf.py").read_text()
    assert 'worker_class = "gthread"' in config


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


def test_the_client_address_comes_from_the_proxies_only(compose):
    """issue 11, then 14: behind the host's reverse proxy and the proxy service the app
    trusts exactly those two hops, and gunicorn trusts forwarded headers only from the proxy
    service (its fixed address in the fixed network)."""
    web = compose["services"]["web"]
    assert web["environment"]["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-2}"
    command = " ".join(web["command"])
    assert "--forwarded-allow-ips ${FORWARDED_ALLOW_IPS:-172.28.0.10}" in command
    proxy = compose["services"]["proxy"]
    assert proxy["networks"]["default"]["ipv4_address"] == "172.28.0.10"
    network = compose["networks"]["default"]["ipam"]["config"][0]
    assert (network["subnet"], network["gateway"]) == ("172.28.0.0/16", "172.28.0.1")
    # Only the proxy publishes a port: a request reaching a replica directly could write
    # any X-Forwarded-For it liked.
    assert [name for name, s in compose["services"].items() if s.get("ports")] == ["proxy"]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "TRUSTED_PROXY_COUNT=0" in dockerfile
    assert "FORWARDED_ALLOW_IPS=127.0.0.1,::1" in dockerfile
