"""The sections A-F of a case, for the case page and for editing one section.

The section forms are built from the question catalogue (questions/) and checked by it,
like the registration form and the import. Two answers are not editable here on purpose:
consent_registration (a case without consent must be anonymised, not edited) and
current_county (a move is a transfer, which the receiving county accepts).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases import merge
from cases.answers import answers_of
from cases.labels import case_sections, display, field_label, section_codes
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


# Fields of the form that are not answers.
BOOKKEEPING = {"version", "original", "conflicts"}
KEEP_PREFIX = "keep__"


class SectionForm(forms.Form):
    """One section of a case. Initial values come from the case (and its caregiver);
    the answers are checked by the catalogue together with the case's other answers.

    The form carries the answers it was opened with (`original`), so that a save refused
    as stale can be merged with the case as saved now (cases.merge); the answers both the
    user and a colleague changed (`conflicts`) then need a choice (`keep__<code>`)."""

    section = ""

    version = forms.IntegerField(widget=forms.HiddenInput)
    original = forms.CharField(widget=forms.HiddenInput, required=False)
    conflicts = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, child: Child, **kwargs):
        self.child = child
        kwargs.setdefault("initial", self.initial_from(child))
        super().__init__(*args, **kwargs)
        for code in _editable(self.section):
            self.fields[code] = field_for(BY_CODE[code])
            self.fields[code].label = field_label(code)
        self._add_choices()

    @classmethod
    def merge_codes(cls) -> list[str]:
        """The answers of the form, as merged after a conflict."""
        return _editable(cls.section)

    @classmethod
    def saved_answers(cls, child: Child) -> dict:
        """The answers of the form as the case holds them now."""
        initial = cls.initial_from(child)
        return {code: initial.get(code) for code in cls.merge_codes()}

    def conflict_codes(self) -> list[str]:
        raw = self.data.get("conflicts") if self.is_bound else self.initial.get("conflicts")
        wanted = set((raw or "").split(","))
        return [code for code in self.merge_codes() if code in wanted]

    def _add_choices(self) -> None:
        """A required choice for each answer both the user and a colleague changed,
        placed after the answer's field."""
        codes = self.conflict_codes()
        if not codes:
            return
        saved = self.saved_answers(self.child)
        fields = dict(self.fields)
        for code in codes:
            choice = forms.ChoiceField(
                label=_("Both you and a colleague changed this answer. Keep:")
                if code in fields
                else _(
                    "Other adults travelling with the child: both you and a colleague "
                    "changed the list. Keep:"
                ),
                choices=[
                    (
                        merge.MINE,
                        _("my answer (in the field above)")
                        if code in fields
                        else _("my list (below)"),
                    ),
                    (
                        merge.SAVED,
                        format_lazy(
                            _("the saved answer: {value}"), value=display(code, saved[code])
                        ),
                    ),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose which answer to keep.")},
            )
            anchor = code if code in fields else None
            reordered = {}
            for name, field in fields.items():
                reordered[name] = field
                if name == anchor:
                    reordered[KEEP_PREFIX + code] = choice
            if anchor is None:
                reordered[KEEP_PREFIX + code] = choice
            fields = reordered
        self.fields = fields

    @classmethod
    def initial_from(cls, child: Child) -> dict:
        stored = answers_of(child)
        initial = {"version": child.version}
        for code in _editable(cls.section):
            value = stored[code]
            initial[code] = "" if value is None and BY_CODE[code].kind != "yesno" else value
        initial["original"] = merge.encode(
            {code: initial.get(code) for code in _editable(cls.section)}
        )
        return initial

    def originals(self) -> dict:
        """The answers the form was opened with (merge.UNKNOWN where unreadable)."""
        values = merge.decode(self.data.get("original", "")) or {}
        return {code: values.get(code, merge.UNKNOWN) for code in self.merge_codes()}

    def changes(self) -> dict:
        """The cleaned answers of the section, without the form's bookkeeping."""
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in BOOKKEEPING and not k.startswith(KEEP_PREFIX)
        }

    def _apply_choices(self, data: dict) -> None:
        saved = self.saved_answers(self.child)
        for code in self.conflict_codes():
            if data.get(KEEP_PREFIX + code) == merge.SAVED and code in data:
                data[code] = saved[code]

    def clean(self):
        data = super().clean()
        self._apply_choices(data)
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
        answers = merge.decode(initial["original"]) or {}
        answers["accompanying_adults"] = list(child.accompanying_adults or [])
        initial["original"] = merge.encode(answers)
        return initial

    @classmethod
    def merge_codes(cls) -> list[str]:
        return [*super().merge_codes(), "accompanying_adults"]

    @classmethod
    def saved_answers(cls, child: Child) -> dict:
        answers = super().saved_answers(child)
        answers["accompanying_adults"] = list(child.accompanying_adults or [])
        return answers

    def set_adults(self, adults: list[dict]) -> None:
        """Show these adults (after a conflict: the merged list) instead of the case's."""
        self.adults = AdultFormSet(prefix="adults", initial=adults)

    def is_valid(self) -> bool:
        return super().is_valid() & self.adults.is_valid()

    def changes(self) -> dict:
        data = super().changes()
        if self.cleaned_data.get(KEEP_PREFIX + "accompanying_adults") == merge.SAVED:
            data["accompanying_adults"] = list(self.child.accompanying_adults or [])
            return data
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


def merged_after_conflict(sent: SectionForm, child: Child) -> SectionForm:
    """The form to show after `sent` was refused as stale: the case as saved now, with the
    user's own changes kept (cases.merge); the answers that differ from what the user sent
    are marked, and those both changed need a choice before saving again."""
    form_class = type(sent)
    saved = form_class.saved_answers(child)
    mine = sent.changes()
    originals = sent.originals()
    results = [
        merge.merge(code, originals[code], mine.get(code), saved[code])
        for code in form_class.merge_codes()
    ]
    initial = form_class.initial_from(child)
    for result in results:
        if result.outcome != merge.SAVED:
            initial[result.code] = result.mine
    initial["conflicts"] = ",".join(r.code for r in results if r.outcome == merge.CHOOSE)
    form = form_class(child=child, initial=initial)
    form.merged = {}
    for result in results:
        if result.code == "accompanying_adults" and isinstance(form, SectionDForm):
            kept = result.saved if result.outcome == merge.SAVED else result.mine
            form.set_adults(list(kept or []))
        if result.differs:
            note = {
                "choose": result.outcome == merge.CHOOSE,
                "mine": display(result.code, result.mine),
                "saved": display(result.code, result.saved),
            }
            form.merged[result.code] = note
            if result.code in form.fields:
                form.fields[result.code].merged = note
    return form
