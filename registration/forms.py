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

from cases import rules
from lookups import registry
from questions import countries
from questions.phones import InvalidPhone, normalise_phone

# Free text without a limit in the spec still gets one: nobody types 10,000 characters
# at a border point, and the database should not take them from a script.
TEXT_MAX = 5000

YES_NO_FIELDS = (
    "consent_registration",
    "consent_share_providers",
    "interpreter_used",
    "date_of_birth_estimated",
    "tracing_requested",
    "caregiver_is_legal_guardian",
)
CAREGIVER_PERSON_FIELDS = (
    "caregiver_first_name",
    "caregiver_last_name",
    "caregiver_sex",
    "caregiver_date_of_birth",
    "caregiver_id_document_type",
    "caregiver_phone",
)
CAREGIVER_FIELDS = (
    *CAREGIVER_PERSON_FIELDS,
    "caregiver_relationship",
    "caregiver_is_legal_guardian",
    "caregiver_ability_to_care",
)
# Required when uasc_status != unaccompanied (27-30, 32, 34, 35); 31 and 33 stay optional.
CAREGIVER_REQUIRED = (
    "caregiver_first_name",
    "caregiver_last_name",
    "caregiver_relationship",
    "caregiver_sex",
    "caregiver_id_document_type",
    "caregiver_is_legal_guardian",
    "caregiver_ability_to_care",
)

# Shown (and, where the spec says so, required) only when the condition holds. The same
# table drives the JavaScript (data-conditions) and clean().
CONDITIONS: dict[str, dict[str, Any]] = {
    "interpreter_language": {"field": "interpreter_used", "in": ["yes"]},
    "id_document_number": {"field": "id_document_type", "not_in": ["none", ""]},
    "disability_details": {"field": "has_disability", "in": ["yes"]},
    "destination_country": {"field": "planned_stay", "in": ["transit"]},
    "planned_departure_date": {"field": "planned_stay", "in": ["transit", "return"]},
    "concern_source": {"field": "protection_concerns", "not_in": []},
    "concern_details": {"field": "protection_concerns", "not_in": []},
    **{f: {"field": "uasc_status", "not_in": ["unaccompanied"]} for f in CAREGIVER_FIELDS},
}
CONDITION_REQUIRED = {
    "interpreter_language",
    "id_document_number",
    "disability_details",
    "destination_country",
    "concern_source",
    "concern_details",
}
CONDITION_MESSAGES = {
    "interpreter_language": _("Only when an interpreter was used."),
    "id_document_number": _("Leave this empty when the child has no document."),
    "disability_details": _("Only when the child has a disability."),
    "destination_country": _("Only for a child in transit to another country."),
    "planned_departure_date": _("Only when the child is in transit or returns to Ukraine."),
    "concern_source": _("Only when protection concerns were identified."),
    "concern_details": _("Only when protection concerns were identified."),
    **{
        f: _("An unaccompanied child has no caregiver: leave this empty.") for f in CAREGIVER_FIELDS
    },
}
# Asked only with consent: the anonymous record keeps none of these (the date of birth is
# still asked, for the age group, and then discarded).
PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "name_native",
    "date_of_birth_estimated",
    "id_document_type",
    "id_document_number",
    "languages",
    "education_status",
    "disability_details",
    "medical_needs",
    *CAREGIVER_FIELDS,
    "family_in_ukraine",
    "tracing_requested",
    "current_locality",
    "current_address",
    "planned_departure_date",
    "contact_phone",
    "concern_source",
    "concern_details",
    "immediate_needs",
    "risk_justification",
    "services_needed",
    "urgent_action_taken",
    "interviewer_notes",
)

