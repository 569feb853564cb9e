"""The Redis cache keeps one client per process (primero_ro/redis_cache.py): shared by the
threads of a gunicorn worker, and still working in a process forked after it was used."""

from __future__ import annotations

import os
import threading

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import InvalidCacheBackendError

from primero_ro.redis_cache import RedisCache

pytestmark = pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"),
    reason="runs against the Redis the suite is configured with",
)


@pytest.fixture
def redis_cache():
    try:
        cache = caches["default"]
    except InvalidCacheBackendError:  # pragma: no cover
        pytest.skip("no Redis cache")
    assert isinstance(cache, RedisCache)
    yield cache
    cache.delete_many([f"redis-cache-test-{n}" for n in range(8)] + ["redis-cache-test-fork"])


def test_one_client_serves_every_read_and_write(redis_cache):
    client = redis_cache._cache.get_client()
    redis_cache.set("redis-cache-test-0", {"count": 3})
    assert redis_cache.get("redis-cache-test-0") == {"count": 3}
    assert redis_cache.add("redis-cache-test-0", "other") is False
    assert redis_cache._cache.get_client(write=True) is client


def test_threads_share_it_and_each_reads_its_own_values(redis_cache):
    errors = []

    def work(n: int) -> None:
        key = f"redis-cache-test-{n}"
        for i in range(200):
            redis_cache.set(key, (n, i))
            if redis_cache.get(key) != (n, i):
                errors.append((n, i))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert redis_cache.get_many([f"redis-cache-test-{n}" for n in range(8)]) == {
        f"redis-cache-test-{n}": (n, 199) for n in range(8)
    }


def test_a_process_forked_after_use_still_reads_and_writes(redis_cache):
    redis_cache.set("redis-cache-test-0", "before the fork")
    pid = os.fork()
    if pid == 0:  # the child: the inherited client must open its own connection
        try:
            ok = redis_cache.get("redis-cache-test-0") == "before the fork"
            redis_cache.set("redis-cache-test-fork", "from the child")
        finally:
            os._exit(0 if ok else 1)
    _pid, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert redis_cache.get("redis-cache-test-fork") == "from the child"
    assert redis_cache.get("redis-cache-test-0") == "before the fork"
