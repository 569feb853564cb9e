"""Children named in another child's accompanying_children group, waiting to be registered.

Registration writes cases.Child, cases.Caregiver and cases.Household (see services.py).
A pending sibling is kept only with consent: it holds names the family gave.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingSibling(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        "cases.Household", on_delete=models.CASCADE, related_name="pending_siblings"
    )
    # The registration that named this child; the next form is pre-filled from it.
    named_by = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="+")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=10)
    date_of_birth = models.DateField(_("date of birth"))
    relationship = models.CharField(_("relationship to the caregiver"), max_length=30, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    registered_child = models.OneToOneField(
        "cases.Child", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["household", "position", "id"]
        verbose_name = _("child of the household still to register")
        verbose_name_plural = _("children of the household still to register")

    def __str__(self) -> str:
        return str(self.public_id)
