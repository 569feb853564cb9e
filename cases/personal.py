"""Which stored columns hold personal data, for anonymisation and subject access.

Read from the question catalogue (each question's `personal` flag), never listed here:
a question added to the catalogue as personal is removed by anonymisation without anyone
editing this file. Around the catalogue: the references that link a record to another
system, and the free text of the case's own records (follow-up notes, the reason of a
referral...), which may name anyone and which no statistic reads.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from questions import CAREGIVER_ATTRS, QUESTIONS

from .models import Child


def _child_columns() -> tuple[str, ...]:
    names = {f.name for f in Child._meta.concrete_fields}
    personal = [
        q.code for q in QUESTIONS if q.personal and not q.caregiver_attr and q.code in names
    ]
    # A source system's record number leads straight back to the family.
    return (*personal, "record_ref", "name_key")


def _caregiver_columns() -> tuple[str, ...]:
    return (*CAREGIVER_ATTRS.values(), "caregiver_ref", "name_key")


CHILD_COLUMNS = _child_columns()
CAREGIVER_COLUMNS = _caregiver_columns()


def case_records() -> list[type[models.Model]]:
    """The models whose rows belong to one case (a foreign key to the child): follow-ups,
    assessments, closures, reopenings, transfers, referrals, and those apps add later."""
    return [
        rel.related_model
        for rel in Child._meta.related_objects
        if rel.one_to_many and rel.field.name == "child"
    ]


def free_text_columns(model: type[models.Model]) -> tuple[str, ...]:
    """Free text of a case record: notes, reasons, descriptions (every TextField)."""
    return tuple(f.name for f in model._meta.concrete_fields if isinstance(f, models.TextField))


def blank_value(model: type[models.Model], name: str) -> Any:
    field = model._meta.get_field(name)
    if isinstance(field, models.JSONField):
        return field.get_default()
    if field.null:
        return None
    return ""


def history_model(model: type[models.Model]) -> type[models.Model] | None:
    """The django-simple-history model of a tracked model, else None."""
    history = getattr(model, "history", None)
    return None if history is None else history.model


def history_columns(model: type[models.Model], names: tuple[str, ...]) -> list[str]:
    """The columns of names that the model's history table holds too."""
    history = history_model(model)
    if history is None:
        return []
    kept = {f.attname for f in history._meta.concrete_fields}
    return [model._meta.get_field(n).column for n in names if n in kept]
