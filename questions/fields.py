"""Django form fields built from the catalogue, for the registration form and the case
edit forms: the same type, choices, length and parsing wherever a question is asked.

Every field is built not required: what is required (always, or when a condition holds,
or with consent) is the catalogue's to say, in questions.check.
"""

from __future__ import annotations

from django import forms

from lookups import registry

from . import countries, messages, widgets
from .model import Question
from .phones import InvalidPhone, normalise_phone

BLANK = ("", "---------")


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YesNoField(forms.TypedChoiceField):
    """A yes/no question, cleaned to True/False (None when not answered)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", widgets.RadioSelect)
        super().__init__(
            choices=lambda: [(c, registry.label("yes_no_unknown", c)) for c in ("yes", "no")],
            coerce=lambda v: v == "yes" or v is True,
            empty_value=None,
            **kwargs,
        )

    def prepare_value(self, value):
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


class PhoneField(forms.CharField):
    """A phone as typed at a border point, cleaned to E.164 (questions.phones)."""

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return normalise_phone(value)
        except InvalidPhone:
            raise forms.ValidationError(messages.render("bad_phone"), code="bad_phone") from None


def _choices(list_name: str, blank: bool):
    def choices():
        found = registry.choices(list_name)
        return [BLANK, *found] if blank else found

    return choices


def field_for(question: Question, *, radio: bool = False) -> forms.Field:
    """The form field of one question (not required: see the module's docstring).

    `required_mark` tells the page to mark the question as required: always for a
    required question; for one required when a condition holds, the registration page's
    script sets the mark while the condition holds (questions.required_when_data)."""
    field = _field_for(question, radio=radio)
    field.required_mark = question.required
    return field


def _field_for(question: Question, *, radio: bool = False) -> forms.Field:
    q = question
    common = {"label": q.label, "required": False}
    if q.kind == "date":
        return forms.DateField(widget=date_widget(), **common)
    if q.kind == "line":
        return forms.CharField(max_length=q.max_length, **common)
    if q.kind == "text":
        return forms.CharField(
            max_length=q.max_length, widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    if q.kind == "phone":
        return PhoneField(max_length=q.max_length, **common)
    if q.kind == "yesno":
        return YesNoField(**common)
    if q.kind == "choice":
        widget = widgets.RadioSelect if radio else widgets.Select
        return forms.ChoiceField(choices=_choices(q.lookup, not radio), widget=widget, **common)
    if q.kind == "multi":
        return forms.MultipleChoiceField(
            choices=_choices(q.lookup, False), widget=widgets.CheckboxSelectMultiple, **common
        )
    if q.kind == "nationality":
        return forms.ChoiceField(
            choices=lambda: [BLANK, *countries.country_choices(stateless=True)],
            widget=widgets.Select,
            **common,
        )
    if q.kind == "country":
        return forms.ChoiceField(
            choices=lambda: [BLANK, *countries.country_choices()], widget=widgets.Select, **common
        )
    raise ValueError(f"no form field for {q.kind} ({q.code})")
