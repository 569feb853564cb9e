"""How a case's answers are shown to people: the sections of the case page, the label of
each answer and its value, read from the question catalogue (questions/).

The case page, the case history and the edit forms read these; nothing here keeps a
list of questions of its own. The catalogue is read on each call, so that a question
added there appears on the page and in the history without a second change here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field
from django.utils import formats
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django_countries import countries

import questions
from lookups import registry
from questions.countries import STATELESS

# Answers the system derives (not questions): shown after the answer they come from.
DERIVED_AFTER = {"date_of_birth_estimated": "age_group", "risk_level": "suggested_risk_level"}
# The lookup lists of derived answers (those of questions are in the catalogue).
DERIVED_LISTS = {"suggested_risk_level": "risk_level"}
# Other coded columns of a case that its history shows.
CASE_LISTS = {"closure_reason": "closure_reason"}


def section_codes(letter: str) -> list[str]:
    """The answers of a section in the catalogue's order, derived answers after theirs.
    The other children travelling with the child are registrations of their own."""
    codes = []
    for q in questions.QUESTIONS:
        if q.section != letter or q.code == "accompanying_children":
            continue
        codes.append(q.code)
        if q.code in DERIVED_AFTER:
            codes.append(DERIVED_AFTER[q.code])
    return codes


def case_sections() -> dict[str, tuple[Any, list[str]]]:
    """Section letter -> ("B. The child", the answer codes of the section)."""
    return {
        letter: (format_lazy("{}. {}", letter, title), section_codes(letter))
        for letter, title in questions.SECTIONS.items()
    }


def field_label(code: str) -> str:
    """The label of an answer: the catalogue's question; for what the system keeps
    besides the answers (status, dates of the workflow, derived answers), the model's
    name of the column. A history-only name is shown as it is."""
    from cases.models import Child

    code = code.removesuffix("_id")
    question = questions.BY_CODE.get(code)
    if question is not None:
        text = str(question.label)
    else:
        try:
            field = Child._meta.get_field(code)
        except FieldDoesNotExist:
            return code
        if not isinstance(field, Field):
            return code
        text = str(field.verbose_name)
    # Only the first letter: str.capitalize() would lower "Romania".
    return text[:1].upper() + text[1:]


def lookup_list(code: str) -> str:
    """The lookups list of a coded answer ("" for an answer that is not a code)."""
    question = questions.BY_CODE.get(code)
    if question is not None:
        return question.lookup
    return DERIVED_LISTS.get(code) or CASE_LISTS.get(code, "")


def _country(code: str) -> str:
    return _("Stateless") if code == STATELESS else (countries.name(code) or code)


def display(code: str, value: Any) -> str:
    """An answer as shown to people: labels of codes in the active language."""
    if code == "protection_concerns":
        value = _m2m_codes(value)
    if value in (None, "", []):
        return "—"
    question = questions.BY_CODE.get(code)
    kind = question.kind if question is not None else ""
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
    if kind in ("country", "nationality"):
        return _country(str(value))
    list_name = lookup_list(code)
    if list_name:
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
        from cases.models import Child

        field = Child._meta.get_field(code)
        choices = dict(field.choices or ()) if isinstance(field, Field) else {}
        return str(choices.get(value, value))
    return str(value)


def _m2m_codes(value) -> list[str]:
    """simple-history gives m2m values as rows of the through table."""
    codes = []
    for row in value or []:
        if isinstance(row, dict):
            codes.append(row.get("protectionconcern"))
        else:
            codes.append(row)
    return sorted(str(c) for c in codes if c)
