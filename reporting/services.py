"""Requesting and building report snapshots.

A snapshot is built once: the document is computed, the CSV and PDF rendered from it, and
all three are attached to the snapshot in one transaction at the end. A job killed
half-way leaves the snapshot queued/running without files (a re-run starts from scratch);
a failure leaves it failed with a message and no files; a done snapshot is never rebuilt.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.db.models import FileField
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.scope import county_scope
from cases.replica import replica_reads

from .csv_export import render_csv
from .engine import check_county, compute_report
from .models import JobStatus, ReportSnapshot, Variant
from .periods import current_quarter, parse_period

log = logging.getLogger(__name__)

LANGUAGES = ("ro", "uk", "en")
# Share of the progress bar taken by the tables; the files take the rest.
_TABLES_SHARE = 80
# A build that died is queued again this many times in all, then marked failed (a report
# that kills its worker every time must not loop).
MAX_ATTEMPTS = 3
# Sent to the broker by the request itself; the sweep leaves it that long to do so.
SEND_GRACE = dt.timedelta(seconds=30)
# Sent, but no worker took it: only then may the user queue it again by hand.
QUEUED_STUCK_AFTER = dt.timedelta(minutes=15)


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
    snapshot_id = snapshot.pk
    transaction.on_commit(lambda: dispatch(snapshot_id))


def dispatch(snapshot_id: int) -> bool:
    """Hand the build over: to the broker, or, with eager tasks (the demo), to the build
    thread of reporting.background, so that the request answers before it is built. With
    the broker unreachable the snapshot stays queued with no `queued_at` (the request still
    answers, saying so) and the stalled-job sweep sends it when the broker is back. Sending
    twice is harmless: the build is idempotent."""
    from . import background
    from .tasks import build_report_task

    if background.enabled():
        background.submit(build_in_background, snapshot_id)
    else:
        try:
            build_report_task.delay(snapshot_id)
        except KombuOperationalError:
            log.warning("report %s: the broker is unreachable, the build waits", snapshot_id)
            return False
    ReportSnapshot.objects.filter(pk=snapshot_id).update(queued_at=timezone.now())
    return True


def build_in_background(snapshot_id: int) -> ReportSnapshot | None:
    """build_report on the eager-mode build thread: no Celery there to retry or to log an
    error, so whatever escapes build_report marks the snapshot failed."""
    try:
        return build_report(snapshot_id)
    except Exception as exc:
        # No Celery retry on this thread (a lost database connection included): the
        # snapshot is failed, and the report page offers Retry.
        log.exception("report %s failed on the build thread", snapshot_id)
        _fail(snapshot_id, _("The report could not be built: %(error)s") % {"error": exc})
        return None


def retry_report(snapshot: ReportSnapshot) -> ReportSnapshot:
    """Queue a failed (or stuck) snapshot again; a done one stays as it is."""
    if snapshot.status == JobStatus.DONE:
        return snapshot
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(
        status=JobStatus.QUEUED, progress=0, error="", queued_at=None, heartbeat_at=None
    )
    snapshot.refresh_from_db()
    queue_build(snapshot)
    return snapshot


# Faults: a broker that was down, a worker that died --------------------------------------


def heartbeat_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT_SECONDS)


def is_unsent(snapshot: ReportSnapshot) -> bool:
    """Queued, but the broker could not take it (yet)."""
    return snapshot.status == JobStatus.QUEUED and snapshot.queued_at is None


def is_stuck(snapshot: ReportSnapshot, now: dt.datetime | None = None) -> bool:
    """The user may queue it again: never sent, a build whose worker stopped beating, or
    waiting in the queue for far longer than any build takes (no worker running)."""
    now = now or timezone.now()
    if is_unsent(snapshot):
        return True
    if snapshot.status == JobStatus.RUNNING:
        beat = snapshot.heartbeat_at or snapshot.started_at or snapshot.requested_at
        return now - beat > heartbeat_timeout()
    if snapshot.status == JobStatus.QUEUED:
        return now - (snapshot.queued_at or snapshot.requested_at) > QUEUED_STUCK_AFTER
    return False


def requeue_stalled(now: dt.datetime | None = None) -> dict[str, int]:
    """The sweep (Celery beat, every minute): send what the broker could not take, and
    queue again a build whose worker died (its heartbeat stopped), at most MAX_ATTEMPTS
    times before it is marked failed with a message."""
    now = now or timezone.now()
    counts = {"sent": 0, "requeued": 0, "failed": 0}
    unsent = ReportSnapshot.objects.filter(
        status=JobStatus.QUEUED, queued_at__isnull=True, requested_at__lt=now - SEND_GRACE
    )
    for snapshot_id in unsent.values_list("pk", flat=True):
        if not dispatch(snapshot_id):
            return counts  # the broker is still away: the next sweep tries again
        counts["sent"] += 1
    dead = ReportSnapshot.objects.filter(
        status=JobStatus.RUNNING, heartbeat_at__lt=now - heartbeat_timeout()
    )
    for snapshot in dead:
        still_dead = ReportSnapshot.objects.filter(
            pk=snapshot.pk, status=JobStatus.RUNNING, heartbeat_at=snapshot.heartbeat_at
        )
        if snapshot.attempts >= MAX_ATTEMPTS:
            message = ngettext(
                "The background job stopped %(count)s time while building this report. "
                "Press Retry to try once more, or tell an administrator.",
                "The background job stopped %(count)s times while building this report. "
                "Press Retry to try once more, or tell an administrator.",
                snapshot.attempts,
            ) % {"count": snapshot.attempts}
            counts["failed"] += still_dead.update(
                status=JobStatus.FAILED, error=message, finished_at=now
            )
            continue
        if still_dead.update(
            status=JobStatus.QUEUED, progress=0, queued_at=None, heartbeat_at=None
        ):
            log.warning("report %s: its worker stopped, queued again", snapshot.code)
            counts["requeued"] += 1
            dispatch(snapshot.pk)
    return counts


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
    # Each step is also the heartbeat: a build that stops stepping has stopped.
    ReportSnapshot.objects.filter(pk=snapshot_id).update(
        progress=max(0, min(100, percent)), heartbeat_at=timezone.now()
    )


def _start(snapshot_id: int) -> ReportSnapshot | None:
    """Claim the snapshot: None when it is already done (safe to run twice)."""
    with transaction.atomic():
        snapshot = ReportSnapshot.objects.select_for_update().get(pk=snapshot_id)
        if snapshot.status == JobStatus.DONE:
            return None
        snapshot.status = JobStatus.RUNNING
        snapshot.progress = 0
        snapshot.error = ""
        snapshot.started_at = snapshot.heartbeat_at = timezone.now()
        snapshot.attempts += 1
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
        # A report is a snapshot of the period: a replica a moment behind computes the same
        # document, and spares the primary the longest reads (docs/operations.md).
        with replica_reads():
            document = compute_report(
                snapshot.period,
                snapshot.county_id,
                snapshot.variant,
                progress=lambda done, total: _set_progress(
                    snapshot_id, done * _TABLES_SHARE // total
                ),
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
    """The scheduled national full and public reports of a quarter, created once. Only a
    finished quarter is published: a provisional report is never the scheduled one."""
    if parse_period(period).is_provisional():
        raise ValueError(
            _("The quarter %(period)s has not ended: it cannot be published yet.")
            % {"period": period}
        )
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
