"""The sections A-F of a case, for the case page and for editing one section.

The section forms are built from the question catalogue (questions/) and checked by it,
like the registration form and the import. Two answers are not editable here on purpose:
consent_registration (a case without consent must be anonymised, not edited) and
current_county (a move is a transfer, which the receiving county accepts).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.answers import answers_of
from cases.labels import case_sections, field_label, section_codes
from cases.models import Child
from lookups import registry
from questions import BY_CODE, CAREGIVER_ATTRS, Context, check
from questions import messages as question_messages
from questions.fields import field_for

NOT_EDITABLE = {"consent_registration", "current_county", "age_group", "suggested_risk_level"}
# Section letter -> (title, answer codes), as the case page shows them (cases.labels).
SECTIONS = case_sections()
# Caregiver answers kept on the Caregiver (a person of their own), not on the child.
CAREGIVER_PERSON_FIELDS = CAREGIVER_ATTRS


def _editable(letter: str) -> list[str]:
    return [
        code
        for code in section_codes(letter)
        if code in BY_CODE and code not in NOT_EDITABLE and BY_CODE[code].kind != "group"
    ]


class SectionForm(forms.Form):
    """One section of a case. Initial values come from the case (and its caregiver);
    the answers are checked by the catalogue together with the case's other answers."""

    section = ""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, child: Child, **kwargs):
        self.child = child
        kwargs.setdefault("initial", self.initial_from(child))
        super().__init__(*args, **kwargs)
        for code in _editable(self.section):
            self.fields[code] = field_for(BY_CODE[code])
            self.fields[code].label = field_label(code)

    @classmethod
    def initial_from(cls, child: Child) -> dict:
        stored = answers_of(child)
        initial = {"version": child.version}
        for code in _editable(cls.section):
            value = stored[code]
            initial[code] = "" if value is None and BY_CODE[code].kind != "yesno" else value
        return initial

    def changes(self) -> dict:
        """The cleaned answers of the section, without the version."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def clean(self):
        data = super().clean()
        ctx = Context(timezone.localdate())
        section = set(_editable(self.section))
        stored = answers_of(self.child)
        answers = {**stored, **{k: v for k, v in data.items() if k in section}}
        issues = check(answers, ctx, wrong=set(self.errors), present=section)
        # A rule of a question in another section that this edit breaks (a new interview
        # date makes the child 18) is reported on the answer of this section it read;
        # what the stored case already had is not this edit's doing.
        before = {(i.question, i.code) for i in check(stored, ctx, present=section)}
        for issue in issues:
            name = issue.question
            if name not in section:
                if (issue.question, issue.code) in before:
                    continue
                name = next((r for r in issue.reads if r in section), None)
                if name is None or name in self.errors:
                    continue
            self.add_error(
                name,
                forms.ValidationError(
                    question_messages.render(issue.code, issue.params), code=issue.code
                ),
            )
        return data


class SectionAForm(SectionForm):
    section = "A"


class SectionBForm(SectionForm):
    section = "B"


class SectionCForm(SectionForm):
    section = "C"


def _lookup(list_name: str, label) -> forms.ChoiceField:
    return forms.ChoiceField(choices=lambda: registry.choices(list_name), label=label)


class AdultForm(forms.Form):
    """A row of question 37 (other adults travelling with the child)."""

    first_name = forms.CharField(label=_("first name"), max_length=100)
    last_name = forms.CharField(label=_("last name"), max_length=100)
    sex = _lookup("sex", label=_("sex"))
    relationship = _lookup("relationship", label=_("relationship"))


AdultFormSet = forms.formset_factory(AdultForm, extra=1, can_delete=True, max_num=20)


class SectionDForm(SectionForm):
    section = "D"

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, child=child, **kwargs)
        data = args[0] if args else kwargs.get("data")
        self.adults = AdultFormSet(
            data, prefix="adults", initial=list(child.accompanying_adults or [])
        )

    @classmethod
    def initial_from(cls, child: Child) -> dict:
        initial = super().initial_from(child)
        initial.pop("accompanying_adults", None)
        return initial

    def is_valid(self) -> bool:
        return super().is_valid() & self.adults.is_valid()

    def changes(self) -> dict:
        data = super().changes()
        data["accompanying_adults"] = [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.adults.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        return data


class SectionEForm(SectionForm):
    section = "E"


class SectionFForm(SectionForm):
    section = "F"


SECTION_FORMS: dict[str, type[SectionForm]] = {
    "A": SectionAForm,
    "B": SectionBForm,
    "C": SectionCForm,
    "D": SectionDForm,
    "E": SectionEForm,
    "F": SectionFForm,
}
