"""Background jobs of cases, run by Celery: notification e-mails and retention. Thin tasks
that take an id or nothing and call a service.

Each is safe to run twice (the Notification row says whether it was sent) and retries
with a growing delay when the mail server does not answer.
"""

from __future__ import annotations

import datetime as dt
import smtplib

from celery import shared_task
from django.utils import timezone

from accounts.models import Role, User

RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 60,  # 1, 2, 4, ... minutes
    "retry_backoff_max": 60 * 60,
    "retry_jitter": True,
    "max_retries": 8,  # about a day of trying, then the sweep below tries again
}


@shared_task(acks_late=True, **RETRY)
def send_notification(notification_id: int) -> str:
    from cases.services.notifications import deliver

    return deliver(notification_id)


@shared_task(acks_late=True, **RETRY)
def send_follow_up_digest(user_id: int, day: str) -> str:
    from cases.services.notifications import deliver_digest

    return deliver_digest(user_id, dt.date.fromisoformat(day))


@shared_task(acks_late=True)
def queue_follow_up_digests() -> int:
    """Every morning (Celery beat): one digest task per active field worker with an address;
    each checks the worker's choice and whether anything is due."""
    day = timezone.localdate().isoformat()
    ids = list(
        User.objects.filter(is_active=True, role=Role.FIELD_WORKER)
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        send_follow_up_digest.delay(pk, day)
    return len(ids)


@shared_task(acks_late=True)
def queue_pending_notifications() -> int:
    """Queue again what was never sent (the broker was down when it committed, or the
    retries ran out); recent rows are left to their own task."""
    from cases.models import EmailState, Notification
    from cases.services.notifications import queue_emails

    now = timezone.now()
    ids = Notification.objects.filter(
        email_state=EmailState.PENDING,
        created_at__lt=now - dt.timedelta(minutes=10),
        created_at__gte=now - dt.timedelta(days=3),
    ).values_list("pk", flat=True)
    return queue_emails(list(ids[:1000]))


@shared_task(acks_late=True)
def apply_retention() -> int:
    """Anonymise the closed cases past the retention period (safe to run twice)."""
    from cases.services.retention import apply_retention as run

    return run()
