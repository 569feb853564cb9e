"""The cache: Redis (shared by every process) when CACHE_URL or the broker is set, local
memory otherwise; a CACHE_URL that is not Redis stops the process and names it."""

from __future__ import annotations

from tests.foundation.test_settings_env import DEV, LOAD_SETTINGS, run_python

SHOW = [
    "-c",
    "from django.conf import settings; c = settings.CACHES['default']; "
    "print(c['BACKEND'], c.get('LOCATION', ''))",
]


def test_without_redis_the_cache_is_local_memory():
    result = run_python(SHOW, **DEV, CACHE_URL="")
    assert result.stdout.split() == ["django.core.cache.backends.locmem.LocMemCache"]


def test_the_broker_redis_is_the_shared_cache():
    result = run_python(SHOW, **DEV, CACHE_URL="", CELERY_BROKER_URL="redis://redis:6379/0")
    assert result.stdout.split() == [
        "primero_ro.redis_cache.RedisCache",
        "redis://redis:6379/0",
    ]


def test_cache_url_wins_over_the_broker():
    result = run_python(
        SHOW, **DEV, CELERY_BROKER_URL="redis://redis:6379/0", CACHE_URL="redis://cache:6379/1"
    )
    assert result.stdout.split()[-1] == "redis://cache:6379/1"


def test_a_cache_url_that_is_not_redis_refuses_to_start():
    result = run_python(LOAD_SETTINGS, **DEV, CACHE_URL="memcached://cache:11211")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: CACHE_URL")
