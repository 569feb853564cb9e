"""Requesting and building report snapshots: scope, files, failure, re-runs, Celery."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections

from primero_ro.celery import app
from reporting import services
from reporting.engine import compute_report
from reporting.models import JobStatus, ReportSnapshot
from reporting.periods import Period, current_quarter
from reporting.tasks import build_quarterly_national_reports, build_report_task
from tests.reporting import dataset
from tests.reporting.test_command import read_blocks


@pytest.fixture
def eager():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def data(worker_tm, worker_sv):
    return dataset.build(worker_tm, worker_sv)


def without_time(doc):
    return {k: v for k, v in doc.items() if k != "generated_at"}


# Who may request what ------------------------------------------------------------------


def test_field_worker_may_not_request_reports(worker_tm):
    with pytest.raises(PermissionDenied):
        services.request_report(worker_tm, "2023Q4", "RO-TM", "full", "ro")
    assert not ReportSnapshot.objects.exists()


def test_county_coordinator_only_their_county(coord_tm, eager, media):
    with pytest.raises(PermissionDenied):
        services.request_report(coord_tm, "2023Q4", "RO-SV", "full", "ro")
    with pytest.raises(PermissionDenied):
        services.request_report(coord_tm, "2023Q4", None, "full", "ro")
    snapshot = services.request_report(coord_tm, "2023Q4", "RO-TM", "public", "en")
    assert (snapshot.period, snapshot.county_id, snapshot.variant, snapshot.language) == (
        "2023Q4",
        "RO-TM",
        "public",
        "en",
    )
    assert snapshot.requested_by == coord_tm


def test_country_coordinator_national_or_any_county(country, eager, media):
    assert services.request_report(country, "2023Q4", None, "full", "ro").scope == "national"
    assert services.request_report(country, "2023Q4", "RO-SV", "public", "uk").scope == "RO-SV"


def test_bad_requests_are_refused(country):
    with pytest.raises(ValueError, match="YYYYQn"):
        services.request_report(country, "Q4-2023", None, "full", "ro")
    with pytest.raises(ValueError, match="RO-XX"):
        services.request_report(country, "2023Q4", "RO-XX", "full", "ro")
    with pytest.raises(ValueError, match="not started"):
        services.request_report(country, current_quarter().next().code, None, "full", "ro")
    with pytest.raises(ValueError):
        services.request_report(country, "2023Q4", None, "full", "fr")
    assert not ReportSnapshot.objects.exists()


def test_request_queues_the_build_after_commit(
    country, data, eager, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        snapshot = services.request_report(country, "2023Q4", None, "full", "ro")
    assert len(callbacks) == 1
    snapshot.refresh_from_db()
    assert snapshot.status == JobStatus.QUEUED  # nothing runs before the commit
    callbacks[0]()
    snapshot.refresh_from_db()
    assert snapshot.status == JobStatus.DONE


# Building -------------------------------------------------------------------------------


def test_build_stores_document_csv_and_pdf(country, data, media):
    snapshot = ReportSnapshot.objects.create(
        period="2023Q4", county_id="RO-TM", variant="full", language="ro", requested_by=country
    )
    built = services.build_report(snapshot.pk)
    assert built.status == JobStatus.DONE
    assert built.progress == 100
    assert built.error == ""
    assert built.started_at <= built.finished_at
    assert without_time(built.document) == without_time(compute_report("2023Q4", "RO-TM", "full"))
    blocks = read_blocks(built.csv.read())
    assert dict(blocks["_meta"])["scope"] == "RO-TM"
    assert built.pdf.read().startswith(b"%PDF")
    assert built.csv.name.startswith(f"reports/{built.code}/")
    assert built.pdf.name.endswith(".pdf")


def test_done_snapshot_is_not_rebuilt(country, data, media, worker_tm):
    snapshot = ReportSnapshot.objects.create(period="2023Q4", variant="full", language="en")
    first = services.build_report(snapshot.pk)
    dataset.kid(worker_tm, reg=dt.date(2023, 11, 3), county="RO-TM", sex="male", age=4, seed=77)
    second = services.build_report(snapshot.pk)
    assert second.document == first.document  # a stored report never changes
    assert (second.csv.name, second.pdf.name, second.finished_at) == (
        first.csv.name,
        first.pdf.name,
        first.finished_at,
    )
    # Also when it arrives as a task again (redelivered message).
    build_report_task(snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.finished_at == first.finished_at


def test_failure_leaves_a_message_and_no_files(data, media):
    # A stored parameter the engine refuses: the job fails, cleanly.
    snapshot = ReportSnapshot.objects.create(period="2023Q9", variant="full", language="ro")
    failed = services.build_report(snapshot.pk)
    assert failed.status == JobStatus.FAILED
    assert "2023Q9" in failed.error
    assert failed.document is None
    assert not failed.csv and not failed.pdf
    assert not (media / "reports" / snapshot.code).exists() or not any(
        (media / "reports" / snapshot.code).iterdir()
    )


def test_failed_snapshot_can_be_retried(country, data, media, eager):
    snapshot = ReportSnapshot.objects.create(period="2023Q9", variant="full", language="ro")
    services.build_report(snapshot.pk)
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(period="2023Q4")  # fixed cause
    snapshot.refresh_from_db()
    services.retry_report(snapshot)
    snapshot.refresh_from_db()
    # In a test the on_commit callback does not run: build as the queued task would.
    assert snapshot.status == JobStatus.QUEUED and snapshot.error == ""
    build_report_task(snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == JobStatus.DONE


def test_killed_job_is_rebuilt_from_scratch(data, media):
    """A worker killed half-way: the snapshot stays 'running' without a document, and
    files of the dead run may lie on disk; the re-run replaces them, no half report stays."""
    snapshot = ReportSnapshot.objects.create(period="2023Q4", variant="public", language="uk")
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(status=JobStatus.RUNNING, progress=40)
    snapshot.refresh_from_db()
    folder = media / "reports" / snapshot.code
    folder.mkdir(parents=True)
    names = services.file_names(snapshot)
    (folder / names["csv"]).write_bytes(b"half a file")
    (folder / names["pdf"]).write_bytes(b"%PDF half")

    built = services.build_report(snapshot.pk)
    assert built.status == JobStatus.DONE
    assert sorted(p.name for p in folder.iterdir()) == sorted(names.values())
    assert built.csv.read() != b"half a file"
    assert built.pdf.size > 1000
    assert built.document["variant"] == "public"


def test_progress_grows_while_the_tables_are_computed(data, media):
    snapshot = ReportSnapshot.objects.create(period="2023Q4", variant="full", language="ro")
    seen = []
    original = services._set_progress

    def spy(snapshot_id, percent):
        original(snapshot_id, percent)
        row = ReportSnapshot.objects.get(pk=snapshot_id)
        seen.append((row.progress, row.status, row.document is None, bool(row.csv)))

    services._set_progress = spy
    try:
        services.build_report(snapshot.pk)
    finally:
        services._set_progress = original
    percents = [s[0] for s in seen]
    assert percents == sorted(percents) and percents[0] > 0 and percents[-1] < 100
    assert len(percents) >= 12
    # While it builds, the snapshot shows no document and no file.
    assert all(
        status == JobStatus.RUNNING and no_doc and not csv for _p, status, no_doc, csv in seen
    )


# Schedule ---------------------------------------------------------------------------------


def test_beat_builds_national_reports_on_the_first_day_of_each_quarter():
    entries = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "reporting.tasks.build_quarterly_national_reports"
    ]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert schedule.day_of_month == {1}
    assert schedule.month_of_year == {1, 4, 7, 10}
    assert "reporting.tasks.build_quarterly_national_reports" in app.tasks


def test_scheduled_task_creates_full_and_public_once(data, media, eager):
    codes = build_quarterly_national_reports()
    again = build_quarterly_national_reports()
    assert codes == again
    expected = current_quarter().previous().code
    snapshots = ReportSnapshot.objects.order_by("variant")
    assert [(s.period, s.scope, s.variant, s.requested_by) for s in snapshots] == [
        (expected, "national", "full", None),
        (expected, "national", "public", None),
    ]


def test_period_helpers():
    q = Period.of(2024, 1)
    assert (q.start, q.end) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert q.previous().code == "2023Q4" and q.previous().end == dt.date(2023, 12, 31)
    assert Period.of(2024, 4).next().code == "2025Q1"
    assert current_quarter(dt.date(2024, 2, 29)) == Period.of(2024, 1)
    assert dt.date(2024, 3, 31) in q and dt.date(2024, 4, 1) not in q


# A real worker ------------------------------------------------------------------------------


@pytest.fixture
def celery_worker(lookups_loaded, media):
    from celery.contrib.testing.worker import start_worker

    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    # This process's own Redis database under pytest-xdist (primero_ro/test_settings.py).
    app.conf.broker_url = settings.CELERY_BROKER_URL or "redis://127.0.0.1:6379/7"
    # The worker thread opens its own connection: close it after each task, so that the
    # test database can be flushed and dropped afterwards.
    max_age = connections.settings["default"].get("CONN_MAX_AGE")
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        connections.settings["default"]["CONN_MAX_AGE"] = max_age
        app.conf.task_always_eager, app.conf.broker_url = previous


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_builds_the_requested_report(celery_worker, country, worker_tm, worker_sv):
    dataset.build(worker_tm, worker_sv)
    snapshot = services.request_report(country, "2023Q4", None, "public", "en")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        snapshot.refresh_from_db()
        if snapshot.status in (JobStatus.DONE, JobStatus.FAILED):
            break
        time.sleep(0.3)
    assert snapshot.status == JobStatus.DONE, snapshot.error
    assert snapshot.document["tables"]["totals"]["rows"][0]["cumulative"] == 10
    assert snapshot.pdf.read().startswith(b"%PDF")