SECTIONS = [
    (
        "A",
        _("Interview and consent"),
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
    (
        "B",
        _("The child"),
        [
            "first_name",
            "last_name",
            "name_native",
            "sex",
            "date_of_birth",
            "date_of_birth_estimated",
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
    ("C", _("Care arrangement and the caregiver"), ["care_arrangement", "uasc_status"]),
    ("D", _("Accompanying persons and family"), ["family_in_ukraine", "tracing_requested"]),
    (
        "E",
        _("Location and movement"),
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
    (
        "F",
        _("Protection concerns, needs and risk"),
        [
            "protection_concerns",
            "concern_source",
            "concern_details",
            "immediate_needs",
            "risk_level",
            "risk_justification",
            "services_needed",
            "urgent_action_taken",
            "interviewer_notes",
        ],
    ),
]


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _lookup(list_name: str, *, blank: bool = True) -> list[tuple[str, str]]:
    choices = registry.choices(list_name)
    return [("", "---------"), *choices] if blank else choices


def _yes_no() -> list[tuple[str, str]]:
    return [(c, registry.label("yes_no_unknown", c)) for c in ("yes", "no")]


def _text(label, max_length: int = TEXT_MAX, *, required: bool = False, textarea: bool = True):
    widget = forms.Textarea(attrs={"rows": 3}) if textarea else forms.TextInput
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


def _line(label, max_length: int, *, required: bool = False):
    return forms.CharField(label=label, max_length=max_length, required=required)


def latin_script(value: str) -> None:
    """Names asked "in Latin script" refuse Cyrillic letters (diacritics are welcome):
    the spelling of the documents has its own question (name_native)."""
    if any("\u0400" <= ch <= "\u052f" for ch in value):
        raise forms.ValidationError(
            _(
                "Write the name in Latin letters, as the family spells it; the spelling "
                "of the documents (e.g. Cyrillic) goes in the full name as written in the "
                "child's documents."
            ),
            code="latin_script",
        )


def _name(label, *, required: bool = False):
    return forms.CharField(
        label=label, max_length=100, required=required, validators=[latin_script]
    )


class RegistrationForm(forms.Form):
    # The form leaves browser validation aside: hidden conditional questions would block
    # the submit; the server answers with a message next to each field instead.
    use_required_attribute = False

    # A. Interview and consent
    registration_date = forms.DateField(label=_("Date of the interview"), widget=_date_widget())
    registration_county = forms.ChoiceField(label=_("County where the interview takes place"))
    registration_place = forms.ChoiceField(label=_("Place of the interview"))
    entry_point = forms.ChoiceField(label=_("Border crossing point of entry into Romania"))
    entry_date = forms.DateField(label=_("Date of entry into Romania"), widget=_date_widget())
    consent_registration = forms.ChoiceField(
        label=_(
            "The child/caregiver was informed of the purpose of the registration and of "
            "their rights (GDPR) and agrees to registration"
        ),
        widget=forms.RadioSelect,
    )
    consent_given_by = forms.ChoiceField(label=_("Who gave consent"))
    consent_share_providers = forms.ChoiceField(
        label=_("Agrees that data needed for referral is shared with service providers"),
        widget=forms.RadioSelect,
    )
    interpreter_used = forms.ChoiceField(
        label=_("An interpreter was used"), widget=forms.RadioSelect
    )
    interpreter_language = forms.ChoiceField(label=_("Language of interpretation"), required=False)

    # B. The child
    first_name = _name(_("First name (Latin script, as the family spells it)"), required=True)
    last_name = _name(_("Last name (Latin script)"), required=True)
    name_native = _line(
        _("Full name as written in the child's documents (e.g. Cyrillic)"), 200, required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), widget=forms.RadioSelect)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=_date_widget())
    date_of_birth_estimated = forms.ChoiceField(
        label=_("The date of birth is estimated"), widget=forms.RadioSelect
    )
    nationality = forms.ChoiceField(label=_("Nationality"))
    id_document_type = forms.ChoiceField(label=_("Identity document"))
    id_document_number = _line(_("Document number"), 50)
    languages = forms.MultipleChoiceField(
        label=_("Languages the child speaks"), widget=forms.CheckboxSelectMultiple
    )
    education_status = forms.ChoiceField(label=_("Education"))
    has_disability = forms.ChoiceField(
        label=_("The child has a disability"), widget=forms.RadioSelect
    )
    disability_details = _text(_("Kind of disability and support needed"))
    medical_needs = _text(_("Medical needs or chronic conditions"))

    # C. Care arrangement and the caregiver
    care_arrangement = forms.ChoiceField(label=_("With whom the child travels/lives"))
    uasc_status = forms.ChoiceField(
        label=_("Accompanied, separated or unaccompanied"), widget=forms.RadioSelect
    )
    existing_caregiver = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
    caregiver_search = forms.CharField(
        label=_("Find a caregiver already registered (name)"), required=False, max_length=200
    )
    caregiver_first_name = _line(_("Caregiver's first name"), 100)
    caregiver_last_name = _line(_("Caregiver's last name"), 100)
    caregiver_relationship = forms.ChoiceField(
        label=_("Caregiver's relationship to the child"), required=False
    )
    caregiver_sex = forms.ChoiceField(
        label=_("Caregiver's sex"), required=False, widget=forms.RadioSelect
    )
    caregiver_date_of_birth = forms.DateField(
        label=_("Caregiver's date of birth"), required=False, widget=_date_widget()
    )
    caregiver_id_document_type = forms.ChoiceField(
        label=_("Caregiver's identity document"), required=False
    )
    caregiver_phone = _line(_("Caregiver's phone number"), 30)
    caregiver_is_legal_guardian = forms.ChoiceField(
        label=_("The caregiver is the child's legal guardian"),
        required=False,
        widget=forms.RadioSelect,
    )
    caregiver_ability_to_care = forms.ChoiceField(
        label=_("The caregiver is able to care for the child"), required=False
    )

    # D. Accompanying persons and family (the groups are formsets, see below)
    family_in_ukraine = forms.ChoiceField(
        label=_("Close family members remain in Ukraine"), widget=forms.RadioSelect
    )
    tracing_requested = forms.ChoiceField(
        label=_("The family asks for help to trace separated family members"),
        widget=forms.RadioSelect,
    )

    # E. Location and movement
    current_county = forms.ChoiceField(label=_("County where the child is staying now"))
    current_locality = _line(_("Town or commune"), 100, required=True)
    current_address = _text(_("Address"), 500)
    accommodation_type = forms.ChoiceField(label=_("Type of accommodation"))
    planned_stay = forms.ChoiceField(label=_("Intention"), widget=forms.RadioSelect)
    destination_country = forms.ChoiceField(label=_("Country of destination"), required=False)
    planned_departure_date = forms.DateField(
        label=_("Planned date of departure"), required=False, widget=_date_widget()
    )
    contact_phone = _line(_("Phone number of the household"), 30)

    # F. Protection concerns, needs and risk
    protection_concerns = forms.MultipleChoiceField(
        label=_("Protection concerns identified"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    concern_source = forms.ChoiceField(label=_("How the concerns came to light"), required=False)
    concern_details = _text(_("Description of the concerns"))
    immediate_needs = forms.MultipleChoiceField(
        label=_("Immediate needs"), required=False, widget=forms.CheckboxSelectMultiple
    )
    risk_level = forms.ChoiceField(label=_("Risk level"), widget=forms.RadioSelect)
    risk_justification = _text(_("Why this risk level"))
    services_needed = forms.MultipleChoiceField(
        label=_("Services the child should be referred to"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    urgent_action_taken = _text(_("Urgent action already taken"))
    interviewer_notes = _text(_("Observations of the interviewer"))

    # Not questions: the double-submit token, the household being registered, the
    # child of that household named by an earlier form, the duplicate confirmation.
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    household = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
    sibling = forms.UUIDField(required=False, widget=forms.HiddenInput)
    confirm_new_child = forms.BooleanField(
        label=_("I checked the possible duplicates: this is a new child"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counties = [("", "---------"), *registry.choices("county")]
        self.fields["registration_county"].choices = counties
        self.fields["current_county"].choices = counties
        self.fields["entry_point"].choices = _lookup("entry_point")
        for name in ("registration_place", "consent_given_by", "id_document_type"):
            self.fields[name].choices = _lookup(name.replace("_type", ""))
        self.fields["education_status"].choices = _lookup("education_status")
        self.fields["interpreter_language"].choices = _lookup("language")
        self.fields["languages"].choices = _lookup("language", blank=False)
        self.fields["sex"].choices = _lookup("sex", blank=False)
        self.fields["caregiver_sex"].choices = _lookup("sex", blank=False)
        self.fields["has_disability"].choices = _lookup("yes_no_unknown", blank=False)
        self.fields["family_in_ukraine"].choices = _lookup("yes_no_unknown", blank=False)
        self.fields["care_arrangement"].choices = _lookup("care_arrangement")
        self.fields["uasc_status"].choices = _lookup("uasc_status", blank=False)
        self.fields["caregiver_relationship"].choices = _lookup("relationship")
        self.fields["caregiver_id_document_type"].choices = _lookup("id_document")
        self.fields["caregiver_ability_to_care"].choices = _lookup("ability_to_care")
        self.fields["accommodation_type"].choices = _lookup("accommodation")
        self.fields["planned_stay"].choices = _lookup("planned_stay", blank=False)
        self.fields["concern_source"].choices = _lookup("concern_source")
        self.fields["protection_concerns"].choices = _lookup("protection_concern", blank=False)
        self.fields["immediate_needs"].choices = _lookup("need", blank=False)
        self.fields["risk_level"].choices = _lookup("risk_level", blank=False)
        self.fields["services_needed"].choices = _lookup("service_type", blank=False)
        self.fields["nationality"].choices = [
            ("", "---------"),
            *countries.country_choices(stateless=True),
        ]
        self.fields["destination_country"].choices = [
            ("", "---------"),
            *countries.country_choices(),
        ]
        for name in YES_NO_FIELDS:
            self.fields[name].choices = _yes_no()
        if self.is_bound and self.data.get("consent_registration") == "no":
            # Without consent nothing personal is kept, so nothing personal is asked.
            for name in PERSONAL_FIELDS:
                self.fields[name].required = False

    @property
    def consented(self) -> bool:
        return self.cleaned_data.get("consent_registration") == "yes"

    def sections(self):
        return [
            (letter, title, [self[name] for name in names]) for letter, title, names in SECTIONS
        ]

    def caregiver_fields(self):
        return [self[name] for name in CAREGIVER_FIELDS]

    # One field at a time --------------------------------------------------------------

    def clean_registration_date(self) -> dt.date:
        value = self.cleaned_data["registration_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of the interview cannot be in the future."))
        return value

    def clean_entry_date(self) -> dt.date:
        value = self.cleaned_data["entry_date"]
        if value < rules.WAR_START:
            raise forms.ValidationError(_("The date of entry cannot be before 24 February 2022."))
        return value

    def clean_date_of_birth(self) -> dt.date:
        value = self.cleaned_data["date_of_birth"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return value

    def clean_destination_country(self) -> str:
        value = self.cleaned_data["destination_country"]
        if value in ("RO", "UA"):
            raise forms.ValidationError(
                _("The country of destination cannot be Romania or Ukraine.")
            )
        return value

    def _clean_phone(self, name: str) -> str:
        try:
            return normalise_phone(self.cleaned_data[name])
        except InvalidPhone:
            raise forms.ValidationError(
                _("Enter a phone number such as 0722 123 456, 050 123 45 67 or +49 151 234 5678.")
            ) from None

    def clean_caregiver_phone(self) -> str:
        return self._clean_phone("caregiver_phone")

    def clean_contact_phone(self) -> str:
        return self._clean_phone("contact_phone")

    # Rules that span questions ----------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        registration_date = data.get("registration_date")
        consented = data.get("consent_registration") == "yes"

        entry_date = data.get("entry_date")
        if registration_date and entry_date and entry_date > registration_date:
            self.add_error(
                "entry_date", _("The date of entry cannot be after the date of the interview.")
            )
        dob = data.get("date_of_birth")
        # A wrong interview date must not hide an adult's date of birth until the next
        # submit: then the age is checked on today.
        age_on = registration_date or (
            timezone.localdate() if "registration_date" in self.errors else None
        )
        if (
            age_on
            and dob
            and "date_of_birth" not in self.errors
            and (dob > age_on or rules.age_on(dob, age_on) >= 18)
        ):
            self.add_error(
                "date_of_birth", _("The child must be under 18 on the date of the interview.")
            )

        care, uasc = data.get("care_arrangement"), data.get("uasc_status")
        allowed = rules.UASC_FOR_CARE.get(care or "")
        if care and uasc and allowed and uasc not in allowed:
            labels = " / ".join(registry.label("uasc_status", code) for code in sorted(allowed))
            self.add_error(
                "uasc_status",
                _("With this care arrangement the child is: %(allowed)s.") % {"allowed": labels},
            )

        self._clean_conditions(data, consented)
        if consented:
            self._clean_caregiver(data)
        self._clean_risk(data, consented)
        return data

    def _condition_holds(self, data: dict[str, Any], name: str) -> bool:
        cond = CONDITIONS[name]
        value = data.get(cond["field"])
        if cond["field"] == "protection_concerns":
            return bool(value)
        if value in (None, "") and cond["field"] != "id_document_type":
            return False
        if "in" in cond:
            return value in cond["in"]
        return value not in cond["not_in"]

    def _clean_conditions(self, data: dict[str, Any], consented: bool) -> None:
        for name in CONDITIONS:
            if name in self.errors or CONDITIONS[name]["field"] in self.errors:
                continue
            value = data.get(name)
            given = value not in (None, "", [])
            if self._condition_holds(data, name):
                needed = name in CONDITION_REQUIRED and (consented or name not in PERSONAL_FIELDS)
                if needed and not given:
                    self.add_error(name, self.fields[name].error_messages["required"])
            elif given and (consented or name not in PERSONAL_FIELDS):
                self.add_error(name, CONDITION_MESSAGES[name])

    def _clean_caregiver(self, data: dict[str, Any]) -> None:
        if data.get("uasc_status") in (None, "", "unaccompanied"):
            return
        picked = bool(data.get("existing_caregiver"))
        for name in CAREGIVER_REQUIRED:
            if picked and name in CAREGIVER_PERSON_FIELDS:
                continue
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, self.fields[name].error_messages["required"])
        cg_dob, registration_date = (
            data.get("caregiver_date_of_birth"),
            data.get("registration_date"),
        )
        if (
            not picked
            and cg_dob
            and registration_date
            and rules.age_on(cg_dob, registration_date) < 18
        ):
            self.add_error("caregiver_date_of_birth", _("The caregiver must be 18 or older."))

    def suggested_risk(self, data: dict[str, Any] | None = None) -> str:
        data = self.cleaned_data if data is None else data
        return rules.suggested_risk_level(
            data.get("uasc_status") or "",
            data.get("protection_concerns") or [],
            data.get("has_disability") or "",
        )

    def _clean_risk(self, data: dict[str, Any], consented: bool) -> None:
        level = data.get("risk_level")
        if not level or not consented or data.get("risk_justification"):
            return
        suggested = self.suggested_risk(data)
        if level == "high":
            self.add_error("risk_justification", _("Explain why the risk level is high."))
        elif level != suggested:
            self.add_error(
                "risk_justification",
                _("Explain why you chose another level than the suggested one (%(level)s).")
                % {"level": registry.label("risk_level", suggested)},
            )

    # What the service stores ------------------------------------------------------------

    def registration_data(self) -> dict[str, Any]:
        """The answers keyed by question code, as register_child takes them."""
        data = dict(self.cleaned_data)
        for name in (
            "existing_caregiver",
            "caregiver_search",
            "submission_token",
            "household",
            "sibling",
            "confirm_new_child",
        ):
            data.pop(name, None)
        for name in YES_NO_FIELDS:
            data[name] = {"yes": True, "no": False}.get(data.get(name) or "")
        for name in ("consent_share_providers", "interpreter_used"):
            data[name] = data[name]
        if data["interpreter_used"] is not True:
            data["interpreter_language"] = ""
        if data.get("uasc_status") == "unaccompanied" or self.cleaned_data.get(
            "existing_caregiver"
        ):
            for name in CAREGIVER_PERSON_FIELDS:
                data.pop(name, None)
        if data.get("uasc_status") == "unaccompanied":
            for name in ("caregiver_relationship", "caregiver_ability_to_care"):
                data[name] = ""
            data["caregiver_is_legal_guardian"] = None
        return data


class _RowForm(forms.Form):
    """A row of a repeatable group: its inputs sit in table cells under the column
    headings, so each carries its label for screen readers (and get_by_label)."""

    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = str(field.label)


class AccompanyingChildForm(_RowForm):
    use_required_attribute = False

    first_name = _name(_("First name"), required=True)
    last_name = _name(_("Last name"), required=True)
    sex = forms.ChoiceField(label=_("Sex"))
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=_date_widget())
    relationship = forms.ChoiceField(label=_("Relationship to the caregiver"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = _lookup("sex")
        self.fields["relationship"].choices = _lookup("relationship")

    def clean_date_of_birth(self) -> dt.date:
        value = self.cleaned_data["date_of_birth"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return value


class AccompanyingAdultForm(_RowForm):
    use_required_attribute = False

    first_name = _line(_("First name"), 100, required=True)
    last_name = _line(_("Last name"), 100, required=True)
    sex = forms.ChoiceField(label=_("Sex"))
    relationship = forms.ChoiceField(label=_("Relationship to the child"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = _lookup("sex")
        self.fields["relationship"].choices = _lookup("relationship")


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
