from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.codes import FreshCodeOnClash, new_code

from .tracked import TracksHistory


def _household_code() -> str:
    return new_code("H-")


def _caregiver_code() -> str:
    return new_code("P-")


class Household(FreshCodeOnClash, models.Model):
    """Children registered together (accompanying_children) share a household."""

    code = models.CharField(_("code"), max_length=12, unique=True, default=_household_code)
    household_ref = models.CharField(
        _("household reference"), max_length=100, blank=True, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.code


class Caregiver(FreshCodeOnClash, TracksHistory, models.Model):
    """One adult, entered once and linked to every child they accompany (questions 27-33)."""

    code = models.CharField(_("code"), max_length=12, unique=True, default=_caregiver_code)
    caregiver_ref = models.CharField(
        _("caregiver reference"), max_length=100, blank=True, db_index=True
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=10)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    id_document_type = models.CharField(_("identity document"), max_length=30)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    name_key = models.CharField(max_length=300, blank=True, db_index=True)
    # Set once every child of theirs was anonymised (the row stays: the caregiver counts).
    anonymised_at = models.DateTimeField(_("anonymised on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("caregiver")
        verbose_name_plural = _("caregivers")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"
