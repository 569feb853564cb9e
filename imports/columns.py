"""The columns of the three files of shared/spec/import_format.md.

One table drives the reader, the validation, the export and the downloadable template,
so that an export is always a valid import.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


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
    # A. Interview and consent
    _c("registration_date", "date", _("Date of the interview"), required=True),
    _c(
        "registration_county",
        "code",
        _("County where the interview takes place"),
        "county",
        required=True,
    ),
    _c(
        "registration_place",
        "code",
        _("Place of the interview"),
        "registration_place",
        required=True,
    ),
    _c(
        "entry_point",
        "code",
        _("Border crossing point of entry into Romania"),
        "entry_point",
        required=True,
    ),
    _c("entry_date", "date", _("Date of entry into Romania"), required=True),
    _c("consent_registration", "yesno", _("Agrees to registration (GDPR)"), required=True),
    _c("consent_given_by", "code", _("Who gave consent"), "consent_given_by", required=True),
    _c(
        "consent_share_providers",
        "yesno",
        _("Agrees that data needed for referral is shared with service providers"),
        required=True,
    ),
    _c("interpreter_used", "yesno", _("An interpreter was used"), required=True),
    _c("interpreter_language", "code", _("Language of interpretation"), "language"),
    # B. The child
    _c("first_name", "text", _("First name (Latin script)"), max_length=100, required=True),
    _c("last_name", "text", _("Last name (Latin script)"), max_length=100, required=True),
    _c("name_native", "text", _("Full name as written in the child's documents"), max_length=200),
    _c("sex", "code", _("Sex"), "sex", required=True),
    _c("date_of_birth", "date", _("Date of birth"), required=True),
    _c("date_of_birth_estimated", "yesno", _("The date of birth is estimated"), required=True),
    _c(
        "nationality",
        "nationality",
        _("Nationality: ISO 3166-1 alpha-2 code or stateless (default UA)"),
    ),
    _c("id_document_type", "code", _("Identity document"), "id_document", required=True),
    _c("id_document_number", "text", _("Document number"), max_length=50),
    _c("languages", "multi", _("Languages the child speaks"), "language", required=True),
    _c("education_status", "code", _("Education"), "education_status", required=True),
    _c("has_disability", "code", _("The child has a disability"), "yes_no_unknown", required=True),
    _c("disability_details", "text", _("Kind of disability and support needed")),
    _c("medical_needs", "text", _("Medical needs or chronic conditions")),
    # C. Care arrangement (the caregiver's own columns are in the caregivers file)
    _c(
        "care_arrangement",
        "code",
        _("With whom the child travels/lives"),
        "care_arrangement",
        required=True,
    ),
    _c(
        "uasc_status",
        "code",
        _("Accompanied, separated or unaccompanied"),
        "uasc_status",
        required=True,
    ),
    _c(
        "caregiver_relationship", "code", _("Caregiver's relationship to the child"), "relationship"
    ),
    _c("caregiver_is_legal_guardian", "yesno", _("The caregiver is the child's legal guardian")),
    _c(
        "caregiver_ability_to_care",
        "code",
        _("The caregiver is able to care for the child"),
        "ability_to_care",
    ),
    # D. Family
    _c(
        "family_in_ukraine",
        "code",
        _("Close family members remain in Ukraine"),
        "yes_no_unknown",
        required=True,
    ),
    _c(
        "tracing_requested",
        "yesno",
        _("The family asks for help to trace separated family members"),
        required=True,
    ),
    # E. Location and movement
    _c(
        "current_county",
        "code",
        _("County where the child is staying now"),
        "county",
        required=True,
    ),
    _c("current_locality", "text", _("Town or commune"), max_length=100, required=True),
    _c("current_address", "text", _("Address")),
    _c("accommodation_type", "code", _("Type of accommodation"), "accommodation", required=True),
    _c("planned_stay", "code", _("Intention"), "planned_stay", required=True),
    _c(
        "destination_country",
        "country",
        _("Country of destination (ISO 3166-1 alpha-2), when in transit"),
    ),
    _c("planned_departure_date", "date", _("Planned date of departure")),
    _c("contact_phone", "phone", _("Phone number of the household"), max_length=20),
    # F. Protection concerns, needs and risk
    _c("protection_concerns", "multi", _("Protection concerns identified"), "protection_concern"),
    _c("concern_source", "code", _("How the concerns came to light"), "concern_source"),
    _c("concern_details", "text", _("Description of the concerns")),
    _c("immediate_needs", "multi", _("Immediate needs"), "need"),
    _c("risk_level", "code", _("Risk level"), "risk_level", required=True),
    _c("risk_justification", "text", _("Why this risk level")),
    _c("services_needed", "multi", _("Services the child should be referred to"), "service_type"),
    _c("urgent_action_taken", "text", _("Urgent action already taken")),
    _c("interviewer_notes", "text", _("Observations of the interviewer")),
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
    _c("first_name", "text", _("Caregiver's first name"), max_length=100, required=True),
    _c("last_name", "text", _("Caregiver's last name"), max_length=100, required=True),
    _c("sex", "code", _("Caregiver's sex"), "sex", required=True),
    _c("date_of_birth", "date", _("Caregiver's date of birth (18 or older)")),
    _c(
        "id_document_type", "code", _("Caregiver's identity document"), "id_document", required=True
    ),
    _c("phone", "phone", _("Caregiver's phone number"), max_length=20),
)

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

AGE_GROUPS = ("0-5", "6-13", "14-17")
