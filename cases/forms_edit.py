"""The sections A-F of a case, for the case page and for editing one section.

The registration form (registration/forms.py) was being written at the same time; these
section forms apply the same rules of registration.md to an existing case. Two answers
are not editable here on purpose: consent_registration (a case without consent must be
anonymised, not edited) and current_county (a move is a transfer, which the receiving
county accepts).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import rules
from cases.models import Child
from lookups import registry
from questions.countries import STATELESS, country_choices, is_country
from registration.forms import latin_script
from questions.phones import InvalidPhone, normalise_phone

SECTIONS: dict[str, tuple[str, list[str]]] = {
    "A": (
        _("A. Interview and consent"),
        [
            "registration_date",
            "registration_county",
            "registration_place",
            "entry_point",
            "entry_date",
            "consent_registration",
            "consent_given_by",
            "consent_share_providers",
            "interpreter_used",
            "interpreter_language",
        ],
    ),
    "B": (
        _("B. The child"),
        [
            "first_name",
            "last_name",
            "name_native",
            "sex",
            "date_of_birth",
            "date_of_birth_estimated",
            "age_group",
            "nationality",
            "id_document_type",
            "id_document_number",
            "languages",
            "education_status",
            "has_disability",
            "disability_details",
            "medical_needs",
        ],
    ),
    "C": (
        _("C. Care arrangement and the caregiver"),
        [
            "care_arrangement",
            "uasc_status",
            "caregiver_first_name",
            "caregiver_last_name",
            "caregiver_relationship",
            "caregiver_sex",
            "caregiver_date_of_birth",
            "caregiver_id_document_type",
            "caregiver_phone",
            "caregiver_is_legal_guardian",
            "caregiver_ability_to_care",
        ],
    ),
    "D": (
        _("D. Accompanying persons and family"),
        ["accompanying_adults", "family_in_ukraine", "tracing_requested"],
    ),
    "E": (
        _("E. Location and movement"),
        [
            "current_county",
            "current_locality",
            "current_address",
            "accommodation_type",
            "planned_stay",
            "destination_country",
            "planned_departure_date",
            "contact_phone",
        ],
    ),
    "F": (
        _("F. Protection concerns, needs and risk"),
        [
            "protection_concerns",
            "concern_source",
            "concern_details",
            "immediate_needs",
            "risk_level",
            "suggested_risk_level",
            "risk_justification",
            "services_needed",
            "urgent_action_taken",
            "interviewer_notes",
        ],
    ),
}

# The lookup list of each coded answer.
FIELD_LISTS = {
    "registration_county": "county",
    "current_county": "county",
    "entry_point": "entry_point",
    "registration_place": "registration_place",
    "consent_given_by": "consent_given_by",
    "interpreter_language": "language",
    "sex": "sex",
    "caregiver_sex": "sex",
    "id_document_type": "id_document",
    "caregiver_id_document_type": "id_document",
    "languages": "language",
    "education_status": "education_status",
    "has_disability": "yes_no_unknown",
    "family_in_ukraine": "yes_no_unknown",
    "care_arrangement": "care_arrangement",
    "uasc_status": "uasc_status",
    "caregiver_relationship": "relationship",
    "caregiver_ability_to_care": "ability_to_care",
    "accommodation_type": "accommodation",
    "planned_stay": "planned_stay",
    "concern_source": "concern_source",
    "immediate_needs": "need",
    "risk_level": "risk_level",
    "suggested_risk_level": "risk_level",
    "services_needed": "service_type",
    "protection_concerns": "protection_concern",
}
CAREGIVER_LABELS = {
    "caregiver_first_name": _("caregiver's first name"),
    "caregiver_last_name": _("caregiver's last name"),
    "caregiver_sex": _("caregiver's sex"),
    "caregiver_date_of_birth": _("caregiver's date of birth"),
    "caregiver_id_document_type": _("caregiver's identity document"),
    "caregiver_phone": _("caregiver's phone number"),
}
# Caregiver answers kept on the Caregiver (a person of their own), not on the child.
CAREGIVER_PERSON_FIELDS = {
    "caregiver_first_name": "first_name",
    "caregiver_last_name": "last_name",
    "caregiver_sex": "sex",
    "caregiver_date_of_birth": "date_of_birth",
    "caregiver_id_document_type": "id_document_type",
    "caregiver_phone": "phone",
}
NOT_EDITABLE = {"consent_registration", "current_county", "age_group", "suggested_risk_level"}


def field_label(code: str) -> str:
    """The label of an answer code, for the case page, history and conflict messages."""
    if code in CAREGIVER_LABELS:
        text = str(CAREGIVER_LABELS[code])
    else:
        try:
            text = str(Child._meta.get_field(code).verbose_name)
        except Exception:  # not a Child field (e.g. a history-only name)
            return code
    # Only the first letter: str.capitalize() would lower "Romania".
    return text[:1].upper() + text[1:]


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class YesNoField(forms.TypedChoiceField):
    """A required yes/no question stored as a boolean."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.RadioSelect)
        super().__init__(
            choices=YES_NO, coerce=lambda v: v == "yes" or v is True, empty_value=None, **kwargs
        )

    def prepare_value(self, value):
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _lookup(list_name: str, *, required: bool = True, label=None) -> forms.ChoiceField:
    blank = [] if required else [("", "—")]
    return forms.ChoiceField(
        choices=lambda: blank + registry.choices(list_name), required=required, label=label
    )


