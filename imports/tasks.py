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


@shared_task
def purge_expired_exports() -> int:
    """Celery beat, every hour: exports are deleted from the server after their lifetime."""
    from .secure_export import purge_expired_exports as purge

    return purge()


@shared_task
def forget_old_uploads() -> int:
    """Celery beat, every hour: uploads not imported are deleted after their lifetime."""
    from .upload_retention import forget_old_uploads as forget

    return forget()
