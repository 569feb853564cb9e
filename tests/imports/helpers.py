"""Small files in the import format for the tests."""

from __future__ import annotations

import csv
import io

from imports.columns import CAREGIVER_COLUMNS, CHILD_COLUMNS, REFERRAL_COLUMNS
from imports.reading import Source


def child_row(ref: str = "REF-1", **overrides) -> dict[str, str]:
    row = {
        "record_ref": ref,
        "household_ref": "HH-1",
        "caregiver_ref": "CG-1",
        "registration_date": "2023-05-10",
        "registration_county": "RO-TM",
        "registration_place": "transit_centre",
        "entry_point": "SIRET",
        "entry_date": "2023-05-08",
        "consent_registration": "yes",
        "consent_given_by": "caregiver",
        "consent_share_providers": "yes",
        "interpreter_used": "no",
        "interpreter_language": "",
        "first_name": "Olena",
        "last_name": "Shevchenko",
        "name_native": "Олена Шевченко",
        "sex": "female",
        "date_of_birth": "2015-03-02",
        "date_of_birth_estimated": "no",
        "nationality": "UA",
        "id_document_type": "passport",
        "id_document_number": "FA123456",
        "languages": "uk;ru",
        "education_status": "ro_school",
        "has_disability": "no",
        "disability_details": "",
        "medical_needs": "",
        "care_arrangement": "parents",
        "uasc_status": "accompanied",
        "caregiver_relationship": "mother",
        "caregiver_is_legal_guardian": "yes",
        "caregiver_ability_to_care": "yes",
        "family_in_ukraine": "yes",
        "tracing_requested": "no",
        "current_county": "RO-TM",
        "current_locality": "Timișoara",
        "current_address": "",
        "accommodation_type": "rented",
        "planned_stay": "stay",
        "destination_country": "",
        "planned_departure_date": "",
        "contact_phone": "+40 722 123 456",
        "protection_concerns": "",
        "concern_source": "",
        "concern_details": "",
        "immediate_needs": "food",
        "risk_level": "low",
        "risk_justification": "",
        "services_needed": "",
        "urgent_action_taken": "",
        "interviewer_notes": "",
        "age_group": "",
        "status": "open",
        "closed_on": "",
        "closure_reason": "",
    }
    row.update(overrides)
    return row


def anonymous_row(ref: str = "ANON-1", **overrides) -> dict[str, str]:
    row = dict.fromkeys((c.name for c in CHILD_COLUMNS), "")
    row.update(
        record_ref=ref,
        registration_date="2023-05-10",
        registration_county="RO-TM",
        registration_place="border_crossing",
        entry_point="SIRET",
        entry_date="2023-05-10",
        consent_registration="no",
        sex="male",
        nationality="UA",
        uasc_status="accompanied",
        has_disability="no",
        current_county="RO-TM",
        accommodation_type="host_family",
        planned_stay="transit",
        destination_country="DE",
        risk_level="low",
        age_group="6-13",
    )
    row.update(overrides)
    return row


def caregiver_row(ref: str = "CG-1", **overrides) -> dict[str, str]:
    row = {
        "caregiver_ref": ref,
        "first_name": "Iryna",
        "last_name": "Shevchenko",
        "sex": "female",
        "date_of_birth": "1985-01-20",
        "id_document_type": "passport",
        "phone": "0722 111 222",
    }
    row.update(overrides)
    return row


def referral_row(ref: str = "REF-1", **overrides) -> dict[str, str]:
    row = {
        "record_ref": ref,
        "service_type": "health",
        "provider_name": "",
        "referred_on": "2023-05-12",
        "status": "pending",
        "closed_on": "",
    }
    row.update(overrides)
    return row


def to_csv(rows: list[dict[str, str]], columns=None, bom: bool = False) -> bytes:
    names = columns or (list(rows[0]) if rows else [c.name for c in CHILD_COLUMNS])
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=names, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def sources(children, caregivers=None, referrals=None) -> dict[str, Source]:
    """Sources from row lists (or bytes)."""
    result = {}
    for file, rows, cols in (
        ("children", children, CHILD_COLUMNS),
        ("caregivers", caregivers, CAREGIVER_COLUMNS),
        ("referrals", referrals, REFERRAL_COLUMNS),
    ):
        if rows is None:
            continue
        data = rows if isinstance(rows, bytes) else to_csv(rows, [c.name for c in cols])
        result[file] = Source(file, f"{file}.csv", data)
    return result


def exported(client, fmt: str = "csv", params: dict | str | None = None) -> bytes:
    """What a coordinator gets from an export, decrypted: the csv files as a plain zip (as
    the export was before encryption), or the workbook. Goes through the pages: make the
    export (POST), read the password on the page, download the archive."""
    import zipfile

    import pyzipper
    from django.urls import reverse

    url = reverse(f"imports:export_{fmt}")
    if isinstance(params, dict):
        from urllib.parse import urlencode

        params = urlencode(params, doseq=True)
    if params:
        url += "?" + params
    made = client.post(url)
    assert made.status_code == 200, made.status_code
    password = made.context["password"]
    download = client.get(made.context["export"].get_absolute_url())
    assert download.status_code == 200
    with pyzipper.AESZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        archive.setpassword(password.encode())
        members = {name: archive.read(name) for name in archive.namelist()}
    if fmt == "xlsx":
        (workbook,) = members.values()
        return workbook
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as plain:
        for name, data in members.items():
            plain.writestr(name, data)
    return buffer.getvalue()
