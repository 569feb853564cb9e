"""Report builds after the response when Celery tasks run eagerly (no broker: the demo).

Eager Celery runs a task inside `.delay()`, so the request that asked for a report would
answer only once it is built, and the progress page would never be seen. In that mode
(and only when settings.EAGER_REPORTS_IN_BACKGROUND is on) the build runs instead on one
worker thread of this process, handed over after the transaction commits: the request
answers at once with the same progress page as production, where a Celery worker builds
it. One thread: builds queue one after the other, as on a single worker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def enabled() -> bool:
    """Eager tasks (no broker), and the setting asks for builds after the response."""
    from .tasks import build_report_task

    # The app the task is sent through decides whether .delay() would run it eagerly.
    eager = build_report_task.app.conf.task_always_eager
    return bool(eager) and settings.EAGER_REPORTS_IN_BACKGROUND


def executor() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-build")
        return _executor


def submit(job: Callable[[int], object], snapshot_id: int) -> Future:
    """Run job(snapshot_id) on the build thread; its database connection is closed after
    each job (a thread's connection is never reused by the requests)."""
    return executor().submit(_run, job, snapshot_id)


def _run(job: Callable[[int], object], snapshot_id: int) -> object:
    try:
        return job(snapshot_id)
    finally:
        connections.close_all()
