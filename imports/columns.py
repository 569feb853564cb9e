"""The columns of the three files of shared/spec/import_format.md.

One table drives the reader, the validation, the export and the downloadable template,
so that an export is always a valid import. The question columns come from the question
catalogue (questions/): type, list, length, description and whether the header needs them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from questions import QUESTIONS, Question
from questions.rules import AGE_GROUPS  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, date, yesno, code, multi, country, nationality, phone, ref
    description: str
    list_name: str = ""  # lookups list for code and multi columns
    max_length: int | None = None
    # Must be in the header (the form's "R" questions); other columns may be left out.
    header_required: bool = False


def _c(name, kind, description, list_name="", max_length=None, required=False) -> Column:
    return Column(name, kind, description, list_name, max_length, required)


CHILDREN = "children"
CAREGIVERS = "caregivers"
REFERRALS = "referrals"
FILES = (CHILDREN, CAREGIVERS, REFERRALS)

# The column kind of each kind of question.
_KIND = {
    "date": "date",
    "line": "text",
    "text": "text",
    "choice": "code",
    "multi": "multi",
    "yesno": "yesno",
    "country": "country",
    "nationality": "nationality",
    "phone": "phone",
}


def _from_question(q: Question, name: str | None = None, *, required: bool | None = None):
    """A column of a question of the catalogue: its type, list, length and description;
    required in the header when the form requires it (and it has no default)."""
    if required is None:
        required = q.required and not q.default
    return _c(
        name or q.code,
        _KIND[q.kind],
        q.import_help or q.label,
        q.lookup,
        q.max_length,
        required,
    )


CHILD_COLUMNS: tuple[Column, ...] = (
    _c(
        "record_ref",
        "ref",
        _("The record's identifier in the source system"),
        max_length=100,
        required=True,
    ),
    _c(
        "household_ref",
        "ref",
        _("Children with the same value belong to one household"),
        max_length=100,
    ),
    _c("caregiver_ref", "ref", _("A caregiver_ref of the caregivers file"), max_length=100),
    # Sections A-F of registration.md (the caregiver's own answers are in the caregivers
    # file; the groups 36-37 are not imported).
    *(_from_question(q) for q in QUESTIONS if q.in_children_file),
    # Statistics and case status
    _c(
        "age_group",
        "code",
        _("Age group: 0-5, 6-13 or 14-17; required without consent"),
        "age_group",
    ),
    _c("status", "code", _("open or closed (default open)"), "case_status"),
    _c("closed_on", "date", _("Date the case was closed")),
    _c("closure_reason", "code", _("Why the case was closed"), "closure_reason"),
)

CAREGIVER_COLUMNS: tuple[Column, ...] = (
    _c(
        "caregiver_ref",
        "ref",
        _("The caregiver's identifier, unique in the file"),
        max_length=100,
        required=True,
    ),
    # The caregiver questions kept on the caregiver, named as its attributes; required
    # when the form requires them (a caregiver row is a caregiver who is there).
    *(
        _from_question(q, q.caregiver_attr, required=q.required_when)
        for q in QUESTIONS
        if q.caregiver_attr
    ),
)
# Caregivers file column -> question code.
CAREGIVER_QUESTIONS = {q.caregiver_attr: q.code for q in QUESTIONS if q.caregiver_attr}

REFERRAL_COLUMNS: tuple[Column, ...] = (
    _c("record_ref", "ref", _("The child's record_ref"), max_length=100, required=True),
    _c("service_type", "code", _("Service"), "service_type", required=True),
    _c(
        "provider_name",
        "text",
        _("Name of a service provider of the child's county"),
        max_length=200,
    ),
    _c("referred_on", "date", _("Referral date"), required=True),
    _c("status", "code", _("Referral status"), "referral_status", required=True),
    _c("closed_on", "date", _("Date declined or completed")),
    # Optional (our export fills it with the referral's code): two referrals of one child
    # for the same service on the same day stay two on re-import.
    _c(
        "referral_ref",
        "ref",
        _(
            "The referral's code in this system (filled by the export); optional. A row "
            "naming a stored referral of the same child updates it; empty or unknown, the "
            "row is matched by record_ref, service_type and referred_on."
        ),
        max_length=100,
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    CHILDREN: CHILD_COLUMNS,
    CAREGIVERS: CAREGIVER_COLUMNS,
    REFERRALS: REFERRAL_COLUMNS,
}
BY_NAME: dict[str, dict[str, Column]] = {
    f: {c.name: c for c in cols} for f, cols in COLUMNS.items()
}
