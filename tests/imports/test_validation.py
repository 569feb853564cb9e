"""Every bad-input rule rejects its row with a message naming file, line, column and value."""

from __future__ import annotations

import pytest

from cases.models import Child
from imports.reading import Source
from imports.services import run_import
from tests.imports.helpers import (
    anonymous_row,
    caregiver_row,
    child_row,
    referral_row,
    sources,
    to_csv,
)


def _issues(user, children, caregivers="default", referrals=None):
    caregivers = [caregiver_row()] if caregivers == "default" else caregivers
    result = run_import(sources(children, caregivers, referrals), user)
    assert not result.applied
    return result.issues


# The messages of the question catalogue, the same as in the forms.
PHONE = "Enter a phone number such as 0722 123 456, 050 123 45 67 or +49 151 234 5678."
CAREGIVER = "Required when the child is not unaccompanied (has a caregiver)."

CHILD_CASES = [
    # (overrides, column, message fragment)
    ({"sex": "girl"}, "sex", "Unknown code for the list sex."),
    ({"registration_county": "RO-XX"}, "registration_county", "Unknown code for the list county."),
    ({"languages": "uk;klingon"}, "languages", "Unknown codes for the list language: klingon."),
    ({"languages": "uk;uk"}, "languages", "A code is repeated."),
    (
        {"registration_date": "10/05/2023"},
        "registration_date",
        "Not a date in the form YYYY-MM-DD.",
    ),
    (
        {"registration_date": "2023-02-30"},
        "registration_date",
        "Not a date in the form YYYY-MM-DD.",
    ),
    ({"registration_date": "2099-01-01"}, "registration_date", "The date cannot be in the future."),
    ({"entry_date": "2022-02-23"}, "entry_date", "The date cannot be before 24 February 2022."),
    (
        {"entry_date": "2023-05-11"},
        "entry_date",
        "The date of entry cannot be after the date of the interview.",
    ),
    (
        {"date_of_birth": "2005-05-09"},
        "date_of_birth",
        "The child must be under 18 on the date of the interview.",
    ),
    (
        {"date_of_birth": "2023-06-01"},
        "date_of_birth",
        "The date of birth cannot be after the date of the interview.",
    ),
    ({"consent_share_providers": "maybe"}, "consent_share_providers", "Expected yes or no."),
    ({"first_name": ""}, "first_name", "This field is required."),
    ({"first_name": "x" * 101}, "first_name", "Longer than 100 characters."),
    ({"first_name": '=HYPERLINK("http://x")'}, "first_name", "Looks like a spreadsheet formula"),
    ({"interviewer_notes": "@SUM(A1)"}, "interviewer_notes", "Looks like a spreadsheet formula"),
    ({"medical_needs": "-2+3"}, "medical_needs", "Looks like a spreadsheet formula"),
    ({"contact_phone": "+40 7x"}, "contact_phone", "Looks like a spreadsheet formula"),
    ({"contact_phone": "07x2"}, "contact_phone", PHONE),
    ({"contact_phone": "12"}, "contact_phone", PHONE),
    ({"nationality": "XX"}, "nationality", "Not an ISO 3166-1 alpha-2 country code or stateless."),
    (
        {"id_document_number": ""},
        "id_document_number",
        "Required when the child has an identity document.",
    ),
    (
        {"id_document_type": "none"},
        "id_document_number",
        "Must be empty unless the child has an identity document.",
    ),
    ({"interpreter_used": "yes"}, "interpreter_language", "Required when an interpreter was used."),
    ({"has_disability": "yes"}, "disability_details", "Required when the child has a disability."),
    (
        {"uasc_status": "separated", "risk_justification": "x"},
        "uasc_status",
        "With this care arrangement the child is: Accompanied.",
    ),
    (
        {"caregiver_ref": "CG-404"},
        "caregiver_ref",
        "No caregiver with this caregiver_ref in the caregivers file.",
    ),
    ({"caregiver_ref": ""}, "caregiver_ref", CAREGIVER),
    (
        {"caregiver_relationship": ""},
        "caregiver_relationship",
        CAREGIVER,
    ),
    (
        {"planned_stay": "transit"},
        "destination_country",
        "Required when the child is in transit to another country.",
    ),
    (
        {"planned_stay": "transit", "destination_country": "RO"},
        "destination_country",
        "The country of destination cannot be Romania or Ukraine.",
    ),
    (
        {"destination_country": "DE"},
        "destination_country",
        "Must be empty unless the child is in transit to another country.",
    ),
    (
        {"planned_departure_date": "2023-06-01"},
        "planned_departure_date",
        "Must be empty unless the child is in transit or returns to Ukraine.",
    ),
    (
        {"protection_concerns": "neglect"},
        "concern_source",
        "Required when protection concerns were identified.",
    ),
    (
        {"concern_source": "observed"},
        "concern_source",
        "Must be empty unless protection concerns were identified.",
    ),
    ({"risk_level": "high"}, "risk_justification", "Explain why the risk level is high."),
    (
        {"risk_level": "medium"},
        "risk_justification",
        "Explain why you chose another level than the suggested one (Low).",
    ),
    ({"age_group": "0-5"}, "age_group", "Does not match the date of birth (age group 6-13)."),
    ({"age_group": "7-9"}, "age_group", "Unknown code for the list age_group."),
    ({"status": "closed"}, "closed_on", "Required when status = closed."),
    (
        {"status": "closed", "closed_on": "2023-06-01"},
        "closure_reason",
        "Required when status = closed.",
    ),
    (
        {"status": "closed", "closed_on": "2023-05-01", "closure_reason": "needs_met"},
        "closed_on",
        "Before the registration date (2023-05-10).",
    ),
    ({"closure_reason": "needs_met"}, "closure_reason", "Must be empty unless status = closed."),
    ({"status": "paused"}, "status", "Unknown code for the list case_status."),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "column", "message"), CHILD_CASES)
