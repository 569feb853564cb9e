"""Requesting and building report snapshots.

A snapshot is built once: the document is computed, the CSV and PDF rendered from it, and
all three are attached to the snapshot in one transaction at the end. A job killed
half-way leaves the snapshot queued/running without files (a re-run starts from scratch);
a failure leaves it failed with a message and no files; a done snapshot is never rebuilt.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.db.models import FileField
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import county_scope

from .csv_export import render_csv
from .engine import check_county, compute_report
from .models import JobStatus, ReportSnapshot, Variant
from .periods import current_quarter, parse_period

log = logging.getLogger(__name__)

LANGUAGES = ("ro", "uk", "en")
# Share of the progress bar taken by the tables; the files take the rest.
_TABLES_SHARE = 80


def may_request(user, county: str | None, variant: str = Variant.FULL) -> bool:
    """Statistics scope (roles.md): county coordinators their county, the country
    coordinator national or any county; field workers none."""
    return county_scope(user).allows(county)


def request_report(
    user, period: str, county: str | None, variant: str = Variant.FULL, language: str = "ro"
) -> ReportSnapshot:
    """Store a queued snapshot and queue its build once the transaction commits."""
    parsed = parse_period(period)
    if parsed.start > current_quarter().end:
        raise ValueError(_("The quarter %(period)s has not started yet.") % {"period": period})
    if variant not in Variant.values:
        raise ValueError(_("Unknown variant %(variant)r.") % {"variant": variant})
    if language not in LANGUAGES:
        raise ValueError(_("Unknown language %(language)r.") % {"language": language})
    county = check_county(county)
    if not may_request(user, county, variant):
        raise PermissionDenied(_("You may not request this report."))
    snapshot = ReportSnapshot.objects.create(
        period=parsed.code,
        county_id=county,
        variant=variant,
        language=language,
        requested_by=user,
    )
    queue_build(snapshot)
    return snapshot


def queue_build(snapshot: ReportSnapshot) -> None:
    from .tasks import build_report_task

    snapshot_id = snapshot.pk
    transaction.on_commit(lambda: build_report_task.delay(snapshot_id))


def retry_report(snapshot: ReportSnapshot) -> ReportSnapshot:
    """Queue a failed (or stuck) snapshot again; a done one stays as it is."""
    if snapshot.status == JobStatus.DONE:
        return snapshot
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(
        status=JobStatus.QUEUED, progress=0, error=""
    )
    snapshot.refresh_from_db()
    queue_build(snapshot)
    return snapshot


def file_names(snapshot: ReportSnapshot) -> dict[str, str]:
    """Deterministic names, so that a re-run replaces what a killed run left on disk."""
    base = f"quarterly-{snapshot.period}-{snapshot.scope}-{snapshot.variant}-{snapshot.language}"
    return {"csv": f"{base}.csv", "pdf": f"{base}.pdf"}


def _file_field(kind: str) -> FileField:
    field = ReportSnapshot._meta.get_field(kind)
    assert isinstance(field, FileField)  # kind is "csv" or "pdf"
    return field


def _storage_path(snapshot: ReportSnapshot, kind: str) -> str:
    return _file_field(kind).generate_filename(snapshot, file_names(snapshot)[kind])


def _remove_files(snapshot: ReportSnapshot) -> None:
    for kind in ("csv", "pdf"):
        field = _file_field(kind)
        path = _storage_path(snapshot, kind)
        if field.storage.exists(path):
            field.storage.delete(path)


def _set_progress(snapshot_id: int, percent: int) -> None:
    ReportSnapshot.objects.filter(pk=snapshot_id).update(progress=max(0, min(100, percent)))


def _start(snapshot_id: int) -> ReportSnapshot | None:
    """Claim the snapshot: None when it is already done (safe to run twice)."""
    with transaction.atomic():
        snapshot = ReportSnapshot.objects.select_for_update().get(pk=snapshot_id)
        if snapshot.status == JobStatus.DONE:
            return None
        snapshot.status = JobStatus.RUNNING
        snapshot.progress = 0
        snapshot.error = ""
        snapshot.started_at = timezone.now()
        snapshot.finished_at = None
        snapshot.document = None
        snapshot.csv = ""
        snapshot.pdf = ""
        snapshot.save()
    return snapshot


def build_report(snapshot_id: int) -> ReportSnapshot:
    """Compute the document, render CSV and PDF, attach all three; idempotent."""
    snapshot = _start(snapshot_id)
    if snapshot is None:
        return ReportSnapshot.objects.get(pk=snapshot_id)
    _remove_files(snapshot)  # what a killed run may have left
    written: list[str] = []
    try:
        document = compute_report(
            snapshot.period,
            snapshot.county_id,
            snapshot.variant,
            progress=lambda done, total: _set_progress(snapshot_id, done * _TABLES_SHARE // total),
        )
        csv_bytes = render_csv(document, snapshot.language)
        _set_progress(snapshot_id, 85)
        from .pdf import render_pdf

        pdf_bytes = render_pdf(document, snapshot.language)
        _set_progress(snapshot_id, 95)

        names = file_names(snapshot)
        with transaction.atomic():
            locked = ReportSnapshot.objects.select_for_update().get(pk=snapshot_id)
            if locked.status == JobStatus.DONE:  # another run finished first
                return locked
            locked.csv.save(names["csv"], ContentFile(csv_bytes), save=False)
            written.append(locked.csv.name)
            locked.pdf.save(names["pdf"], ContentFile(pdf_bytes), save=False)
            written.append(locked.pdf.name)
            locked.document = document
            locked.status = JobStatus.DONE
            locked.progress = 100
            locked.error = ""
            locked.finished_at = timezone.now()
            locked.save()
        log.info("report %s built", locked.code)
        return locked
    except OperationalError:
        # The database went away: let the task retry from scratch.
        _discard(written, snapshot)
        _fail(snapshot_id, _("The database was unavailable; the report will be retried."))
        raise
    except Exception as exc:
        log.exception("report %s failed", snapshot.code)
        _discard(written, snapshot)
        _fail(snapshot_id, _("The report could not be built: %(error)s") % {"error": exc})
        return ReportSnapshot.objects.get(pk=snapshot_id)


def _discard(written: list[str], snapshot: ReportSnapshot) -> None:
    storage = snapshot._meta.get_field("csv").storage
    for name in written:
        try:
            storage.delete(name)
        except OSError:
            log.warning("could not delete %s", name)


def _fail(snapshot_id: int, message: str) -> None:
    try:
        ReportSnapshot.objects.filter(pk=snapshot_id).exclude(status=JobStatus.DONE).update(
            status=JobStatus.FAILED,
            error=message[:2000],
            finished_at=timezone.now(),
            document=None,
            csv="",
            pdf="",
        )
    except OperationalError:
        log.warning("could not mark report %s as failed", snapshot_id)


def national_reports_for(period: str, language: str) -> list[ReportSnapshot]:
    """The scheduled national full and public reports of a quarter, created once."""
    snapshots = []
    for variant in (Variant.FULL, Variant.PUBLIC):
        existing = (
            ReportSnapshot.objects.filter(
                period=period, county__isnull=True, variant=variant, requested_by__isnull=True
            )
            .exclude(status=JobStatus.FAILED)
            .first()
        )
        if existing is None:
            existing = ReportSnapshot.objects.create(
                period=period, county=None, variant=variant, language=language
            )
            queue_build(existing)
        snapshots.append(existing)
    return snapshots
