"""Every rule of registration.md, with the exact message shown next to the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from registration.forms import RegistrationForm
from tests.registration.helpers import post_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
REQUIRED = "This field is required."
# Conditional questions say when they are required (one message, from the catalogue).
CONCERNS = "Required when protection concerns were identified."
CAREGIVER = "Required when the child is not unaccompanied (has a caregiver)."


def errors(**overrides) -> dict:
    form = RegistrationForm(post_data(**overrides))
    form.is_valid()
    return form.errors


def test_the_complete_form_is_valid():
    form = RegistrationForm(post_data())
    assert form.is_valid(), form.errors
    data = form.registration_data()
    assert data["consent_registration"] is True
    assert data["caregiver_phone"] == "+380501234567"
    assert data["contact_phone"] == "+40722123456"
    assert "submission_token" not in data


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"registration_date": (TODAY + dt.timedelta(days=1)).isoformat()},
            "registration_date",
            "The date cannot be in the future.",
        ),
        (
            {"entry_date": "2022-02-23"},
            "entry_date",
            "The date cannot be before 24 February 2022.",
        ),
        (
            {
                "registration_date": (TODAY - dt.timedelta(days=5)).isoformat(),
                "entry_date": (TODAY - dt.timedelta(days=2)).isoformat(),
            },
            "entry_date",
            "The date of entry cannot be after the date of the interview.",
        ),
        (
            {"date_of_birth": (TODAY + dt.timedelta(days=1)).isoformat()},
            "date_of_birth",
            "The date cannot be in the future.",
        ),
        (
            {"date_of_birth": TODAY.replace(year=TODAY.year - 18).isoformat()},
            "date_of_birth",
            "The child must be under 18 on the date of the interview.",
        ),
        (
            {"care_arrangement": "parents", "uasc_status": "separated"},
            "uasc_status",
            "With this care arrangement the child is: Accompanied.",
        ),
        (
            {"care_arrangement": "alone", "uasc_status": "accompanied"},
            "uasc_status",
            "With this care arrangement the child is: Unaccompanied.",
        ),
        (
            {"care_arrangement": "institution", "uasc_status": "accompanied"},
            "uasc_status",
            "With this care arrangement the child is: Separated / Unaccompanied.",
        ),
        (
            {"planned_stay": "transit", "destination_country": "RO"},
            "destination_country",
            "The country of destination cannot be Romania or Ukraine.",
        ),
        (
            {"planned_stay": "transit", "destination_country": "UA"},
            "destination_country",
            "The country of destination cannot be Romania or Ukraine.",
        ),
        (
            {"planned_stay": "transit"},
            "destination_country",
            "Required when the child is in transit to another country.",
        ),
        (
            {"planned_stay": "stay", "destination_country": "DE"},
            "destination_country",
            "Must be empty unless the child is in transit to another country.",
        ),
        (
            {"planned_stay": "stay", "planned_departure_date": TODAY.isoformat()},
            "planned_departure_date",
            "Must be empty unless the child is in transit or returns to Ukraine.",
        ),
        (
            {"caregiver_date_of_birth": TODAY.replace(year=TODAY.year - 17).isoformat()},
            "caregiver_date_of_birth",
            "The caregiver must be 18 or older.",
        ),
        (
            {"caregiver_phone": "not a phone"},
            "caregiver_phone",
            "Enter a phone number such as 0722 123 456, 050 123 45 67 or +49 151 234 5678.",
        ),
        (
            {"contact_phone": "12"},
            "contact_phone",
            "Enter a phone number such as 0722 123 456, 050 123 45 67 or +49 151 234 5678.",
        ),
        (
            {"interpreter_used": "yes"},
            "interpreter_language",
            "Required when an interpreter was used.",
        ),
        (
            {"interpreter_used": "no", "interpreter_language": "uk"},
            "interpreter_language",
            "Must be empty unless an interpreter was used.",
        ),
        (
            {"id_document_type": "passport", "id_document_number": ""},
            "id_document_number",
            "Required when the child has an identity document.",
        ),
        (
            {"id_document_type": "none", "id_document_number": "X1"},
            "id_document_number",
            "Must be empty unless the child has an identity document.",
        ),
        (
            {"has_disability": "yes"},
            "disability_details",
            "Required when the child has a disability.",
        ),
        (
            {"has_disability": "no", "disability_details": "x"},
            "disability_details",
            "Must be empty unless the child has a disability.",
        ),
        ({"protection_concerns": ["neglect"], "risk_level": "medium"}, "concern_source", CONCERNS),
        ({"protection_concerns": ["neglect"], "risk_level": "medium"}, "concern_details", CONCERNS),
        (
            {"concern_details": "x"},
            "concern_details",
            "Must be empty unless protection concerns were identified.",
        ),
        (
            {"risk_level": "high"},
            "risk_justification",
            "Explain why the risk level is high.",
        ),
        (
            {"risk_level": "medium"},
            "risk_justification",
            "Explain why you chose another level than the suggested one (Low).",
        ),
        ({"languages": []}, "languages", REQUIRED),
        ({"first_name": ""}, "first_name", REQUIRED),
        (
            {
                "care_arrangement": "alone",
                "uasc_status": "unaccompanied",
                "risk_level": "high",
                "risk_justification": "alone",
            },
            "caregiver_first_name",
            "Must be empty unless the child is not unaccompanied (has a caregiver).",
        ),
        ({"caregiver_first_name": ""}, "caregiver_first_name", CAREGIVER),
        ({"caregiver_is_legal_guardian": None}, "caregiver_is_legal_guardian", CAREGIVER),
    ],
)
def test_rule_message_next_to_the_field(overrides, field, message):
    assert message in errors(**overrides).get(field, []), errors(**overrides)


@pytest.mark.parametrize(
    ("field", "code"),
    [
        ("sex", "other"),
        ("registration_county", "RO-XX"),
        ("entry_point", "NOWHERE"),
        ("registration_place", "moon"),
        ("nationality", "XX"),
        ("languages", ["uk", "klingon"]),
        ("protection_concerns", ["made_up"]),
        ("services_needed", ["teleportation"]),
        ("risk_level", "extreme"),
        ("uasc_status", "lost"),
        ("caregiver_relationship", "cousin_twice_removed"),
    ],
)
def test_unknown_codes_posted_by_hand_are_rejected(field, code):
    shown = code[-1] if isinstance(code, list) else code
    assert errors(**{field: code})[field] == [
        f"Select a valid choice. {shown} is not one of the available choices."
    ]


@pytest.mark.parametrize(
    "field",
    [
        "first_name",
        "last_name",
        "name_native",
        "id_document_number",
        "caregiver_first_name",
        "caregiver_last_name",
        "current_locality",
        "current_address",
        "medical_needs",
        "interviewer_notes",
        "urgent_action_taken",
    ],
)
def test_ten_thousand_characters_are_rejected(field):
    message = errors(**{field: "x" * 10_000})[field][0]
    assert message.startswith("Ensure this value has at most ")
    assert message.endswith("characters (it has 10000).")


def test_suggested_level_accepted_without_justification():
    assert errors(risk_level="low") == {}
    high = errors(
        protection_concerns=["trafficking"],
        concern_source="disclosed",
        concern_details="x",
        risk_level="medium",
    )
    assert (
        "Explain why you chose another level than the suggested one (High)."
        in high["risk_justification"]
    )


def test_without_consent_personal_questions_are_not_required():
    form = RegistrationForm(
        post_data(
            consent_registration="no",
            first_name=None,
            last_name=None,
            caregiver_first_name=None,
            caregiver_last_name=None,
            languages=None,
            current_locality=None,
            risk_level="medium",
        )
    )
    assert form.is_valid(), form.errors


def test_a_picked_caregiver_needs_no_caregiver_person_fields():
    form = RegistrationForm(
        post_data(existing_caregiver="P-ABCDEFG", caregiver_first_name="", caregiver_last_name="")
    )
    assert form.is_valid(), form.errors
    assert "caregiver_first_name" not in form.registration_data()


# Answers whose suggested level is the key (questions.rules.RISK_TRIGGERS).
SUGGESTING = {
    "low": {},
    "medium": {"has_disability": "yes"},
    "high": {
        "protection_concerns": ["trafficking"],
        "concern_source": "disclosed",
        "concern_details": "x",
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("level", sorted(SUGGESTING))
def test_the_page_asks_for_a_justification_of_the_suggested_level_when_the_form_needs_one(
    client, worker_tm, level
):
    # The page shows the question from its json_script data; the form decides. They agree.
    client.force_login(worker_tm)
    shown_for = client.get("/register/").context["risk_rules"]["always_explained"]
    needed = "risk_justification" in errors(risk_level=level, **SUGGESTING[level])
    assert needed == (level in shown_for)
