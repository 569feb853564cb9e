"""A version of each county's case figures, in the shared cache: it changes after the
commit of every change to a case in that county (or of a case that left it).

The dashboards (reporting/dashboard.py) keep their figures under these versions, so the
page after a change counts again, and a change in one county leaves the figures of the
others as they are. A change is noticed where every change of a case leaves its mark,
the history layer: simple-history's row for each save(), delete and change of protection
concerns (the receiver below, connected in cases/apps.py), and cases.bulk.write_history
for the rows written many at once (bulk registration and closure, imports).

A version is a random token, never a counter: a token lost from the cache (Redis
restarted, evicted) comes back as a new one, which no kept figure matches. With a read
replica the token also holds the primary's log position at the change, so that figures
are not computed from a replica that has not replayed it yet (cases.replica).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from cases import replica

log = logging.getLogger(__name__)

# A Redis that does not answer costs the dashboards their cache, never a page or a change.
CACHE_ERRORS = (ConnectionError, TimeoutError, OSError, RedisError)


def _key(county: str) -> str:
    return f"case-figures-version:{county}"


def _new_token(position: str | None) -> str:
    token = uuid.uuid4().hex
    return f"{token}@{position}" if position else token


def position_of(token: str) -> str | None:
    """The primary's log position a version was made at (None without a replica)."""
    return token.partition("@")[2] or None


def changed(counties: Iterable[str | None]) -> None:
    """Cases of these counties changed: new versions once the change is committed (a
    rolled-back change changes nothing)."""
    codes = {c for c in counties if c}
    if codes:
        transaction.on_commit(lambda: _bump(codes))


def _bump(codes: set[str]) -> None:
    try:
        token = _new_token(replica.primary_position())
        cache.set_many({_key(c): token for c in codes}, timeout=None)
    except CACHE_ERRORS:
        log.warning("case figures versions unavailable", exc_info=True)


def forget(counties: Iterable[str]) -> None:
    """Drop the versions of these counties: their kept figures are counted again (after
    rows changed without the history layer, such as a restored backup)."""
    cache.delete_many([_key(c) for c in counties])


def versions(counties: Iterable[str]) -> dict[str, str]:
    """The current version of each county's figures (made now where there is none).
    Raises one of CACHE_ERRORS when the cache does not answer."""
    keys = {_key(c): c for c in counties}
    found = cache.get_many(list(keys))
    missing = [k for k in keys if k not in found]
    if missing:
        token = _new_token(None)
        for key in missing:
            cache.add(key, token, timeout=None)  # another process may have made one first
        found.update(cache.get_many(missing))
        # Dropped again at once (forget() meanwhile): this one is the version for now.
        found.update({key: token for key in missing if key not in found})
    return {keys[k]: v for k, v in found.items()}


def child_history_written(sender, instance, history_instance, **kwargs) -> None:
    """simple-history wrote a row for a case: its county, and every county it was in
    before (a transfer changes two counties' figures). A case just created was in no
    other (as in many_written: every registration read its history for nothing)."""
    counties = set()
    if history_instance.history_type != "+":
        counties.update(
            sender._default_manager.filter(id=history_instance.id)
            .values_list("current_county_id", flat=True)
            .distinct()
        )
    changed(counties | {getattr(instance, "current_county_id", None)})


def many_written(objs, history_model, history_type: str) -> None:
    """cases.bulk wrote history rows for many cases: their counties, and for changes every
    county they were in before."""
    counties = {o.current_county_id for o in objs}
    if history_type != "+":
        ids = [o.pk for o in objs]
        for i in range(0, len(ids), 10_000):
            counties.update(
                history_model._default_manager.filter(id__in=ids[i : i + 10_000])
                .values_list("current_county_id", flat=True)
                .distinct()
            )
    changed(counties)
