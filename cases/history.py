"""The history of a case as people read it: who, when, which answers changed, labelled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django_countries import countries

from cases import reasons
from cases.forms_edit import FIELD_LISTS, field_label
from cases.models import Child
from lookups import registry
from registration.countries import STATELESS

# Bookkeeping columns: not answers, not shown as changes.
HIDDEN = [
    "updated_at",
    "updated_by",
    "version",
    "created_at",
    "created_by",
    "submission_token",
    "name_key",
]


@dataclass
class Change:
    code: str
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: dt.datetime
    who: str
    kind: str
    reason: str
    version: int | None
    changes: list[Change] = field(default_factory=list)
    # "case" for a version of the case, "referral" for a change of one of its referrals.
    subject: str = "case"


def _m2m_codes(value) -> list[str]:
    """simple-history gives m2m values as rows of the through table."""
    codes = []
    for row in value or []:
        if isinstance(row, dict):
            codes.append(row.get("protectionconcern"))
        else:
            codes.append(row)
    return sorted(str(c) for c in codes if c)


def display(code: str, value: Any) -> str:
    """An answer as shown to people: labels of codes in the active language."""
    if code == "protection_concerns":
        value = _m2m_codes(value)
    if value in (None, "", []):
        return "—"
    if code == "accompanying_adults":
        return "; ".join(
            f"{a.get('first_name', '')} {a.get('last_name', '')} "
            f"({registry.label('relationship', a.get('relationship'))})"
            for a in value
        )
    if code in ("assigned_to", "created_by", "updated_by"):
        from accounts.models import User

        user = User.objects.filter(pk=value).first()
        return (user.get_full_name() or user.username) if user else str(value)
    if code in ("caregiver", "household"):
        from cases.models import Caregiver, Household

        model = Caregiver if code == "caregiver" else Household
        obj = model.objects.filter(pk=value).first()
        return str(obj) if obj else str(value)
    if code in ("nationality", "destination_country"):
        return _("Stateless") if value == STATELESS else (countries.name(value) or value)
    if code == "closure_reason":
        return registry.label("closure_reason", str(value))
    if code in FIELD_LISTS:
        list_name = FIELD_LISTS[code]
        if isinstance(value, list | tuple):
            return ", ".join(registry.label(list_name, v) for v in value)
        return registry.label(list_name, str(getattr(value, "pk", value)))
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if code in ("status", "workflow_stage"):
        return str(dict(Child._meta.get_field(code).choices).get(value, value))
    return str(value)


def _label(code: str) -> str:
    if code.endswith("_id"):
        code = code[:-3]
    return field_label(code)


def diff(newer, older) -> list[Change]:
    delta = newer.diff_against(older, excluded_fields=HIDDEN, foreign_keys_are_objs=False)
    return [
        Change(c.field, _label(c.field), display(c.field, c.old), display(c.field, c.new))
        for c in delta.changes
    ]


# Apps above cases add the changes of their own records of a case (referrals: its
# referrals) from their AppConfig.ready(), so that cases imports none of them.
HistorySource = Callable[[Child], list[Entry]]
_SOURCES: list[HistorySource] = []


def add_history_source(source: HistorySource) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def case_history(child: Child) -> list[Entry]:
    """Every saved version of the case, newest first, with what changed in each."""
    records = list(
        child.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries = []
    previous = None
    for rec in records:
        user = rec.history_user
        entry = Entry(
            at=rec.history_date,
            who=(user.get_full_name() or user.username) if user else _("system"),
            kind=rec.history_type,
            reason=reasons.describe(rec.history_change_reason),
            version=rec.version,
        )
        if previous is not None and rec.history_type == "~":
            entry.changes = diff(rec, previous)
        entries.append(entry)
        previous = rec
    for source in _SOURCES:
        entries.extend(source(child))
    # Newest first; at the same instant the later-written row first.
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def changes_since(child: Child, version: int) -> list[Change]:
    """What changed between the version a user opened and the case as saved now."""
    base = child.history.filter(version=version).order_by("-history_date", "-history_id").first()
    latest = child.history.order_by("-history_date", "-history_id").first()
    if base is None or latest is None or base.pk == latest.pk:
        return []
    return diff(latest, base)
