"""Settings for the test suite: the real settings, with a test key and PostgreSQL by default."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/primero_ro")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")


def _redis_of_this_worker() -> None:
    """Under pytest-xdist (`make test` runs two processes), each process has its own test
    database (pytest-django's _gw0, _gw1 suffix) and, here, its own Redis database: the
    cache keys of one (figure versions, lookups token, counts per user id) and its queued
    tasks must not reach the other. Set in the environment, so that a Celery worker or a
    command a test starts inherits it; once, as that process reads this module again."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or os.environ.get("TEST_REDIS_OF_WORKER") == worker:
        return
    shift = int(worker[2:])
    for name in ("CELERY_BROKER_URL", "CACHE_URL"):
        url = os.environ.get(name, "")
        base, _, db = url.rpartition("/")
        if url and db.isdigit():
            os.environ[name] = f"{base}/{(int(db) + shift) % 16}"
    os.environ["TEST_REDIS_OF_WORKER"] = worker


_redis_of_this_worker()

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# One folder per pytest-xdist process.
MEDIA_ROOT = BASE_DIR / "var" / "test-media" / os.environ.get("PYTEST_XDIST_WORKER", "main")  # noqa: F405

# Playwright evaluates the string predicates of wait_for_function inside the page, which
# needs eval; production never allows it (tests/foundation/test_content_security_policy.py).
CONTENT_SECURITY_POLICY = {  # noqa: F405
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],  # noqa: F405
        "script-src": [*CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"], "'unsafe-eval'"],  # noqa: F405
    }
}

# The read replica as Django tests one: a mirror of the test database (a second connection
# to it), so that every test runs with the replica router routing (docs/operations.md,
# "Read replica"; tests/conftest.py lets every test use the alias).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405

# The live server answers each browser connection on a thread of its own, and a browser
# with a service worker keeps several open at once: persistent database connections (the
# production CONN_MAX_AGE) would pile up one per thread until PostgreSQL refuses clients.
# Tests close each request's connection when the request ends.
for _alias in DATABASES:  # noqa: F405
    DATABASES[_alias]["CONN_MAX_AGE"] = 0  # noqa: F405
