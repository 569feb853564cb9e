"""Uploaded import files hold the personal data of many children at once: a job not
imported is forgotten IMPORT_UPLOAD_LIFETIME_HOURS after its upload, and the values of
every old job's error list with it (docs/data-lifecycle.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Child
from imports.models import ImportJob, JobStatus
from imports.upload_retention import forget_old_uploads
from tests.imports.helpers import caregiver_row, child_row
from tests.imports.test_views import _upload

pytestmark = pytest.mark.django_db


def _age(job: ImportJob, hours: float) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=hours)
    )


def _uploaded(client, *children) -> ImportJob:
    _upload(client, list(children), [caregiver_row()])
    return ImportJob.objects.order_by("-id").first()


def test_an_old_upload_not_imported_loses_its_files_and_cannot_be_imported(
    client, coord_tm, settings
):
    client.force_login(coord_tm)
    ready = _uploaded(client, child_row("REF-1", first_name="Daryna"))
    invalid = _uploaded(client, child_row("REF-2", first_name="Bohdan", sex="girl"))
    assert (ready.status, invalid.status) == (JobStatus.READY, JobStatus.INVALID)
    for job in (ready, invalid):
        _age(job, settings.IMPORT_UPLOAD_LIFETIME_HOURS + 1)

    assert forget_old_uploads() == 2

    for job in (ready, invalid):
        job.refresh_from_db()
        assert job.status == JobStatus.EXPIRED
        assert bytes(job.children_data) == b"" and bytes(job.caregivers_data) == b""
        assert "Daryna" not in str(job.issues) and "girl" not in str(job.issues)
        page = client.get(job.get_absolute_url()).content.decode()
        assert "upload them again" in page
        assert reverse("imports:confirm", args=[job.code]) not in page
    # Confirming the forgotten job imports nothing.
    client.post(reverse("imports:confirm", args=[ready.code]))
    assert not Child.objects.exists()
    assert forget_old_uploads() == 0  # safe to run again


def test_a_recent_upload_is_kept_whole(client, coord_tm, settings):
    client.force_login(coord_tm)
    job = _uploaded(client, child_row("REF-1", sex="girl"))
    _age(job, settings.IMPORT_UPLOAD_LIFETIME_HOURS - 1)
    assert forget_old_uploads() == 0
    job.refresh_from_db()
    assert job.status == JobStatus.INVALID
    assert bytes(job.children_data) != b""
    assert "girl" in str(job.issues)


def test_an_old_imported_job_keeps_its_counts_but_not_the_values_of_its_warnings(
    client, coord_tm, settings
):
    client.force_login(coord_tm)
    job = _uploaded(client, child_row("REF-1"))
    client.post(reverse("imports:confirm", args=[job.code]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    counts = job.counts
    job.issues = [dict(issue, value="Kovalenko") for issue in job.issues] or [
        {
            "file": "children",
            "line": 2,
            "column": "last_name",
            "value": "Kovalenko",
            "code": "required",
            "params": {},
        }
    ]
    job.save()
    _age(job, settings.IMPORT_UPLOAD_LIFETIME_HOURS + 1)

    assert forget_old_uploads() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.counts == counts
    assert job.issues and all(issue["value"] == "" for issue in job.issues)
    assert Child.objects.count() == 1


def test_the_beat_runs_it_every_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["forget-old-import-uploads"]
    assert entry["task"] == "imports.tasks.forget_old_uploads"
    assert entry["schedule"] == 60 * 60
