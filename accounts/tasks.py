"""Background housekeeping of accounts, run by Celery beat."""

from __future__ import annotations

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(acks_late=True)
def clear_expired_sessions() -> int:
    """Delete sessions past their expiry; returns how many. Safe to run twice.

    Every request saves its session (SESSION_SAVE_EVERY_REQUEST, for the inactivity
    timeout), so the table grows by one row per login that nobody logs out of."""
    deleted, _per_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
