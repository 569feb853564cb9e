"""The stored answers of a case keyed by question code (caregiver answers live on the
caregiver, the concerns in a many-to-many, counties and entry points as keys)."""

from __future__ import annotations

from typing import Any

from questions import CAREGIVER_ATTRS, QUESTIONS

FOREIGN_KEYS = frozenset({"registration_county", "current_county", "entry_point"})


def answer(child, code: str) -> Any:
    if code in CAREGIVER_ATTRS:
        caregiver = child.caregiver
        return getattr(caregiver, CAREGIVER_ATTRS[code]) if caregiver else None
    if code == "protection_concerns":
        return [c.pk for c in child.protection_concerns.all()]
    if code in FOREIGN_KEYS:
        return getattr(child, f"{code}_id")
    return getattr(child, code)


def answers_of(child) -> dict[str, Any]:
    """Every answer of the case, as the catalogue's rules read them."""
    return {q.code: answer(child, q.code) for q in QUESTIONS if q.kind != "group"}
