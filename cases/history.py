"""The history of a case as people read it: who, when, which answers changed, labelled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cases import reasons
from cases.labels import display, field_label
from cases.models import Child

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


def diff(newer, older) -> list[Change]:
    delta = newer.diff_against(older, excluded_fields=HIDDEN, foreign_keys_are_objs=False)
    return [
        Change(c.field, field_label(c.field), display(c.field, c.old), display(c.field, c.new))
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
