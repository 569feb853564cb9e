"""An import started in the browser: the uploaded files are kept between the preview and
the confirmation, and the job's status and progress are shown while a worker runs it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.scope import county_scope
from cases.codes import FreshCodeOnClash, new_code


def _job_code() -> str:
    return new_code("I-")


class JobStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Checking the files")
    INVALID = "invalid", _("Errors found")
    READY = "ready", _("Ready to import")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    # Not imported within IMPORT_UPLOAD_LIFETIME_HOURS: the files were deleted
    # (imports.upload_retention).
    EXPIRED = "expired", _("Files deleted")


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportJobQuerySet:
        """Country coordinators see every job; county coordinators their county's."""
        return county_scope(user).filter(self)


class ImportJob(FreshCodeOnClash, models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True, default=_job_code)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The uploader's county (empty for a country coordinator): who else may see the job.
    county = models.ForeignKey(
        "lookups.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus, default=JobStatus.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # The files themselves, kept in the database (not under MEDIA_ROOT, which a web server
    # may serve) and emptied once the import is done.
    children_name = models.CharField(max_length=255)
    children_data = models.BinaryField()
    caregivers_name = models.CharField(max_length=255, blank=True)
    caregivers_data = models.BinaryField(null=True, blank=True)
    referrals_name = models.CharField(max_length=255, blank=True)
    referrals_data = models.BinaryField(null=True, blank=True)
    rows = models.JSONField(default=dict, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    # ImportIssue dicts: codes and parameters, rendered in the reader's language.
    issues = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("imports:job", kwargs={"code": self.code})

    @property
    def running(self) -> bool:
        return self.status in (JobStatus.VALIDATING, JobStatus.IMPORTING)

    def sources(self):
        from .columns import CAREGIVERS, CHILDREN, REFERRALS
        from .reading import Source

        sources = {CHILDREN: Source(CHILDREN, self.children_name, bytes(self.children_data))}
        if self.caregivers_data is not None:
            sources[CAREGIVERS] = Source(
                CAREGIVERS, self.caregivers_name, bytes(self.caregivers_data)
            )
        if self.referrals_data is not None:
            sources[REFERRALS] = Source(REFERRALS, self.referrals_name, bytes(self.referrals_data))
        return sources

    def total_bytes(self) -> int:
        return sum(
            len(d or b"") for d in (self.children_data, self.caregivers_data, self.referrals_data)
        )


def _export_code() -> str:
    return new_code("X-")


class ExportFile(FreshCodeOnClash, models.Model):
    """A record-level export waiting to be downloaded: an AES-encrypted zip under
    MEDIA_ROOT/exports/, deleted EXPORT_LIFETIME_HOURS after it was made. Its password
    was shown once to whoever made it and is kept nowhere (imports/secure_export.py)."""

    code = models.CharField(_("code"), max_length=12, unique=True, default=_export_code)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    county = models.ForeignKey(
        "lookups.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    format = models.CharField(_("format"), max_length=4)
    filename = models.CharField(_("file name"), max_length=100)
    file = models.FileField(upload_to="exports/", max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    children = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["expires_at"], name="export_expires_at")]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("imports:export_download", kwargs={"code": self.code})
