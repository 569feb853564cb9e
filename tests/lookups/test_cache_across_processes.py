"""A lookup edited in the admin reaches the other processes (gunicorn and Celery workers)
without a restart, through the version token in the shared Redis cache (issue 10, item 5)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from lookups import registry
from lookups.models import Choice

pytestmark = pytest.mark.skipif(
    "RedisCache" not in settings.CACHES["default"]["BACKEND"],
    reason="needs CELERY_BROKER_URL or CACHE_URL (the shared Redis cache)",
)

# A second process that reads a label at each line it is sent, as a worker would: first
# the signal Django sends at each request ("request") or Celery before each task ("task").
READER = """
import sys
import django
django.setup()
from celery.signals import task_prerun
from django.core.signals import request_started
from lookups import registry
for line in sys.stdin:
    if line.strip() == "request":
        request_started.send(sender=None)
    elif line.strip() == "task":
        task_prerun.send(sender=None)
    print(registry.label("sex", "female", "ro"), flush=True)
"""


@pytest.fixture
def other_process(lookups_loaded):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primero_ro.test_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", READER],
        cwd=settings.BASE_DIR,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def ask(kind: str) -> str:
        process.stdin.write(kind + "\n")
        process.stdin.flush()
        return process.stdout.readline().strip()

    yield ask
    process.stdin.close()
    process.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["request", "task"])
def test_an_edit_reaches_another_process_at_its_next_request_or_task(other_process, kind):
    assert other_process(kind) == "Feminin"
    choice = Choice.objects.get(list_name="sex", code="female")
    choice.label_ro = "Fată"
    choice.save()
    assert other_process(kind) == "Fată"
    # This process too, and the other one keeps it while nothing changes.
    assert registry.label("sex", "female", "ro") == "Fată"
    assert other_process(kind) == "Fată"


@pytest.mark.django_db(transaction=True)
def test_an_edit_rolled_back_is_never_published(other_process):
    from django.db import transaction

    assert other_process("request") == "Feminin"
    before = registry.shared_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Choice.objects.filter(list_name="sex", code="female").update(label_ro="Fată")
        Choice.objects.get(list_name="sex", code="female").save()
        raise RuntimeError("the admin's save failed")
    assert registry.shared_version() == before
    assert other_process("request") == "Feminin"


@pytest.mark.django_db
def test_reading_labels_row_after_row_asks_neither_the_database_nor_the_cache_each_time(
    django_assert_num_queries,
):
    registry.label("sex", "female")  # the first read loads the table
    with django_assert_num_queries(0):
        for _i in range(10_000):
            registry.label("sex", "female", "ro")
            registry.is_valid("county", "RO-TM")
