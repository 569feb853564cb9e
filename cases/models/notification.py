"""Something that happened to a case that one user should know about (issue 12).

One row per recipient, written in the same transaction as the change: it is the outbox of
the e-mail (sent later by Celery, at most once: `email_state`) and, for field workers, the
"new for you" mark of the to-do list until they open the case (`seen_at`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.preferences import EmailKind


class EmailState(models.TextChoices):
    PENDING = "pending", _("To send")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent (turned off or no address)")


class Notification(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=EmailKind)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    child = models.ForeignKey(
        "cases.Child", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    transfer = models.ForeignKey(
        "cases.Transfer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    closure = models.ForeignKey(
        "cases.ClosureRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The day of a daily digest: one per user and day, however often the task runs.
    day = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    email_state = models.CharField(max_length=8, choices=EmailState, default=EmailState.PENDING)
    emailed_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["recipient", "kind"],
                condition=Q(seen_at__isnull=True),
                name="notification_unseen",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(email_state="pending"),
                name="notification_email_pending",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "day"],
                condition=Q(kind="follow_up_digest"),
                name="notification_one_digest_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.recipient_id}"
