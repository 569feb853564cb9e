from __future__ import annotations

from celery import shared_task

from .jobs import apply_job, preview_job
from .models import ImportJob, JobStatus


@shared_task
def preview_import(job_id: int) -> None:
    if ImportJob.objects.filter(pk=job_id, status=JobStatus.VALIDATING).exists():
        preview_job(job_id)


@shared_task
def apply_import(job_id: int, user_id: int) -> None:
    # Safe to run twice: a job already imported is left alone.
    if ImportJob.objects.filter(pk=job_id, status=JobStatus.IMPORTING).exists():
        apply_job(job_id, user_id)
