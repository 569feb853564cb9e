"""Thin Celery tasks: take an id, call the service, safe to run twice."""

from __future__ import annotations

import smtplib

from celery import shared_task


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=60,
    max_retries=8,
)
def notify_emergency_access(grant_id: int, review_url: str) -> int:
    from emergency.services import notify_coordinators

    return notify_coordinators(grant_id, review_url)
