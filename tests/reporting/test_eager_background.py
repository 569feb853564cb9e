"""With eager tasks (the demo: no broker), a requested report is built on a thread after
the response, so that the progress page is seen as in production (issue 12, defect 8)."""

from __future__ import annotations

import threading
import time

import pytest
from django.urls import reverse

from primero_ro.celery import app
from reporting import background, services
from reporting.models import JobStatus, ReportSnapshot
from reporting.periods import last_completed_quarter

# The build thread has its own database connection: it sees only committed rows.
# The lookups are loaded again after each flush, before the personas refer to them.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("lookups_loaded")]


@pytest.fixture
def demo_tasks(settings, tmp_path):
    """Eager Celery and builds after the response, as `make run` has them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EAGER_REPORTS_IN_BACKGROUND = True
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
    # Whatever the test handed to the thread ends before the database is emptied.
    background.executor().submit(lambda: None).result(timeout=180)


@pytest.fixture
def busy_build_thread(demo_tasks):
    """The build thread held by an earlier job until the test releases it: a build handed
    over by a request cannot have started, let alone finished, before then."""
    release = threading.Event()
    held = background.executor().submit(release.wait, 120)
    yield release
    release.set()
    held.result(timeout=10)


def wait_for(snapshot: ReportSnapshot, *statuses: str, timeout: float = 120) -> ReportSnapshot:
    deadline = time.monotonic() + timeout
    while True:
        snapshot.refresh_from_db()
        if snapshot.status in statuses:
            return snapshot
        if time.monotonic() > deadline:
            pytest.fail(f"snapshot still {snapshot.status} after {timeout} s")
        time.sleep(0.2)


def request_report(client, **data):
    form = {
        "period": last_completed_quarter().code,
        "county": "RO-TM",
        "variant": "full",
        "language": "ro",
    }
    form.update(data)
    return client.post(reverse("reporting:request"), form)


def test_the_request_answers_before_the_report_is_built(client, coord_tm, busy_build_thread):
    client.force_login(coord_tm)
    response = request_report(client)
    assert response.status_code == 302
    snapshot = ReportSnapshot.objects.get()
    assert response.url == snapshot.get_absolute_url()
    # The response has arrived; the report is not built.
    assert snapshot.status == JobStatus.QUEUED
    assert snapshot.document is None
    page = client.get(response.url).content.decode()
    assert "The report has been requested: it is being built." in page
    assert "The report is being built in the background" in page  # the progress page
    assert "<progress" in page
    assert "Download PDF" not in page

    busy_build_thread.set()
    snapshot = wait_for(snapshot, JobStatus.DONE, JobStatus.FAILED)
    assert snapshot.status == JobStatus.DONE, snapshot.error
    assert snapshot.document["scope"] == "RO-TM"
    assert snapshot.pdf.read(5) == b"%PDF-"
    progress = client.get(reverse("reporting:progress", kwargs={"code": snapshot.code}))
    assert "Download PDF" in progress.content.decode()


def test_the_build_runs_shortly_after_the_response_without_anything_else(
    client, coord_tm, demo_tasks
):
    client.force_login(coord_tm)
    response = request_report(client)
    snapshot = ReportSnapshot.objects.get()
    assert response.status_code == 302
    snapshot = wait_for(snapshot, JobStatus.DONE, JobStatus.FAILED)
    assert snapshot.status == JobStatus.DONE, snapshot.error
    assert snapshot.progress == 100


def test_a_failure_on_the_build_thread_marks_the_snapshot_failed(client, coord_tm, demo_tasks):
    # A stored snapshot the engine cannot build (a quarter that does not exist).
    snapshot = ReportSnapshot.objects.create(
        period="2023Q9", county_id="RO-TM", requested_by=coord_tm
    )
    services.queue_build(snapshot)  # outside a transaction: handed over at once
    snapshot = wait_for(snapshot, JobStatus.DONE, JobStatus.FAILED)
    assert snapshot.status == JobStatus.FAILED
    assert "2023Q9" in snapshot.error
    assert snapshot.finished_at is not None
    assert not snapshot.pdf and not snapshot.csv and snapshot.document is None
    client.force_login(coord_tm)
    page = client.get(snapshot.get_absolute_url()).content.decode()
    assert "Retry" in page


def test_the_build_thread_leaves_no_database_connection_open(coord_tm, demo_tasks):
    snapshot = ReportSnapshot.objects.create(
        period=last_completed_quarter().code, county_id="RO-TM", requested_by=coord_tm
    )
    future = background.submit(services.build_in_background, snapshot.pk)
    assert future.result(timeout=120).status == JobStatus.DONE
    from django.db import connections

    open_on_thread = background.executor().submit(
        lambda: [c.connection is not None for c in connections.all(initialized_only=True)]
    )
    assert not any(open_on_thread.result(timeout=10))


def test_without_the_setting_eager_tasks_build_inside_the_request(
    client, coord_tm, settings, tmp_path
):
    """Tests and tools that flip Celery to eager keep the old, synchronous behaviour."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EAGER_REPORTS_IN_BACKGROUND = False
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        client.force_login(coord_tm)
        request_report(client)
    finally:
        app.conf.task_always_eager = previous
    assert ReportSnapshot.objects.get().status == JobStatus.DONE
