from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.codes import FreshCodeOnClash, new_code
from cases.models.tracked import TracksHistory


def _referral_code() -> str:
    return new_code("R-")


def _provider_code() -> str:
    return new_code("S-", 6)


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Service provided")


class ServiceProvider(FreshCodeOnClash, TracksHistory, models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True, default=_provider_code)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of provider"), max_length=20)  # provider_kind code
    county = models.ForeignKey(
        "lookups.County",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="providers",
    )
    service_types = models.JSONField(_("services offered"), default=list)  # service_type codes
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def __str__(self) -> str:
        return self.name


class Referral(FreshCodeOnClash, TracksHistory, models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True, default=_referral_code)
    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="referrals")
    service_type = models.CharField(_("service"), max_length=30)
    provider = models.ForeignKey(
        ServiceProvider,
        verbose_name=_("service provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    reason = models.TextField(_("reason"), blank=True)
    referred_on = models.DateField(_("referral date"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus, default=ReferralStatus.PENDING
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    closed_on = models.DateField(_("declined or completed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["child", "referred_on"], name="referral_child_date"),
            models.Index(fields=["status", "referred_on"], name="referral_status_date"),
        ]

    def __str__(self) -> str:
        return self.code
