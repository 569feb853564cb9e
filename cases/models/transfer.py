"""A case moving to another county with the family (roles.md: transfer)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.codes import FreshCodeOnClash, new_code

from .tracked import TracksHistory


def _transfer_code() -> str:
    return new_code("T-")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiving county")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


class TransferQuerySet(models.QuerySet):
    def pending(self) -> TransferQuerySet:
        return self.filter(status=TransferStatus.PENDING)

    def incoming_for(self, user) -> TransferQuerySet:
        """Pending transfers this user decides: into their county, or all for the country."""
        if user.is_country_coordinator:
            return self.pending()
        if user.is_county_coordinator:
            return self.pending().filter(to_county_id=user.county_id)
        return self.none()


class Transfer(FreshCodeOnClash, TracksHistory, models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True, default=_transfer_code)
    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="transfers")
    from_county = models.ForeignKey(
        "lookups.County", verbose_name=_("from county"), on_delete=models.PROTECT, related_name="+"
    )
    to_county = models.ForeignKey(
        "lookups.County", verbose_name=_("to county"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus, default=TransferStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # What the receiving coordinator needs to decide (issue 12): why the case moves and,
    # when known, where the family lives now; on acceptance these become the case's
    # current locality and address (the old county's are wrong by then).
    reason = models.TextField(_("why the case moves"), blank=True)
    new_locality = models.CharField(_("new town or commune"), max_length=100, blank=True)
    new_address = models.TextField(_("new address"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("reason of the decision"), blank=True)
    # The worker of the receiving county the case was assigned to on acceptance.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()
    objects = TransferQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(status="pending"),
                name="transfer_one_pending_per_child",
            )
        ]
        indexes = [models.Index(fields=["to_county", "status"], name="transfer_to_status")]

    def __str__(self) -> str:
        return self.code
