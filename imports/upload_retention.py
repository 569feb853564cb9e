"""Uploads are kept only as long as the import needs them (docs/data-lifecycle.md).

An upload holds the personal data of every child in its files, and its error list quotes
the cells it refused. Files of an import that was done are emptied at once
(imports.jobs.apply_job); an upload not imported within IMPORT_UPLOAD_LIFETIME_HOURS is
forgotten here: files and error list gone, status "expired", so it can no longer be
confirmed. Older jobs that were imported keep their counts (what was imported, when, by
whom) but not the values quoted by their warnings.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ImportJob, JobStatus

# A job being checked or imported is left to finish (the next run forgets it if needed).
NOT_IMPORTED = (JobStatus.UPLOADED, JobStatus.INVALID, JobStatus.READY, JobStatus.FAILED)


def _quotes_values(job: ImportJob) -> bool:
    return any(issue.get("value") for issue in job.issues)


def forget_old_uploads(now: dt.datetime | None = None) -> int:
    """Forget the uploads past their lifetime; returns how many jobs changed. Safe to run
    twice and at the same time as itself."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IMPORT_UPLOAD_LIFETIME_HOURS)
    old = ImportJob.objects.filter(created_at__lte=cutoff).exclude(status=JobStatus.EXPIRED)
    changed = 0
    for pk in old.values_list("pk", flat=True):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if job is None:
                continue
            if job.status in NOT_IMPORTED:
                job.status = JobStatus.EXPIRED
                job.children_data = b""
                job.caregivers_data = None if job.caregivers_data is None else b""
                job.referrals_data = None if job.referrals_data is None else b""
                job.issues = []
            elif job.status == JobStatus.DONE and _quotes_values(job):
                job.issues = [dict(issue, value="") for issue in job.issues]
            else:
                continue
            job.save()
            changed += 1
    return changed
