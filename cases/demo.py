"""Synthetic children for the demo and the benchmarks: realistic shapes, invented people."""

from __future__ import annotations

import datetime as dt
import random

from cases import rules

FIRST_NAMES = {
    "female": [
        ("Olena", "Олена"),
        ("Anastasiia", "Анастасія"),
        ("Sofiia", "Софія"),
        ("Mariia", "Марія"),
        ("Yuliia", "Юлія"),
        ("Kateryna", "Катерина"),
        ("Daryna", "Дарина"),
        ("Viktoriia", "Вікторія"),
        ("Iryna", "Ірина"),
        ("Polina", "Поліна"),
        ("Khrystyna", "Христина"),
        ("Zlata", "Злата"),
    ],
    "male": [
        ("Oleksandr", "Олександр"),
        ("Mykola", "Микола"),
        ("Andrii", "Андрій"),
        ("Dmytro", "Дмитро"),
        ("Serhii", "Сергій"),
        ("Yurii", "Юрій"),
        ("Maksym", "Максим"),
        ("Artem", "Артем"),
        ("Bohdan", "Богдан"),
        ("Volodymyr", "Володимир"),
        ("Ihor", "Ігор"),
        ("Taras", "Тарас"),
    ],
}
LAST_NAMES = [
    ("Shevchenko", "Шевченко"),
    ("Kovalenko", "Коваленко"),
    ("Bondarenko", "Бондаренко"),
    ("Tkachenko", "Ткаченко"),
    ("Kravchenko", "Кравченко"),
    ("Oliinyk", "Олійник"),
    ("Shevchuk", "Шевчук"),
    ("Polishchuk", "Поліщук"),
    ("Lysenko", "Лисенко"),
    ("Marchenko", "Марченко"),
    ("Melnyk", "Мельник"),
    ("Boiko", "Бойко"),
    ("Savchenko", "Савченко"),
    ("Rudenko", "Руденко"),
    ("Moroz", "Мороз"),
    ("Kharchenko", "Харченко"),
    ("Zhuk", "Жук"),
    ("Hnatiuk", "Гнатюк"),
]
LOCALITIES = {
    "RO-TM": ["Timișoara", "Lugoj", "Sânnicolau Mare"],
    "RO-SV": ["Suceava", "Siret", "Rădăuți", "Fălticeni"],
    "RO-B": ["București Sector 1", "București Sector 3", "București Sector 6"],
}
# Border counties and the capital carried most registrations.
COUNTY_WEIGHTS = {
    "RO-SV": 30,
    "RO-B": 25,
    "RO-TM": 8,
    "RO-IS": 10,
    "RO-GL": 8,
    "RO-CT": 9,
    "RO-BV": 5,
    "RO-CJ": 5,
}
ENTRY_BY_COUNTY = {
    "RO-SV": "SIRET",
    "RO-TM": "INLAND",
    "RO-B": "OTOPENI_AIRPORT",
    "RO-IS": "SCULENI",
    "RO-GL": "OANCEA",
}
CONCERNS = [
    "neglect",
    "emotional_abuse",
    "medical_problems",
    "school_abandonment",
    "precarious_living",
    "lack_of_documentation",
    "witness_domestic_violence",
    "physical_abuse",
    "trafficking",
    "disability",
]


def synthetic_child(rng: random.Random, county: str, today: dt.date) -> dict:
    """One registration's answers, keyed by question code, valid for register_child."""
    sex = rng.choice(["female", "male"])
    first, first_native = rng.choice(FIRST_NAMES[sex])
    last, last_native = rng.choice(LAST_NAMES)
    start = dt.date(2022, 3, 1)
    registration_date = start + dt.timedelta(days=rng.randrange(max(1, (today - start).days)))
    age_days = rng.randrange(30, 17 * 365)
    date_of_birth = registration_date - dt.timedelta(days=age_days)
    care = rng.choices(["parents", "relatives", "other_adult", "alone"], weights=[85, 9, 4, 2])[0]
    uasc = {
        "parents": "accompanied",
        "relatives": "separated",
        "other_adult": "separated",
        "alone": "unaccompanied",
    }[care]
    concerns = rng.sample(CONCERNS, k=1) if rng.random() < 0.11 else []
    has_disability = rng.choices(["no", "yes", "unknown"], weights=[92, 5, 3])[0]
    risk = rules.suggested_risk_level(uasc, concerns, has_disability)
    planned = rng.choices(["stay", "transit", "return", "undecided"], weights=[60, 20, 10, 10])[0]
    data = {
        "registration_date": registration_date,
        "registration_county": county,
        "registration_place": rng.choice(
            ["border_crossing", "transit_centre", "home_visit", "office"]
        ),
        "entry_point": ENTRY_BY_COUNTY.get(county, "SIRET"),
        "entry_date": registration_date - dt.timedelta(days=rng.randrange(0, 20)),
        "consent_registration": True,
        "consent_given_by": "caregiver" if uasc != "unaccompanied" else "child",
        "consent_share_providers": rng.random() < 0.9,
        "interpreter_used": False,
        "interpreter_language": "",
        "first_name": first,
        "last_name": last,
        "name_native": f"{first_native} {last_native}",
        "sex": sex,
        "date_of_birth": date_of_birth,
        "date_of_birth_estimated": rng.random() < 0.05,
        "nationality": "UA",
        "id_document_type": rng.choice(["passport", "birth_certificate"]),
        "id_document_number": f"{rng.choice('ABCDEFGH')}{rng.choice('ABCDEFGH')}{rng.randrange(100000, 999999)}",
        "languages": ["uk"] + (["ru"] if rng.random() < 0.3 else []),
        "education_status": rng.choice(["ro_school", "ua_online", "both", "under_school_age"]),
        "has_disability": has_disability,
        "disability_details": "Needs support at school." if has_disability == "yes" else "",
        "care_arrangement": care,
        "uasc_status": uasc,
        "family_in_ukraine": rng.choice(["yes", "no", "unknown"]),
        "tracing_requested": False,
        "current_county": county,
        "current_locality": rng.choice(LOCALITIES.get(county, ["Centru"])),
        "accommodation_type": rng.choice(["host_family", "rented", "reception_centre", "hotel"]),
        "planned_stay": planned,
        "destination_country": rng.choice(["DE", "PL", "CZ", "IT"]) if planned == "transit" else "",
        "protection_concerns": concerns,
        "concern_source": "observed" if concerns else "",
        "concern_details": "Noted during the interview; to be assessed." if concerns else "",
        "immediate_needs": [],
        "risk_level": risk,
        "risk_justification": "Suggested by the form; confirmed at the interview."
        if risk == "high"
        else "",
        "services_needed": ["mhpss"] if concerns and rng.random() < 0.5 else [],
    }
    if uasc != "unaccompanied":
        cg_first, _n = rng.choice(FIRST_NAMES["female"])
        data.update(
            caregiver_first_name=cg_first,
            caregiver_last_name=last,
            caregiver_relationship="mother" if care == "parents" else "aunt_uncle",
            caregiver_sex="female",
            caregiver_id_document_type="passport",
            caregiver_is_legal_guardian=care == "parents",
            caregiver_ability_to_care="yes",
        )
    return data
