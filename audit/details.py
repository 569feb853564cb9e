"""The details of audit events as people read them: labels for the keys, usernames for
user ids, names for counties and labels for codes. The stored details stay codes; they
are resolved when shown, for a whole page at once (one query for its users).

Apps above audit add how their own codes read (cases: question codes, contact types;
accounts: roles) from their AppConfig.ready(), so that audit imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lookups import registry

# Keys whose values are user ids, county codes, or codes of a lookup list.
USER_KEYS = frozenset({"assigned_to_id", "previous_assigned_to_id", "user_id"})
COUNTY_KEYS = frozenset({"county", "county_code", "from_county", "to_county"})
LOOKUP_KEYS = {
    "closure_reason": "closure_reason",
    "risk_level": "risk_level",
    "previous_risk_level": "risk_level",
    "workflow_stage": "workflow_stage",
    "service_type": "service_type",
    "status": "referral_status",
}
KEY_LABELS = {
    "assigned_to_id": _("assigned to"),
    "previous_assigned_to_id": _("previously assigned to"),
    "user_id": pgettext_lazy("audit detail", "user"),
    "county": _("county"),
    "county_code": _("county"),
    "from_county": _("from county"),
    "to_county": _("to county"),
    "closure_reason": _("closure reason"),
    "closed_on": _("closed on"),
    "risk_level": _("risk level"),
    "previous_risk_level": _("previous risk level"),
    "workflow_stage": _("workflow stage"),
    "service_type": _("service type"),
    "status": _("status"),
    "fields": _("answers changed"),
    "version": _("version"),
    "section": _("section"),
    "page": _("page"),
    "contact_type": _("contact type"),
    "next_follow_up_due": _("next follow-up due"),
    "referral": _("referral"),
    "provider": _("service provider"),
    "transfer": _("transfer"),
    "role": _("role"),
    "username": pgettext_lazy("audit detail", "user"),
    "format": _("format"),
    "period": _("period"),
    "step": _("step"),
    "reason": _("reason"),
    "typed_at": _("typed on the device"),
    "arrived_at": _("arrived"),
    "offline_key": _("offline key"),
    "outcome": _("outcome"),
}

ValueDisplay = Callable[[Any], str]
_DISPLAYS: dict[str, ValueDisplay] = {}


def add_value_display(key: str, display: ValueDisplay) -> None:
    """How the values of one detail key read (called from an AppConfig.ready())."""
    _DISPLAYS[key] = display


def plain(value) -> str:
    """A value as people read it: codes joined, no Python brackets, quotes or None."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}={plain(v)}" for k, v in value.items()) or "—"
    if isinstance(value, list | tuple):
        return ", ".join(plain(v) for v in value) or "—"
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    return str(value)


def _users(events: Iterable) -> dict[str, str]:
    ids = {
        str(value)
        for event in events
        for key, value in (event.details or {}).items()
        if key in USER_KEYS and value not in (None, "")
    }
    numeric = [int(i) for i in ids if i.isdigit()]
    found = get_user_model().objects.filter(pk__in=numeric).values_list("pk", "username")
    return {str(pk): username for pk, username in found}


def _value(key: str, value, users: dict[str, str]) -> str:
    if value in (None, ""):
        return "—"
    if key in USER_KEYS:
        return users.get(str(value), plain(value))
    if key in COUNTY_KEYS:
        return registry.label("county", str(value))
    if key in LOOKUP_KEYS:
        return registry.label(LOOKUP_KEYS[key], str(value))
    display = _DISPLAYS.get(key)
    if display is not None:
        if isinstance(value, list | tuple):
            return ", ".join(display(v) for v in value) or "—"
        return display(value)
    return plain(value)


def readable_details(events: list) -> None:
    """Set `detail_pairs` (label, value) on each event of a page: one query for its users."""
    users = _users(events)
    for event in events:
        event.detail_pairs = [
            (str(KEY_LABELS.get(key, key)), _value(key, value, users))
            for key, value in (event.details or {}).items()
        ]
