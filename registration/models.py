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


class OfflineSubmission(models.Model):
    """A registration typed offline and sent later, stored once under the key the browser
    gave it when it was queued. The unique key is the guarantee that a resend (a retry, two
    tabs, a send interrupted after the server saved it) finds the first send's record
    instead of making a second child: PostgreSQL refuses the second row even when both
    sends arrive at the same moment (registration/offline_sync.py)."""

    key = models.UUIDField(unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The child created, or the existing child the worker said it is (linked).
    child = models.ForeignKey(
        "cases.Child", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked = models.BooleanField(default=False)
    # The device's clock when the worker saved it offline; the server's when it arrived.
    typed_at = models.DateTimeField()
    arrived_at = models.DateTimeField()

    class Meta:
        verbose_name = _("registration sent from offline")
        verbose_name_plural = _("registrations sent from offline")

    def __str__(self) -> str:
        return str(self.key)
