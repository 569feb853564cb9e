"""Celery tasks: thin, take an id, call a service, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_init
from django.conf import settings
from django.db import OperationalError

from . import services
from .periods import last_completed_quarter


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def build_report_task(snapshot_id: int) -> str:
    snapshot = services.build_report(snapshot_id)
    return snapshot.status


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def build_quarterly_national_reports() -> list[str]:
    """Beat, on the first day of each quarter: the national full and public reports of
    the quarter just ended (created once; a second run queues nothing new)."""
    period = last_completed_quarter()
    snapshots = services.national_reports_for(period.code, settings.LANGUAGE_CODE)
    return [s.code for s in snapshots]


@shared_task
def requeue_stalled_reports() -> dict[str, int]:
    """Beat, every minute: builds the broker could not take, and builds whose worker died."""
    return services.requeue_stalled()


@worker_init.connect
def load_pdf_renderer(**_kwargs) -> None:
    """WeasyPrint is imported once by the worker's main process, before its pool forks:
    each pool process has it from the start instead of paying seconds in the first report
    it builds."""
    from .pdf import load_renderer

    load_renderer()
