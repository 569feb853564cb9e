"""The registration form of shared/spec/registration.md: one Django form for questions
1-56 (field name = question code) and two formsets for the repeatable groups 36 and 37.

Required-ness that depends on other answers (conditional questions, consent) is decided
in clean(): the server is the authority, the JavaScript only hides what does not apply.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lookups import registry
from questions import (
    BY_CODE,
    CAREGIVER_ATTRS,
    QUESTIONS,
    SECTIONS,
    Context,
    check,
    conditions_data,
    required_when_data,
    section_codes,
)
from questions import messages as question_messages
from questions.catalogue import HAS_CAREGIVER
from questions.fields import date_widget, field_for
from questions.rules import latin_script as _latin_rule
from questions.rules import suggested_from
from questions.widgets import Select

# Presentation only: the short lists are radio buttons on this page.
RADIO = frozenset(
    {"sex", "has_disability", "uasc_status", "caregiver_sex", "family_in_ukraine"}
    | {"planned_stay", "risk_level"}
)
# The caregiver questions sit in their own block of section C (with "Find").
CAREGIVER_FIELDS = tuple(q.code for q in QUESTIONS if q.when is HAS_CAREGIVER)
CAREGIVER_PERSON_FIELDS = tuple(CAREGIVER_ATTRS)
# What the next child of a household typed offline starts with (static/js/offline-form.js):
# the catalogue's household questions, the family name and the caregiver (no caregiver
# code exists yet to pick; the server links the child to the earlier one's caregiver).
OFFLINE_CARRIED = (
    *(q.code for q in QUESTIONS if q.household),
    "last_name",
    *CAREGIVER_FIELDS,
)
# The conditions as data for static/js/registration.js (json_script).
CONDITIONS = conditions_data()
REQUIRED_WHEN = required_when_data()
# The stored value of an answer that does not apply.
EMPTY = {"yesno": None, "date": None, "multi": []}
NOT_QUESTIONS = (
    "existing_caregiver",
    "caregiver_search",
    "submission_token",
    "household",
    "sibling",
    "confirm_new_child",
)


def _section_fields(letter: str) -> list[str]:
    return [
        code
        for code in section_codes(letter)
        if BY_CODE[code].kind != "group" and code not in CAREGIVER_FIELDS
    ]


def latin_script(value: str) -> None:
    """The catalogue's rule for names asked in Latin script, as a field validator (the
    rows of accompanying children)."""
    if _latin_rule("name")({"name": value}, None) is not None:
        raise forms.ValidationError(question_messages.render("latin_script"), code="latin_script")


def add_issues(form: forms.Form, issues, *, field_of=None) -> None:
    """Report the catalogue's issues on the form, each with its message code."""
    for issue in issues:
        name = field_of(issue) if field_of else issue.question
        if name is None:
            continue
        form.add_error(
            name,
            forms.ValidationError(
                question_messages.render(issue.code, issue.params), code=issue.code
            ),
        )


