"""A request to anonymise a case (issue 15, erasure): asked by a coordinator with a coded
reason, decided by the country coordinator; retention writes approved ones itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.codes import FreshCodeOnClash, new_code


def _request_code() -> str:
    return new_code("A-")


class AnonymisationReason(models.TextChoices):
    # Codes only, never free text: the request outlives the personal data it removes.
    ERASURE_REQUEST = "erasure_request", _("The family asked for their data to be erased")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent was withdrawn")
    PURPOSE_ENDED = "purpose_ended", _("The data is no longer needed for the case")
    RETENTION = "retention", _("The retention period after closure has ended")


class AnonymisationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the country coordinator")
    APPROVED = "approved", _("Approved: the case was anonymised")
    REFUSED = "refused", _("Refused")


class AnonymisationRequestQuerySet(models.QuerySet):
    def pending(self) -> AnonymisationRequestQuerySet:
        return self.filter(status=AnonymisationStatus.PENDING)


class AnonymisationRequest(FreshCodeOnClash, models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True, default=_request_code)
    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, related_name="anonymisation_requests"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=AnonymisationReason)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AnonymisationStatus,
        default=AnonymisationStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = AnonymisationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("anonymisation request")
        verbose_name_plural = _("anonymisation requests")
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(status="pending"),
                name="anonymisation_one_pending_per_child",
            )
        ]

    def __str__(self) -> str:
        return self.code
