"""Telling people what waits for them (issue 12): one Notification row per recipient,
written inside the service's transaction, and an e-mail queued once it commits.

The e-mail names the case by its code and links to it: never a child's name or any
other personal data (cases/emails.py). Sending is Celery's job (cases/tasks.py), retried
with backoff, so a slow or broken mail server never holds up the request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Role, User
from accounts.preferences import EmailKind, wants_email
from cases import todo
from cases.models import (
    Child,
    ClosureRequest,
    EmailState,
    EmergencyAccess,
    Notification,
    Transfer,
)

log = logging.getLogger(__name__)


def coordinators_of(county_code: str) -> QuerySet[User]:
    """The active county coordinators of a county: who approves closures and takes transfers."""
    return User.objects.filter(
        is_active=True, role=Role.COUNTY_COORDINATOR, county_id=county_code
    ).order_by("pk")


def _create(
    kind: str,
    recipients: Iterable[User],
    actor,
    *,
    child: Child | None = None,
    transfer: Transfer | None = None,
    closure: ClosureRequest | None = None,
) -> list[Notification]:
    # Nobody is told about what they did themselves.
    rows = [
        Notification(kind=kind, recipient=r, child=child, transfer=transfer, closure=closure)
        for r in dict.fromkeys(recipients)
        if r.is_active and r.pk != getattr(actor, "pk", None)
    ]
    Notification.objects.bulk_create(rows)
    ids = [row.pk for row in rows]
    users = [row.recipient_id for row in rows]
    if actor is not None and getattr(actor, "pk", None):
        users.append(actor.pk)
    transaction.on_commit(lambda: _after_commit(ids, users))
    return rows


def _after_commit(ids: list[int], user_ids: list[int]) -> None:
    todo.forget_counts(user_ids)
    queue_emails(ids)


def queue_emails(ids: Iterable[int]) -> int:
    """Queue one task per notification; a broker that is down must not fail the request
    that already committed: the rows stay pending and the sweep (cases.tasks) retries."""
    from cases.tasks import send_notification

    queued = 0
    for pk in ids:
        try:
            send_notification.delay(pk)
        except Exception:  # kombu raises several types when Redis is unreachable
            log.warning("notification %s not queued: broker unavailable", pk, exc_info=True)
        else:
            queued += 1
    return queued


# What each service calls ---------------------------------------------------------------


def closure_requested(closure: ClosureRequest, actor) -> None:
    """A field worker asks to close a high-risk case: its county's coordinators approve."""
    child = closure.child
    _create(
        EmailKind.CLOSURE_TO_APPROVE,
        coordinators_of(child.current_county_id),
        actor,
        child=child,
        closure=closure,
    )


def closure_decided(closure: ClosureRequest, actor) -> None:
    """The coordinator approved or rejected: the worker who asked is told."""
    if closure.requested_by is None:
        return
    _create(
        EmailKind.CLOSURE_DECIDED,
        [closure.requested_by],
        actor,
        child=closure.child,
        closure=closure,
    )


def transfer_requested(transfer: Transfer, actor) -> None:
    _create(
        EmailKind.TRANSFER_REQUESTED,
        coordinators_of(transfer.to_county_id),
        actor,
        child=transfer.child,
        transfer=transfer,
    )


def case_assigned(child: Child, worker: User, actor) -> None:
    _create(EmailKind.CASE_ASSIGNED, [worker], actor, child=child)


def case_shared(child: Child, user: User, actor) -> None:
    _create(EmailKind.CASE_SHARED, [user], actor, child=child)


def emergency_access_granted(grant: EmergencyAccess, actor) -> list[Notification]:
    """Someone opened a case through emergency access: the coordinators of the case's
    county review it (a safeguard: the e-mail cannot be turned off, accounts.preferences)."""
    return _create(
        EmailKind.EMERGENCY_ACCESS, coordinators_of(grant.county_id), actor, child=grant.child
    )


def mark_seen(user, child: Child) -> int:
    """The user opened the case: what was new about it for them is not new any more."""
    seen = Notification.objects.filter(
        recipient_id=user.pk, child_id=child.pk, seen_at__isnull=True
    ).update(seen_at=timezone.now())
    if seen:
        todo.forget_counts([user.pk])
    return seen


# Delivery (run by the Celery task) ----------------------------------------------------


def _still_relevant(notification: Notification) -> bool:
    """Access can change between the event and the e-mail: a case unshared meanwhile, a
    transfer already decided. Then the e-mail would only confuse."""
    kind, user = notification.kind, notification.recipient
    if kind == EmailKind.EMERGENCY_ACCESS:
        return True  # a safeguard: told even if the case moved county since
    if kind == EmailKind.TRANSFER_REQUESTED:
        return notification.transfer is not None and notification.transfer.status == "pending"
    if kind == EmailKind.CLOSURE_TO_APPROVE:
        return notification.closure is not None and notification.closure.status == "pending"
    if notification.child_id is None:
        return True
    return Child.objects.visible_to(user).filter(pk=notification.child_id).exists()


@transaction.atomic
def deliver(notification_id: int) -> str:
    """Send one notification's e-mail, at most once; returns the state it ends in.

    The row stays locked while the mail server answers, so a second run of the task
    waits and then finds it sent. A failure raises (the task retries) and leaves it pending.
    """
    from cases import emails

    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient", "child", "transfer", "closure")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.email_state != EmailState.PENDING:
        return notification.email_state if notification else "missing"
    if not wants_email(notification.recipient, notification.kind) or not _still_relevant(
        notification
    ):
        notification.email_state = EmailState.SKIPPED
    else:
        emails.send(notification)
        notification.email_state = EmailState.SENT
        notification.emailed_at = timezone.now()
    notification.save(update_fields=["email_state", "emailed_at"])
    return notification.email_state


DIGEST_MAX = 50


@transaction.atomic
def deliver_digest(user_id: int, day) -> str:
    """The morning list of a field worker's follow-ups due by `day` (overdue included), at
    most once per user and day; nothing is sent when nothing is due."""
    from cases import emails

    user = User.objects.filter(pk=user_id, role=Role.FIELD_WORKER).first()
    if user is None or not wants_email(user, EmailKind.FOLLOW_UP_DIGEST):
        return EmailState.SKIPPED
    due = todo.follow_ups_due(user).filter(next_follow_up_due__lte=day)
    total = due.count()
    if not total:
        return "nothing_due"
    notification, _created = Notification.objects.get_or_create(
        kind=EmailKind.FOLLOW_UP_DIGEST,
        recipient=user,
        day=day,
        defaults={"seen_at": timezone.now()},
    )
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.email_state != EmailState.PENDING:
        return notification.email_state
    emails.send_digest(user, day, list(due[:DIGEST_MAX]), total)
    notification.email_state = EmailState.SENT
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["email_state", "emailed_at"])
    return notification.email_state
