"""Writing one chunk of an import while the next one is built.

A large import alternates Python work (building the records of a chunk of rows through
the services) with database work (sending them, the history and audit rows the
database copies from them). Done one after the other, one of the two cores waits for
the other. The writer runs the writes of a chunk in a second thread on the import's
own connection (the same transaction: all or nothing still holds, one rollback undoes
every chunk) while the calling thread builds the next chunk; the writes stay in their
order, one chunk at a time.

The calling thread must not use the database while a write runs: wait() before any
query of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from simple_history.models import HistoricalRecords


class ChunkWriter:
    def __init__(self, user, using: str = DEFAULT_DB_ALIAS):
        self.user = user
        self.using = using
        self.connection = connections[using]
        self.pool: ThreadPoolExecutor | None = None
        self.pending: Future | None = None

    def __enter__(self) -> ChunkWriter:
        # Without a transaction the two threads would write in two (autocommit).
        if not self.connection.in_atomic_block:
            raise RuntimeError("ChunkWriter needs the import's transaction")
        self.connection.inc_thread_sharing()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.wait()
            else:
                # The error is already on its way up: the rollback may not start while
                # a write still uses the connection.
                self._settle()
        finally:
            assert self.pool is not None
            self.pool.shutdown(wait=True)
            self.pool = None
            self.connection.dec_thread_sharing()

    def submit(self, write: Callable[..., Any], *args) -> None:
        """Run write(*args) once the previous write is done (its error raised here)."""
        self.wait()
        assert self.pool is not None
        self.pending = self.pool.submit(self._run, write, args)

    def wait(self) -> None:
        """Until the last write is done; its error, if any, raised in the caller."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def _settle(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.exception()

    def _run(self, write: Callable[..., Any], args: tuple) -> Any:
        # The writer thread's view of the database is the import's connection, and its
        # history rows name the importing user, as in the calling thread.
        connections[self.using] = self.connection
        context = HistoricalRecords.context
        context.request = getattr(context, "request", None) or SimpleNamespace(user=self.user)
        try:
            return write(*args)
        finally:
            del context.request
            del connections[self.using]
