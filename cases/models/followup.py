from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactType(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    OFFICE = "office", _("Office meeting")
    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")
    OTHER = "other", _("Other")


class FollowUp(models.Model):
    """A follow-up that took place. next_due is the date the next one was scheduled for,
    by the risk level in force when this one was recorded (the statistics read it)."""

    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="follow_ups")
    done_on = models.DateField(_("date of the follow-up"))
    contact_type = models.CharField(_("contact type"), max_length=20, choices=ContactType)
    notes = models.TextField(_("notes"), blank=True)
    risk_level = models.CharField(_("risk level after review"), max_length=10)
    next_due = models.DateField(_("next follow-up due"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_on", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            # In the order of the latest one first, with its next date: the report's
            # overdue figure reads one entry per open case and never the table.
            models.Index(
                fields=["child", "done_on", "id"],
                include=["next_due"],
                name="followup_child_latest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.done_on}"
