"""The code lists of shared/spec/lookups: codes are stored, labels are translated."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class County(models.Model):
    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class EntryPoint(models.Model):
    code = models.CharField(_("code"), max_length=40, primary_key=True)
    county = models.ForeignKey(
        County, verbose_name=_("county"), null=True, blank=True, on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=150)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("entry point")
        verbose_name_plural = _("entry points")

    def __str__(self) -> str:
        return self.name


class ProtectionConcern(models.Model):
    code = models.CharField(_("code"), max_length=40, primary_key=True)
    label = models.CharField(_("label"), max_length=150)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("protection concern")
        verbose_name_plural = _("protection concerns")

    def __str__(self) -> str:
        return self.label


class Choice(models.Model):
    """One code of one list of choices.csv (sex, uasc_status, service_type, ...)."""

    list_name = models.CharField(_("list"), max_length=40)
    code = models.CharField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["list_name", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["list_name", "code"], name="choice_unique_code")
        ]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return f"{self.list_name}: {self.label}"
