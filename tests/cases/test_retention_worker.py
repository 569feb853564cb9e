"""The daily retention job, queued on Redis and run by a real Celery worker process."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import time

import pytest
from django.conf import settings

from cases.models import Child
from cases.services.closure import close_case
from cases.tasks import apply_retention
from tests.cases._erasure import personal_case
from tests.cases._workflow import TODAY, open_case
from tests.foundation.test_celery_worker import start_worker, through_redis  # noqa: F401

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="the worker process connects to the PostgreSQL test database",
    ),
]


def test_worker_anonymises_the_due_cases_only(
    through_redis,  # noqa: F811
    lookups_loaded,
    worker_tm,
    monkeypatch,
    settings,
):
    monkeypatch.setenv("RETENTION_AFTER_CLOSURE_DAYS", "365")  # read by the worker
    settings.RETENTION_AFTER_CLOSURE_DAYS = 365
    due = personal_case(worker_tm)  # closed 2024-08-05
    recent = open_case(worker_tm, days_ago=200, seed=31)
    close_case(recent, worker_tm, "needs_met", TODAY() - dt.timedelta(days=100))

    apply_retention.delay()
    assert through_redis.llen("celery") == 1  # queued, not run in-process
    worker = start_worker()
    try:
        deadline = time.monotonic() + 90
        while (
            time.monotonic() < deadline
            and not Child.objects.filter(pk=due.pk, anonymised_at__isnull=False).exists()
        ):
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert "cases.tasks.apply_retention" in output and "succeeded" in output
    due.refresh_from_db()
    recent.refresh_from_db()
    assert due.anonymised_at is not None and due.first_name == ""
    assert recent.anonymised_at is None and recent.first_name
