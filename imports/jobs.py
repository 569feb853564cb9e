"""Browser imports: a job keeps the files between the preview and the confirmation.

preview_job and apply_job are what the Celery tasks (or the request, for small files)
run; both re-read and re-validate the stored files, so a confirmation never trusts an
old preview.
"""

from __future__ import annotations

from django.db import connection, connections, transaction
from django.utils import timezone

from .columns import CHILDREN
from .messages import ImportIssue
from .models import ImportJob, JobStatus
from .reading import Source
from .services import run_import


def create_job(user, sources: dict[str, Source]) -> ImportJob:
    kwargs = {}
    for file, source in sources.items():
        kwargs[f"{file}_name"] = source.name[:255]
        kwargs[f"{file}_data"] = source.data
    return ImportJob.objects.create(created_by=user, county_id=user.county_id, **kwargs)


def _progress_writer(job: ImportJob):
    """Progress is written outside the import's transaction (a second connection), so
    that the page polling the job sees it move. Only on PostgreSQL: SQLite would lock."""
    if connection.vendor != "postgresql":
        return None
    other = connections.create_connection("default")
    last = {"percent": -1}

    def progress(done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        if percent == last["percent"]:
            return
        last["percent"] = percent
        with other.cursor() as cursor:
            cursor.execute(
                "UPDATE imports_importjob SET progress = %s WHERE id = %s", [percent, job.pk]
            )

    progress.close = other.close
    return progress


CHANGED_SHOWN = 30


def _finish(job: ImportJob, result, status: str) -> None:
    job.status = status
    job.rows = result.rows
    job.counts = result.counts_dict()
    if result.changed_refs and CHILDREN in job.counts:
        # Which records a "changed" count stands for (record_refs: codes, not names).
        job.counts[CHILDREN]["changed_refs"] = result.changed_refs[:CHANGED_SHOWN]
    job.issues = [issue.as_dict() for issue in result.issues]
    job.progress = 100


def preview_job(job_id: int) -> ImportJob:
    job = ImportJob.objects.get(pk=job_id)
    result = run_import(job.sources(), job.created_by, dry_run=True)
    _finish(job, result, JobStatus.READY if result.ok else JobStatus.INVALID)
    job.save()
    return job


def apply_job(job_id: int, user_id: int, request=None) -> ImportJob:
    from accounts.models import User

    job = ImportJob.objects.get(pk=job_id)
    user = User.objects.get(pk=user_id)
    progress = _progress_writer(job)
    try:
        result = run_import(job.sources(), user, request=request, progress=progress)
    except Exception:
        job.status = JobStatus.FAILED
        job.save(update_fields=["status", "updated_at"])
        raise
    finally:
        if progress is not None:
            progress.close()
    if result.ok:
        _finish(job, result, JobStatus.DONE)
        job.imported_at = timezone.now()
        job.imported_by = user
        # The files hold personal data: once imported they are in the records, not here.
        job.children_data = b""
        job.caregivers_data = None if job.caregivers_data is None else b""
        job.referrals_data = None if job.referrals_data is None else b""
    else:
        _finish(job, result, JobStatus.INVALID)
    job.save()
    return job


def issues_of(job: ImportJob) -> list[ImportIssue]:
    return [ImportIssue.from_dict(d) for d in job.issues]


def start(job: ImportJob, status: str) -> None:
    job.status = status
    job.progress = 0
    job.save(update_fields=["status", "progress", "updated_at"])


def queue(task, *args) -> None:
    transaction.on_commit(lambda: task.delay(*args))
