"""The append-only audit log of roles.md: who looked at or changed what, when, from where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW_CASE = "view_case", _("Viewed a case")
    CREATE_CASE = "create_case", _("Registered a case")
    CHANGE_CASE = "change_case", _("Changed a case")
    SEARCH = "search", _("Searched cases")
    EXPORT = "export", _("Exported records")
    IMPORT = "import", _("Imported records")
    TRANSFER = "transfer", _("Transfer")
    SHARE = "share", _("Shared a case")
    REPORT_DOWNLOAD = "report_download", _("Downloaded a report")
    REFERRAL = "referral", _("Referral")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    TWO_FACTOR = "two_factor", _("Two-step login")
    USER_CHANGE = "user_change", _("Changed a user account")
    EMERGENCY_ACCESS = "emergency_access", _("Emergency access")
    INFO_SHEET = "info_sheet", _("Changed the information sheet")
    OFFLINE_SYNC = "offline_sync", _("Sent a registration typed offline")


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user) -> AuditEventQuerySet:
        """Country coordinators see all; county coordinators their county's records
        (accounts.scope.county_scope, reached through the user: audit sits below accounts)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return user.county_scope.filter(self)

    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150)
    action = models.CharField(_("action"), max_length=24, choices=Action)
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    object_code = models.CharField(_("object"), max_length=40, blank=True, db_index=True)
    county = models.ForeignKey(
        "lookups.County",
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    # Codes and counts only: never names or free text of a child.
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["county", "-at"], name="audit_county_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_code}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")
