"""Which e-mails a user wants (issue 12): each kind can be turned off on the profile page.

The kinds are codes shared with the notifications of the cases app, which reads
`wants_email` before sending; a user without a row gets the defaults.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailKind(models.TextChoices):
    CLOSURE_TO_APPROVE = "closure_to_approve", _("A request to close a case waits for my approval")
    TRANSFER_REQUESTED = "transfer_requested", _("A transfer into my county is requested")
    CASE_ASSIGNED = "case_assigned", _("A case is assigned to me")
    CASE_SHARED = "case_shared", _("A case is shared with me")
    CLOSURE_DECIDED = "closure_decided", _("My request to close a case is approved or rejected")
    FOLLOW_UP_DIGEST = "follow_up_digest", _("Every morning, the list of my follow-ups due")
    EMERGENCY_ACCESS = (
        "emergency_access",
        _("A case of my county is opened through emergency access"),
    )


# Kinds nobody can turn off. Emergency access is a safeguard (roles.md): reading a case
# outside one's caseload is allowed only because the county's coordinators are told and
# review every grant; a coordinator who turned the notice off would make it unchecked.
MANDATORY = frozenset({EmailKind.EMERGENCY_ACCESS})


# The digest is opt-in: one more e-mail a day is a choice, the others are work to act on.
DEFAULTS = {kind: kind != EmailKind.FOLLOW_UP_DIGEST for kind in EmailKind.values}

_FOR_COORDINATORS = [
    EmailKind.CLOSURE_TO_APPROVE,
    EmailKind.TRANSFER_REQUESTED,
    EmailKind.CASE_SHARED,
]
_FOR_WORKERS = [
    EmailKind.CASE_ASSIGNED,
    EmailKind.CASE_SHARED,
    EmailKind.CLOSURE_DECIDED,
    EmailKind.FOLLOW_UP_DIGEST,
]


def kinds_for(user) -> list[str]:
    """The kinds a user of this role can turn on or off (the profile page offers only these;
    the MANDATORY kinds are not offered)."""
    return list(_FOR_COORDINATORS if user.is_coordinator else _FOR_WORKERS)


class EmailPreferences(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="email_preferences",
    )
    # kind code -> on/off, only for the kinds the user changed: a kind added later
    # starts at its default for everyone.
    choices = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("e-mail preferences")
        verbose_name_plural = _("e-mail preferences")

    def __str__(self) -> str:
        return str(self.user_id)

    def wants(self, kind: str) -> bool:
        return bool(self.choices.get(kind, DEFAULTS.get(kind, False)))


def wants_email(user, kind: str) -> bool:
    """Does this user want this kind of e-mail (and have an address to receive it)?"""
    if not user.is_active or not user.email:
        return False
    if kind in MANDATORY:
        return True
    prefs = EmailPreferences.objects.filter(user=user).first()
    return prefs.wants(kind) if prefs else DEFAULTS.get(kind, False)


def set_preferences(user, enabled: set[str]) -> EmailPreferences:
    """Store the user's choice for each kind offered to their role."""
    prefs, _created = EmailPreferences.objects.get_or_create(user=user)
    prefs.choices = {
        **prefs.choices,
        **{kind: kind in enabled for kind in kinds_for(user)},
    }
    prefs.save()
    return prefs
