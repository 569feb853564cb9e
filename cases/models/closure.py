"""Closing and reopening a case.

Every closure is a ClosureRequest: approved at once when the user may close the case
directly, pending when a field worker asks to close a high-risk case (roles.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .tracked import TracksHistory


class ClosureStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ClosureRequest(TracksHistory, models.Model):
    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, related_name="closure_requests"
    )
    closure_reason = models.CharField(_("closure reason"), max_length=30)  # closure_reason code
    closed_on = models.DateField(_("date of closure"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ClosureStatus, default=ClosureStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("reason of the decision"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            # At most one pending request per case.
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(status="pending"),
                name="closure_one_pending_per_child",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.status}"


class Reopening(models.Model):
    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="reopenings")
    reopened_on = models.DateField(_("date of reopening"))
    reason = models.TextField(_("reason"))
    previous_closure_reason = models.CharField(max_length=30, blank=True)
    previous_closed_on = models.DateField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")

    def __str__(self) -> str:
        return f"{self.child_id} {self.reopened_on}"
