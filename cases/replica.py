"""Reading from a PostgreSQL replica (DATABASE_REPLICA_URL): which code may, and whether
the replica has caught up with a position of the primary.

Only code marked with `replica_reads()` reads from the replica, and only outside a
transaction on the primary: a transaction may have written, and its own reads must see its
writes. Everything else, every write included, stays on the primary
(primero_ro/db_router.py routes by this mark). Without DATABASE_REPLICA_URL there is no
replica alias and the mark changes nothing.

It sits in cases, low enough for the dashboards and the reports (reporting) and for the
versions of the case figures (cases.figure_versions) to use it.
"""

from __future__ import annotations

import contextvars
from contextlib import ContextDecorator

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"

_marked: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)


class replica_reads(ContextDecorator):  # noqa: N801 - used like a function, as atomic is
    """Reads inside may come from the replica (a context manager or a decorator).

    after: a position of the primary's log (primary_position) the reads must see; while
    the replica has not replayed it, the reads inside stay on the primary."""

    def __init__(self, after: str | None = None):
        self.after = after

    def _recreate_cm(self):
        # As a decorator: a fresh one per call, so that concurrent calls keep their own token.
        return type(self)(self.after)

    def __enter__(self):
        self._token = _marked.set(True)
        if self.after and read_alias() == REPLICA and not replica_has(self.after):
            _marked.set(False)
        return self

    def __exit__(self, *exc):
        _marked.reset(self._token)
        return False


def configured() -> bool:
    return REPLICA in connections.settings


def read_alias() -> str:
    """The alias the reads here go to: the replica inside replica_reads() and outside a
    transaction on the primary, else the primary."""
    if _marked.get() and configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return REPLICA
    return DEFAULT_DB_ALIAS


def primary_position() -> str | None:
    """The primary's write-ahead log position now (PostgreSQL), None without a replica."""
    if not configured() or connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return None
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def replica_has(position: str | None) -> bool:
    """Has the replica replayed the primary's log up to position? A database that is not
    a standby (a test mirror) has everything; a replica that does not answer has nothing."""
    if position is None or not configured():
        return True
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= %s::pg_lsn",
                [position],
            )
            return bool(cursor.fetchone()[0])
    except DatabaseError:
        return False


def _lsn(position: str) -> int:
    high, _, low = position.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def latest(positions) -> str | None:
    """The furthest of these log positions (None among them ignored)."""
    known = [p for p in positions if p]
    return max(known, key=_lsn) if known else None
