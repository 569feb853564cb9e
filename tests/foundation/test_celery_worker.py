"""A real Celery worker (`celery -A primero_ro worker`, as docker-compose runs it) takes a
task from Redis and does its work in the test database."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from accounts.tasks import clear_expired_sessions
from primero_ro.celery import app

# The broker of this run (make test sets one); a local Redis otherwise.
BROKER = settings.CELERY_BROKER_URL or "redis://127.0.0.1:6379/1"
CELERY = Path(sys.executable).with_name("celery")

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def through_redis():
    """Queue tasks on the broker instead of running them in-process (STACK.md: flip the
    app's own setting; Django's settings are read once)."""
    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = BROKER
    queue = redis.Redis.from_url(BROKER)
    queue.delete("celery")  # leftovers of an interrupted run
    yield queue
    queue.delete("celery")
    queue.close()
    app.conf.task_always_eager, app.conf.broker_url = saved


def start_worker() -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primero_ro.test_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
    }
    return subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "primero_ro",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the worker process connects to the PostgreSQL test database",
)
def test_worker_takes_the_task_from_redis_and_deletes_expired_sessions(through_redis):
    now = timezone.now()
    Session.objects.create(
        session_key="expired" + "x" * 25, session_data="", expire_date=now - dt.timedelta(hours=1)
    )
    Session.objects.create(
        session_key="alive" + "y" * 27, session_data="", expire_date=now + dt.timedelta(hours=1)
    )

    clear_expired_sessions.delay()
    # Nothing ran in-process: the message waits in Redis until a worker takes it.
    assert through_redis.llen("celery") == 1
    assert Session.objects.count() == 2

    worker = start_worker()
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and Session.objects.count() == 2:
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)  # warm shutdown, as docker stop does
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()

    assert list(Session.objects.values_list("session_key", flat=True)) == ["alive" + "y" * 27]
    assert through_redis.llen("celery") == 0
    assert "accounts.tasks.clear_expired_sessions" in output
    assert "succeeded" in output


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the worker process connects to the PostgreSQL test database",
)
def test_worker_sends_the_notification_email_queued_by_a_closure_request(
    through_redis, lookups_loaded, tmp_path
):
    """Issue 12: the request only queues; the worker, through Redis, writes the e-mail."""
    from cases.models import EmailState, Notification
    from cases.services.closure import close_case
    from tests.cases._workflow import TODAY, open_case
    from tests.personas import make_user

    worker = make_user("worker.tm", "field_worker", "RO-TM")
    make_user("coord.tm", "county_coordinator", "RO-TM", email="coord@example.org")
    child = open_case(worker, risk="high", first_name="Olena", last_name="Melnyk")
    close_case(child, worker, "needs_met", TODAY())  # commits: on_commit queues the task

    assert through_redis.llen("celery") == 1
    notification = Notification.objects.get()
    assert notification.email_state == EmailState.PENDING

    outbox = tmp_path / "mail"
    os.environ["EMAIL_URL"] = f"filemail:///{outbox}"  # django-environ drops one slash
    try:
        worker_process = start_worker()
    finally:
        del os.environ["EMAIL_URL"]
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            notification.refresh_from_db()
            if notification.email_state != EmailState.PENDING:
                break
            assert worker_process.poll() is None, worker_process.stdout.read()
            time.sleep(0.5)
    finally:
        worker_process.send_signal(signal.SIGTERM)
        try:
            output, _ = worker_process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker_process.kill()
            output, _ = worker_process.communicate()

    assert notification.email_state == EmailState.SENT, output
    (written,) = list(outbox.iterdir())
    text = written.read_text()
    # The worker speaks the site's language (Romanian by default): check the code and link.
    assert f"/cases/{child.code}/#workflow" in text and "coord@example.org" in text
    assert "Olena" not in text and "Melnyk" not in text
    assert "cases.tasks.send_notification" in output
