"""Report jobs under faults, with a real Redis and a real Celery worker: a report requested
while Redis is down answers a clear message (not 500) and is sent when Redis is back; a
build whose worker died is offered for retry and queued again within a minute or two
(heartbeat), not after fifteen minutes (docs/faults.md)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from primero_ro.celery import app
from reporting import services
from reporting.models import JobStatus, ReportSnapshot
from tests.reporting import dataset

CELERY = Path(sys.executable).with_name("celery")

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker uses PostgreSQL"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test only, on its own port, that the test stops and starts
    (the shared Redis of the other test runs is never touched)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


def _fresh_broker_connections() -> None:
    # The app keeps its connection pool: drop it (not close it: kombu's producer pools of
    # the previous broker may still use it) so that the next send uses broker_url.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_server(monkeypatch):
    server = PrivateRedis()
    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = server.url
    # Celery reads CELERY_BROKER_URL from the environment before its own setting.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    _fresh_broker_connections()
    yield server
    server.stop()
    app.conf.task_always_eager, app.conf.broker_url = saved
    _fresh_broker_connections()


def start_worker(broker: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primero_ro.test_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
    }
    return subprocess.Popen(
        [str(CELERY), "-A", "primero_ro", "worker", "--pool=solo", "--concurrency=1"]
        + ["--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(worker: subprocess.Popen) -> str:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        return worker.communicate(timeout=30)[0]
    except subprocess.TimeoutExpired:
        worker.kill()
        return worker.communicate()[0]


def wait_for(snapshot: ReportSnapshot, statuses, seconds: float = 120, step: float = 0.3):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        snapshot.refresh_from_db()
        if snapshot.status in statuses:
            return snapshot
        time.sleep(step)
    raise AssertionError(f"still {snapshot.status} after {seconds} s")


@pytest.fixture
def data(lookups_loaded, worker_tm, worker_sv):
    return dataset.build(worker_tm, worker_sv)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_report_requested_while_redis_is_down_is_built_when_it_is_back(
    redis_server, data, country, client
):
    client.force_login(country)
    started = time.monotonic()
    response = client.post(
        reverse("reporting:request"),
        {"period": "2023Q4", "county": "", "variant": "full", "language": "en"},
    )
    assert time.monotonic() - started < 10
    snapshot = ReportSnapshot.objects.get()
    assert response.status_code == 302 and response["Location"] == snapshot.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    snapshot.refresh_from_db()
    assert (snapshot.status, snapshot.queued_at) == (JobStatus.QUEUED, None), page[-3000:]
    assert "The background service that builds reports is not available right now" in page
    assert "Retry" in page
    assert (snapshot.status, snapshot.queued_at) == (JobStatus.QUEUED, None)

    # Still down: the sweep leaves it waiting, nothing lost.
    later = timezone.now() + dt.timedelta(minutes=1)
    assert services.requeue_stalled(now=later)["sent"] == 0

    redis_server.start()
    assert services.requeue_stalled(now=later) == {"sent": 1, "requeued": 0, "failed": 0}
    snapshot.refresh_from_db()
    assert snapshot.queued_at is not None
    worker = start_worker(redis_server.url)
    try:
        wait_for(snapshot, (JobStatus.DONE, JobStatus.FAILED))
    finally:
        output = stop_worker(worker)
    assert snapshot.status == JobStatus.DONE, (snapshot.error, output[-2000:])
    assert snapshot.pdf.read().startswith(b"%PDF")


def test_retry_while_redis_is_down_says_so_and_keeps_the_report(
    redis_server, media, country, client
):
    snapshot = ReportSnapshot.objects.create(
        period="2023Q4", status=JobStatus.FAILED, error="boom", requested_by=country
    )
    client.force_login(country)
    response = client.post(reverse("reporting:retry", args=[snapshot.code]), follow=True)
    assert response.status_code == 200
    assert "not available right now" in response.content.decode()
    snapshot.refresh_from_db()
    assert (snapshot.status, snapshot.queued_at, snapshot.error) == (JobStatus.QUEUED, None, "")


def test_a_build_whose_worker_died_is_offered_and_queued_again_within_the_heartbeat(
    redis_server, data, country, client, settings
):
    settings.REPORT_HEARTBEAT_TIMEOUT_SECONDS = 3
    redis_server.start()
    worker = start_worker(redis_server.url)
    try:
        snapshot = services.request_report(country, "2023Q4", None, "public", "uk")
        wait_for(snapshot, (JobStatus.RUNNING, JobStatus.DONE), seconds=60, step=0.05)
        assert snapshot.status == JobStatus.RUNNING, "the build finished before the kill"
        worker.send_signal(signal.SIGKILL)  # the machine lost the worker mid-build
    finally:
        stop_worker(worker)
    snapshot.refresh_from_db()
    assert snapshot.status == JobStatus.RUNNING and snapshot.attempts == 1

    client.force_login(country)
    detail = reverse("reporting:detail", args=[snapshot.code])
    time.sleep(3.5)  # the heartbeat timeout, not fifteen minutes
    page = client.get(detail).content.decode()
    assert "The background job building this report has stopped" in page
    assert "Retry" in page

    assert services.requeue_stalled() == {"sent": 0, "requeued": 1, "failed": 0}
    snapshot.refresh_from_db()
    assert snapshot.status == JobStatus.QUEUED and snapshot.queued_at is not None
    worker = start_worker(redis_server.url)
    try:
        wait_for(snapshot, (JobStatus.DONE, JobStatus.FAILED))
    finally:
        output = stop_worker(worker)
    assert snapshot.status == JobStatus.DONE, (snapshot.error, output[-2000:])
    assert snapshot.attempts == 2
    assert snapshot.document["variant"] == "public"


def test_a_build_that_keeps_killing_its_worker_ends_failed_with_a_message(settings):
    settings.REPORT_HEARTBEAT_TIMEOUT_SECONDS = 10
    old = timezone.now() - dt.timedelta(minutes=5)
    snapshot = ReportSnapshot.objects.create(
        period="2023Q4",
        status=JobStatus.RUNNING,
        attempts=services.MAX_ATTEMPTS,
        heartbeat_at=old,
        started_at=old,
        queued_at=old,
    )
    assert services.requeue_stalled() == {"sent": 0, "requeued": 0, "failed": 1}
    snapshot.refresh_from_db()
    assert snapshot.status == JobStatus.FAILED
    assert "stopped 3 times" in snapshot.error


def test_a_live_build_is_left_alone(settings):
    settings.REPORT_HEARTBEAT_TIMEOUT_SECONDS = 60
    now = timezone.now()
    snapshot = ReportSnapshot.objects.create(
        period="2023Q4", status=JobStatus.RUNNING, attempts=1, heartbeat_at=now, queued_at=now
    )
    assert services.requeue_stalled() == {"sent": 0, "requeued": 0, "failed": 0}
    assert not services.is_stuck(snapshot)
    snapshot.refresh_from_db()
    assert snapshot.status == JobStatus.RUNNING


def test_the_sweep_runs_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stalled-reports"]
    assert entry["task"] == "reporting.tasks.requeue_stalled_reports"
    assert entry["schedule"] == 60
    assert entry["task"] in app.tasks