def _multi(list_name: str, *, required: bool = False, label=None) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=lambda: registry.choices(list_name),
        required=required,
        label=label,
        widget=forms.CheckboxSelectMultiple,
    )


class SectionForm(forms.Form):
    """One section of a case. Initial values come from the case (and its caregiver)."""

    section = ""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, child: Child, **kwargs):
        self.child = child
        kwargs.setdefault("initial", self.initial_from(child))
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name == "version" or field.label:
                continue
            field.label = field_label(name)

    @classmethod
    def initial_from(cls, child: Child) -> dict:
        initial = {"version": child.version}
        for name in SECTIONS[cls.section][1]:
            if name in NOT_EDITABLE:
                continue
            if name in CAREGIVER_PERSON_FIELDS:
                cg = child.caregiver
                initial[name] = getattr(cg, CAREGIVER_PERSON_FIELDS[name]) if cg else ""
            elif name == "protection_concerns":
                initial[name] = [c.pk for c in child.protection_concerns.all()]
            elif name in ("registration_county", "entry_point"):
                initial[name] = getattr(child, f"{name}_id")
            else:
                initial[name] = getattr(child, name)
        return initial

    def changes(self) -> dict:
        """The cleaned answers of the section, without the version."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def _require(self, name: str, when: bool) -> None:
        """A conditional question: required when the condition holds, emptied otherwise."""
        value = self.cleaned_data.get(name)
        if when:
            if value in (None, "", [], ()):
                self.add_error(name, _("This field is required."))
            return
        if name not in self.cleaned_data:
            return
        field = self.fields[name]
        if isinstance(field, forms.MultipleChoiceField):
            self.cleaned_data[name] = []
        elif isinstance(field, forms.DateField | YesNoField):
            self.cleaned_data[name] = None
        else:
            self.cleaned_data[name] = ""


class SectionAForm(SectionForm):
    section = "A"
    registration_date = forms.DateField(widget=_date_widget())
    registration_county = forms.ChoiceField(choices=lambda: registry.choices("county"))
    registration_place = _lookup("registration_place")
    entry_point = forms.ChoiceField(choices=lambda: registry.choices("entry_point"))
    entry_date = forms.DateField(widget=_date_widget())
    consent_given_by = _lookup("consent_given_by")
    consent_share_providers = YesNoField()
    interpreter_used = YesNoField()
    interpreter_language = _lookup("language", required=False)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        reg, entry = data.get("registration_date"), data.get("entry_date")
        if reg and reg > today:
            self.add_error("registration_date", _("The date cannot be in the future."))
        if entry:
            if entry < rules.WAR_START:
                self.add_error(
                    "entry_date", _("The date of entry cannot be before 24 February 2022.")
                )
            if reg and entry > reg:
                self.add_error("entry_date", _("The date of entry cannot be after the interview."))
        dob = self.child.date_of_birth
        if reg and dob and rules.age_on(dob, reg) >= 18:
            self.add_error("registration_date", _("The child would be 18 or older on this date."))
        self._require("interpreter_language", data.get("interpreter_used") is True)
        return data


class SectionBForm(SectionForm):
    section = "B"
    # The registration's own rule (registration.forms.latin_script): the spelling of the
    # documents goes in name_native.
    first_name = forms.CharField(max_length=100, validators=[latin_script])
    last_name = forms.CharField(max_length=100, validators=[latin_script])
    name_native = forms.CharField(max_length=200, required=False)
    sex = _lookup("sex")
    date_of_birth = forms.DateField(widget=_date_widget())
    date_of_birth_estimated = YesNoField()
    nationality = forms.ChoiceField(choices=lambda: country_choices(stateless=True))
    id_document_type = _lookup("id_document")
    id_document_number = forms.CharField(max_length=50, required=False)
    languages = _multi("language", required=True)
    education_status = _lookup("education_status")
    has_disability = _lookup("yes_no_unknown")
    disability_details = forms.CharField(widget=forms.Textarea, required=False)
    medical_needs = forms.CharField(widget=forms.Textarea, required=False)

    def clean(self):
        data = super().clean()
        dob = data.get("date_of_birth")
        if dob:
            if dob > timezone.localdate():
                self.add_error("date_of_birth", _("The date cannot be in the future."))
            elif rules.age_on(dob, self.child.registration_date) >= 18:
                self.add_error(
                    "date_of_birth", _("The child must be under 18 on the date of the interview.")
                )
        nationality = data.get("nationality")
        if nationality and nationality != STATELESS and not is_country(nationality):
            self.add_error("nationality", _("Choose a country."))
        self._require("id_document_number", data.get("id_document_type") not in (None, "", "none"))
        self._require("disability_details", data.get("has_disability") == "yes")
        return data


class SectionCForm(SectionForm):
    section = "C"
    care_arrangement = _lookup("care_arrangement")
    uasc_status = _lookup("uasc_status")
    caregiver_first_name = forms.CharField(max_length=100, required=False)
    caregiver_last_name = forms.CharField(max_length=100, required=False)
    caregiver_relationship = _lookup("relationship", required=False)
    caregiver_sex = _lookup("sex", required=False)
    caregiver_date_of_birth = forms.DateField(widget=_date_widget(), required=False)
    caregiver_id_document_type = _lookup("id_document", required=False)
    caregiver_phone = forms.CharField(max_length=30, required=False)
    caregiver_is_legal_guardian = YesNoField(required=False)
    caregiver_ability_to_care = _lookup("ability_to_care", required=False)

    CONDITIONAL = (
        "caregiver_first_name",
        "caregiver_last_name",
        "caregiver_relationship",
        "caregiver_sex",
        "caregiver_id_document_type",
        "caregiver_is_legal_guardian",
        "caregiver_ability_to_care",
    )

    def clean(self):
        data = super().clean()
        care, uasc = data.get("care_arrangement"), data.get("uasc_status")
        if care and uasc and uasc not in rules.UASC_FOR_CARE.get(care, {uasc}):
            self.add_error(
                "uasc_status", _("This status does not fit the care arrangement chosen.")
            )
        has_caregiver = uasc not in (None, "", "unaccompanied")
        for name in self.CONDITIONAL:
            self._require(name, has_caregiver)
        dob = data.get("caregiver_date_of_birth")
        if dob and rules.age_on(dob, timezone.localdate()) < 18:
            self.add_error("caregiver_date_of_birth", _("The caregiver must be 18 or older."))
        try:
            data["caregiver_phone"] = normalise_phone(data.get("caregiver_phone", ""))
        except InvalidPhone:
            self.add_error("caregiver_phone", _("Enter a phone number, e.g. 0722 123 456."))
        if not has_caregiver:
            data["caregiver_phone"] = ""
            data["caregiver_date_of_birth"] = None
        return data


class AdultForm(forms.Form):
    first_name = forms.CharField(label=_("first name"), max_length=100)
    last_name = forms.CharField(label=_("last name"), max_length=100)
    sex = _lookup("sex", label=_("sex"))
    relationship = _lookup("relationship", label=_("relationship"))


AdultFormSet = forms.formset_factory(AdultForm, extra=1, can_delete=True, max_num=20)


class SectionDForm(SectionForm):
    section = "D"
    family_in_ukraine = _lookup("yes_no_unknown")
    tracing_requested = YesNoField()

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
    current_locality = forms.CharField(max_length=100)
    current_address = forms.CharField(widget=forms.Textarea, required=False)
    accommodation_type = _lookup("accommodation")
    planned_stay = _lookup("planned_stay")
    destination_country = forms.ChoiceField(
        choices=lambda: [("", "—"), *country_choices(exclude=frozenset({"RO", "UA"}))],
        required=False,
    )
    planned_departure_date = forms.DateField(widget=_date_widget(), required=False)
    contact_phone = forms.CharField(max_length=30, required=False)

    def clean(self):
        data = super().clean()
        planned = data.get("planned_stay")
        self._require("destination_country", planned == "transit")
        if planned not in ("transit", "return"):
            data["planned_departure_date"] = None
        try:
            data["contact_phone"] = normalise_phone(data.get("contact_phone", ""))
        except InvalidPhone:
            self.add_error("contact_phone", _("Enter a phone number, e.g. 0722 123 456."))
        return data


class SectionFForm(SectionForm):
    section = "F"
    protection_concerns = _multi("protection_concern")
    concern_source = _lookup("concern_source", required=False)
    concern_details = forms.CharField(widget=forms.Textarea, required=False)
    immediate_needs = _multi("need")
    risk_level = _lookup("risk_level")
    risk_justification = forms.CharField(widget=forms.Textarea, required=False)
    services_needed = _multi("service_type")
    urgent_action_taken = forms.CharField(widget=forms.Textarea, required=False)
    interviewer_notes = forms.CharField(widget=forms.Textarea, required=False)

    def suggested(self) -> str:
        data = getattr(self, "cleaned_data", None) or {}
        concerns = data.get("protection_concerns", self.initial.get("protection_concerns", []))
        return rules.suggested_risk_level(
            self.child.uasc_status, concerns, self.child.has_disability
        )

    def clean(self):
        data = super().clean()
        has_concerns = bool(data.get("protection_concerns"))
        self._require("concern_source", has_concerns)
        self._require("concern_details", has_concerns)
        risk = data.get("risk_level")
        if risk:
            needs_reason = risk == "high" or risk != self.suggested()
            if needs_reason and not (data.get("risk_justification") or "").strip():
                self.add_error(
                    "risk_justification",
                    _("Say why: the risk level is high or differs from the suggested one."),
                )
        return data


SECTION_FORMS: dict[str, type[SectionForm]] = {
    "A": SectionAForm,
    "B": SectionBForm,
    "C": SectionCForm,
    "D": SectionDForm,
    "E": SectionEForm,
    "F": SectionFForm,
}
