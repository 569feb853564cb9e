"""Django's Redis cache, with one Redis client per process instead of one per operation.

Django's RedisCacheClient builds a new `redis.Redis` for every get and set (its
constructor fills a table of some 170 response callbacks); every page reads the cache
twice (the to-do count, the lookups' version), and the construction was about 40 % of
those reads' CPU (issue 14, docs/benchmarks.md). A `redis.Redis` over a connection pool is
safe to share between threads, and the pool opens its connections again in a forked
process, so one client per pool is kept.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients.setdefault(
                index, self._client(connection_pool=self._pools[index])
            )
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