def test_bad_child_cell_is_reported_with_its_line(country, overrides, column, message):
    issues = _issues(country, [child_row("OK-1"), child_row("BAD-1", **overrides)])
    assert issues, "the row should be rejected"
    issue = next(i for i in issues if i.column == column)
    assert issue.file == "children"
    assert issue.line == 3
    assert issue.value == child_row(**overrides)[column]
    assert message in issue.message
    assert not Child.objects.exists()


@pytest.mark.django_db
def test_every_error_is_reported_at_once(country):
    rows = [child_row(f"R{i}", sex="x", entry_date="2020-01-01") for i in range(200)]
    issues = _issues(country, rows)
    assert len(issues) == 400
    assert {i.line for i in issues} == set(range(2, 202))


@pytest.mark.django_db
def test_duplicate_record_ref(country):
    issues = _issues(country, [child_row("A"), child_row("B"), child_row("A")])
    assert [(i.line, i.column, i.message) for i in issues] == [
        (4, "record_ref", "Duplicate: already on line 2.")
    ]


@pytest.mark.django_db
def test_unknown_and_missing_columns(country):
    row = child_row()
    row["favourite_colour"] = "blue"
    del row["sex"]
    result = run_import(
        {**sources([], [caregiver_row()]), "children": Source("children", "c.csv", to_csv([row]))},
        country,
    )
    found = {(i.line, i.column, i.message) for i in result.issues}
    assert (1, "favourite_colour", "Unknown column.") in found
    assert (1, "sex", "Required column missing from the header.") in found


@pytest.mark.django_db
def test_anonymous_row_must_not_keep_personal_columns(country):
    issues = _issues(
        country,
        [anonymous_row(first_name="Olena", date_of_birth="2015-01-01", caregiver_ref="CG-1")],
    )
    assert {i.column for i in issues} == {"first_name", "date_of_birth", "caregiver_ref"}
    assert all("without consent" in i.message for i in issues)


@pytest.mark.django_db
def test_anonymous_row_needs_age_group_and_no_status(country):
    issues = _issues(country, [anonymous_row(age_group="", status="open")])
    found = {(i.column, i.message) for i in issues}
    assert ("age_group", "This field is required.") in found
    assert ("status", "Must be empty without consent to registration (anonymous record).") in found


@pytest.mark.django_db
def test_no_referral_may_name_an_anonymous_record(country):
    issues = _issues(country, [anonymous_row("ANON-1")], None, [referral_row("ANON-1")])
    assert [(i.file, i.message) for i in issues] == [
        ("referrals", "This record is anonymous (no consent): it cannot have referrals.")
    ]


@pytest.mark.django_db
def test_referral_rules(country):
    issues = _issues(
        country,
        [child_row("REF-1")],
        "default",
        [
            referral_row("NOPE"),
            referral_row(service_type="magic"),
            referral_row(referred_on="2023-05-01"),
            referral_row(status="completed", service_type="legal_documentation"),
            referral_row(provider_name="Nobody Inc", service_type="education"),
            referral_row(service_type="mhpss"),
            referral_row(service_type="mhpss"),
        ],
    )
    found = [(i.line, i.column, i.message) for i in issues]
    assert (
        2,
        "record_ref",
        "No child with this record_ref in this import or in the database.",
    ) in found
    assert (3, "service_type", "Unknown code for the list service_type.") in found
    assert (4, "referred_on", "Before the registration date (2023-05-10).") in found
    assert (5, "closed_on", "Required when status ∈ {declined, completed}.") in found
    assert (6, "provider_name", "No service provider with this name in the county RO-TM.") in found
    assert (8, "record_ref", "Duplicate: already on line 7.") in found


@pytest.mark.django_db
def test_caregiver_rules(country):
    issues = _issues(
        country,
        [child_row()],
        [
            caregiver_row(date_of_birth="2012-01-01"),
            caregiver_row("CG-2", sex=""),
            caregiver_row("CG-2"),
        ],
    )
    found = [(i.line, i.column, i.message) for i in issues]
    # Under 18 on the interview date of the child it accompanies (2023-05-10).
    assert (2, "date_of_birth", "The caregiver must be 18 or older.") in found
    assert (3, "sex", "This field is required.") in found
    assert (4, "caregiver_ref", "Duplicate: already on line 3.") in found


@pytest.mark.django_db
def test_phone_starting_with_plus_is_not_a_formula(country):
    result = run_import(
        sources(
            [child_row(contact_phone="+40 722 123 456")], [caregiver_row(phone="+380 50 123 45 67")]
        ),
        country,
    )
    assert result.ok, result.issues
    assert Child.objects.get().contact_phone == "+40722123456"
    assert Child.objects.get().caregiver.phone == "+380501234567"


@pytest.mark.django_db
def test_apostrophe_escaped_text_is_accepted_as_text(country):
    result = run_import(sources([child_row(medical_needs="'- asthma")], [caregiver_row()]), country)
    assert result.ok, result.issues
    assert Child.objects.get().medical_needs == "- asthma"


@pytest.mark.django_db
def test_messages_follow_the_language(country):
    from django.utils import translation

    issues = _issues(country, [child_row(sex="x")])
    with translation.override("ro"):
        ro = issues[0].message
    with translation.override("en"):
        en = issues[0].message
    assert en == "Unknown code for the list sex."
    assert isinstance(ro, str) and ro
