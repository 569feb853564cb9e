"""The initial assessment of a case: needs, strengths and the risk level confirmed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .tracked import TracksHistory


class Assessment(TracksHistory, models.Model):
    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("date of the assessment"))
    needs = models.JSONField(_("needs identified"), default=list, blank=True)  # `need` codes
    needs_details = models.TextField(_("description of the needs"), blank=True)
    strengths = models.TextField(_("strengths and resources"), blank=True)
    # The risk level confirmed (or changed) by the assessment.
    risk_level = models.CharField(_("risk level confirmed"), max_length=10)
    notes = models.TextField(_("notes"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.child_id} {self.assessed_on}"
