"""Merging an edit refused as stale with the case as saved now (a three-way merge).

For each answer of the form: the value the user started from (the form carries it), the
value they sent, and the value saved now. An answer only a colleague changed takes the
saved value; one only the user changed keeps theirs; one both changed to different values
is for the user to choose. Saving again after a conflict then never puts back, unseen, the
values the user's form held before the colleague's save.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

# The value the user started from could not be read (a form tampered with or truncated):
# every answer that differs from the saved one is then the user's to choose.
UNKNOWN = object()

MINE = "mine"
SAVED = "saved"
CHOOSE = "choose"


def comparable(value: Any) -> Any:
    """A value in the form it has in the form's `original` (JSON), for comparing."""
    value = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    if value in ("", None, []):
        return None
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return sorted(value, key=str)
    return value


def encode(values: dict[str, Any]) -> str:
    return json.dumps(values, cls=DjangoJSONEncoder, sort_keys=True)


def decode(text: str) -> dict[str, Any] | None:
    try:
        values = json.loads(text or "")
    except ValueError:
        return None
    return values if isinstance(values, dict) else None


@dataclass
class Merged:
    code: str
    mine: Any
    saved: Any
    # MINE: keep what the user sent; SAVED: take the saved value; CHOOSE: both changed.
    outcome: str
    # The saved value differs from what the user sent (the field is marked on the page).
    differs: bool


def merge(code: str, original: Any, mine: Any, saved: Any) -> Merged:
    """The outcome for one answer; original is UNKNOWN or a value as in the form's JSON."""
    m, s = comparable(mine), comparable(saved)
    if m == s:
        return Merged(code, mine, saved, MINE, differs=False)
    if original is UNKNOWN:
        return Merged(code, mine, saved, CHOOSE, differs=True)
    o = comparable(original)
    if m == o:
        return Merged(code, mine, saved, SAVED, differs=True)
    if s == o:
        return Merged(code, mine, saved, MINE, differs=False)
    return Merged(code, mine, saved, CHOOSE, differs=True)
