"""A complete, valid POST of the registration form, as a browser sends it."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone


def post_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "submission_token": str(uuid.uuid4()),
        "registration_date": today.isoformat(),
        "registration_county": "RO-TM",
        "registration_place": "border_crossing",
        "entry_point": "SIRET",
        "entry_date": (today - dt.timedelta(days=2)).isoformat(),
        "consent_registration": "yes",
        "consent_given_by": "caregiver",
        "consent_share_providers": "yes",
        "interpreter_used": "no",
        "first_name": "Oleksandr",
        "last_name": "Shevchenko",
        "name_native": "Олександр Шевченко",
        "sex": "male",
        "date_of_birth": dt.date(today.year - 9, 3, 14).isoformat(),
        "date_of_birth_estimated": "no",
        "nationality": "UA",
        "id_document_type": "passport",
        "id_document_number": "FX123456",
        "languages": ["uk", "ru"],
        "education_status": "ua_online",
        "has_disability": "no",
        "care_arrangement": "parents",
        "uasc_status": "accompanied",
        "caregiver_first_name": "Olena",
        "caregiver_last_name": "Shevchenko",
        "caregiver_relationship": "mother",
        "caregiver_sex": "female",
        "caregiver_date_of_birth": "1988-05-02",
        "caregiver_id_document_type": "passport",
        "caregiver_phone": "050 123 45 67",
        "caregiver_is_legal_guardian": "yes",
        "caregiver_ability_to_care": "yes",
        "family_in_ukraine": "yes",
        "tracing_requested": "no",
        "current_county": "RO-TM",
        "current_locality": "Timișoara",
        "current_address": "Str. Exemplu 1",
        "accommodation_type": "host_family",
        "planned_stay": "stay",
        "contact_phone": "0722 123 456",
        "risk_level": "low",
        "accompanying_children-TOTAL_FORMS": "0",
        "accompanying_children-INITIAL_FORMS": "0",
        "accompanying_adults-TOTAL_FORMS": "0",
        "accompanying_adults-INITIAL_FORMS": "0",
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def with_children(data: dict, rows: list[dict]) -> dict:
    data = dict(data)
    data["accompanying_children-TOTAL_FORMS"] = str(len(rows))
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"accompanying_children-{i}-{key}"] = value
    return data