class RegistrationForm(forms.Form):
    """Questions 1-56 (but the groups 36 and 37, which are formsets), field name =
    question code, built from the catalogue."""

    # The form leaves browser validation aside: hidden conditional questions would block
    # the submit; the server answers with a message next to each field instead.
    use_required_attribute = False

    # Not questions: the caregiver picked or searched, the double-submit token, the
    # household being registered, the child of that household named by an earlier form,
    # the duplicate confirmation.
    existing_caregiver = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
    caregiver_search = forms.CharField(
        label=_("Find a caregiver already registered (name)"), required=False, max_length=200
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    household = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
    sibling = forms.UUIDField(required=False, widget=forms.HiddenInput)
    confirm_new_child = forms.BooleanField(
        label=_("I checked the possible duplicates: this is a new child"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for q in QUESTIONS:
            if q.kind != "group":
                self.fields[q.code] = field_for(q, radio=q.code in RADIO)

    @property
    def consented(self) -> bool:
        return self.cleaned_data.get("consent_registration") is True

    def sections(self):
        return [
            (letter, title, [self[name] for name in _section_fields(letter)])
            for letter, title in SECTIONS.items()
        ]

    def caregiver_fields(self):
        return [self[name] for name in CAREGIVER_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Without consent nothing personal is kept, so nothing personal is asked.
        consented = data.get("consent_registration") is not False
        asked = {q.code for q in QUESTIONS if q.kind != "group"}
        if data.get("existing_caregiver"):
            asked -= set(CAREGIVER_PERSON_FIELDS)  # the caregiver picked is already stored
        issues = check(
            data,
            Context(timezone.localdate()),
            consented=consented,
            wrong=set(self.errors),
            present=asked,
        )
        add_issues(self, issues)
        return data

    def suggested_risk(self, data: dict[str, Any] | None = None) -> str:
        return suggested_from(self.cleaned_data if data is None else data)

    # What the service stores ------------------------------------------------------------

    def registration_data(self) -> dict[str, Any]:
        """The answers keyed by question code, as register_child takes them."""
        data = dict(self.cleaned_data)
        for name in NOT_QUESTIONS:
            data.pop(name, None)
        if not data.get("nationality"):
            data["nationality"] = BY_CODE["nationality"].default
        # Hidden answers are not sent by the page; a script sending them anyway was
        # refused by clean() with consent. Without consent they are not asked: emptied.
        for q in QUESTIONS:
            if q.when is not None and q.code in data and not q.when.holds(data):
                data[q.code] = EMPTY.get(q.kind, "")
        if self.cleaned_data.get("existing_caregiver"):
            for name in CAREGIVER_PERSON_FIELDS:
                data.pop(name, None)  # the caregiver picked is linked as it is
        return data


class _RowForm(forms.Form):
    """A row of a repeatable group: its inputs sit in table cells under the column
    headings, so each carries its label for screen readers (and get_by_label)."""

    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = str(field.label)


def _choice(label, list_name: str, *, required: bool) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=required,
        choices=lambda: [("", "---------"), *registry.choices(list_name)],
        widget=Select,
    )


class AccompanyingChildForm(_RowForm):
    """A row of question 36: checked by the catalogue's rules of a child's name and date
    of birth (check_birth, called with the interview date of the form)."""

    first_name = forms.CharField(label=_("First name"), max_length=100, validators=[latin_script])
    last_name = forms.CharField(label=_("Last name"), max_length=100, validators=[latin_script])
    sex = _choice(_("Sex"), "sex", required=True)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=date_widget())
    relationship = _choice(_("Relationship to the caregiver"), "relationship", required=False)

    def check_birth(self, registration_date: dt.date | None) -> bool:
        """The catalogue's rules of a child's date of birth, on the interview date of
        the form (a row has none of its own)."""
        dob = getattr(self, "cleaned_data", {}).get("date_of_birth")
        if dob is None:
            return True
        issues = check(
            {"date_of_birth": dob, "registration_date": registration_date},
            Context(timezone.localdate()),
            questions=[BY_CODE["date_of_birth"]],
        )
        add_issues(self, issues)
        return not issues


class AccompanyingAdultForm(_RowForm):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    sex = _choice(_("Sex"), "sex", required=True)
    relationship = _choice(_("Relationship to the child"), "relationship", required=False)


MAX_GROUP_ROWS = 20
AccompanyingChildFormSet = forms.formset_factory(
    AccompanyingChildForm,
    extra=1,
    max_num=MAX_GROUP_ROWS,
    validate_max=True,
    absolute_max=MAX_GROUP_ROWS,
)
AccompanyingAdultFormSet = forms.formset_factory(
    AccompanyingAdultForm,
    extra=1,
    max_num=MAX_GROUP_ROWS,
    validate_max=True,
    absolute_max=MAX_GROUP_ROWS,
)


def new_token() -> uuid.UUID:
    return uuid.uuid4()
