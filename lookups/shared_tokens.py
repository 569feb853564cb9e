"""Version tokens in the shared cache (Redis when configured): what a process keeps
rendered or loaded is kept under the token of what it was made from, and whoever changes
that source renews the token, so every process (gunicorn workers, Celery workers) makes
it again at its next use.

A token is random, never a counter: one lost from the cache (Redis restarted, evicted,
a test's cache cleared) comes back as a new one, which nothing kept matches. Without a
shared cache (local memory: one process, the quick start) tokens are per process.

Here, in the lowest app, so that every app may use it: the lookups' own version
(registry.py) is one such token.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache

log = logging.getLogger(__name__)


def current(key: str) -> str | None:
    """The token under `key`, made now if there is none; None when the cache cannot be
    reached (then keep nothing: it could not be told apart from a stale copy)."""
    try:
        token = cache.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)  # another process may be first
            token = cache.get(key)
        return token
    except Exception:  # Redis down: serve from the source rather than fail the page
        log.warning("shared token %s: the shared cache is unreachable", key)
        return None


def renew(key: str) -> None:
    """The source changed: whatever was kept under the old token is made again."""
    try:
        cache.set(key, uuid.uuid4().hex, timeout=None)
    except Exception:  # the other processes catch up at their next successful check
        log.warning(
            "shared token %s: the shared cache is unreachable, other processes may lag", key
        )
