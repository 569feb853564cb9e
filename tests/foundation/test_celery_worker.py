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
