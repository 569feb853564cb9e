"""Stored report snapshots: computed once, never changed, downloadable again."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.codes import FreshCodeOnClash, new_code

from .periods import parse_period


def _report_code() -> str:
    return new_code("Q-")


class Variant(models.TextChoices):
    FULL = "full", _("Full")
    PUBLIC = "public", _("Public (with suppression)")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Building")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def _report_path(instance, filename: str) -> str:
    return f"reports/{instance.code}/{filename}"


class ReportSnapshot(FreshCodeOnClash, models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True, default=_report_code)
    period = models.CharField(_("quarter"), max_length=6)  # "2023Q4"
    # Null scope = national.
    county = models.ForeignKey(
        "lookups.County",
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    variant = models.CharField(_("variant"), max_length=10, choices=Variant, default=Variant.FULL)
    language = models.CharField(_("language"), max_length=2, default="ro")
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # percent
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # When the build was handed to the broker; null while it could not be (Redis down):
    # the stalled-job sweep sends it again (reporting.services.requeue_stalled).
    queued_at = models.DateTimeField(null=True, blank=True)
    # The running build's last sign of life: a worker that died stops updating it.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    document = models.JSONField(_("document"), null=True, blank=True)
    pdf = models.FileField(upload_to=_report_path, blank=True)
    csv = models.FileField(upload_to=_report_path, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.period} {self.scope} {self.variant}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:detail", kwargs={"code": self.code})

    @property
    def scope(self) -> str:
        return self.county_id or "national"

    @property
    def provisional(self) -> bool:
        """Counted before its quarter ended: as the built document says, or, before it is
        built, whether a build today would be."""
        if self.document is not None:
            return bool(self.document.get("provisional"))
        try:
            return parse_period(self.period).is_provisional()
        except ValueError:  # a stored period the engine refuses: it fails, never counts
            return False

    @property
    def as_of(self) -> dt.date | None:
        """The day the built document counts up to."""
        value = (self.document or {}).get("as_of")
        return dt.date.fromisoformat(value) if value else None
