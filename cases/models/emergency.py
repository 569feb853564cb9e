"""Emergency access ("break the glass", roles.md): a user reads one case outside their
scope for a limited time, having said why; the case's county coordinator reviews it.

An active grant is part of Child.objects.visible_to (read only: cases.permissions refuses
every change to a case opened only through one). Granting, reviewing and telling the
coordinator are the `emergency` app's services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.codes import FreshCodeOnClash, new_code


def _grant_code() -> str:
    return new_code("E-")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    ACCEPTED = "accepted", _("Accepted")
    REPORTED = "reported", _("Reported")


class EmergencyAccessQuerySet(models.QuerySet):
    def active(self) -> EmergencyAccessQuerySet:
        # The database's clock: a statement built once (the field worker's scope, cached
        # compiled) still compares with the time it runs at.
        return self.filter(expires_at__gt=Now())

    def listed_for(self, user) -> EmergencyAccessQuerySet:
        """Country coordinators: every grant; county coordinators: those on their
        county's cases (the county of the case when it was granted)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return user.county_scope.filter(self)


class EmergencyAccess(FreshCodeOnClash, models.Model):
    code = models.CharField(max_length=12, unique=True, default=_grant_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
    )
    child = models.ForeignKey(
        "cases.Child",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="emergency_accesses",
    )
    county = models.ForeignKey(
        "lookups.County", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    review_status = models.CharField(
        _("review"), max_length=10, choices=ReviewStatus, default=ReviewStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    # Set once the coordinators' e-mail went out, so that a second run sends nothing.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        indexes = [
            models.Index(fields=["user", "expires_at"], name="emergency_user_expires"),
            models.Index(fields=["county", "review_status"], name="emergency_county_review"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()
