"""A case full of personal data spread over every record of it, the quarters it spans, and
the two checks of anonymisation: reports unchanged, no personal value left anywhere."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from cases.services.closure import close_case
from cases.services.followups import record_follow_up
from cases.services.workflow import record_assessment
from reporting.engine import compute_report
from reporting.periods import parse_period
from tests.factories import make_child

FIRST, LAST = "Zoriankaqx", "Kvitkovskyqx"
CAREGIVER_FIRST, CAREGIVER_LAST = "Bohdanaqx", "Melnychukqx"
PHONE, DOCUMENT, ADDRESS = "+380501239876", "QX998877", "Strada Zambilelor 77qx"
# Every personal value of the story: none may remain anywhere after anonymisation.
NEEDLES = (FIRST, LAST, CAREGIVER_FIRST, CAREGIVER_LAST, PHONE, DOCUMENT, ADDRESS)


def personal_case(user, *, county: str = "RO-TM", seed: int = 11, **extra):
    """A case registered in 2024Q1 with follow-ups, an assessment, a referral and a closure
    in later quarters, each holding the child's name in its free text."""
    from referrals.services import create_referral

    registered = dt.date(2024, 2, 10)
    data = dict(
        registration_date=registered,
        entry_date=registered - dt.timedelta(days=3),
        first_name=FIRST,
        last_name=LAST,
        name_native=f"{FIRST} {LAST}",
        id_document_number=DOCUMENT,
        contact_phone=PHONE,
        current_address=ADDRESS,
        interviewer_notes=f"{FIRST} arrived with {CAREGIVER_FIRST}.",
        medical_needs=f"{FIRST} needs glasses.",
        caregiver_first_name=CAREGIVER_FIRST,
        caregiver_last_name=CAREGIVER_LAST,
        caregiver_phone=PHONE,
        caregiver_relationship="mother",
        caregiver_sex="female",
        caregiver_id_document_type="passport",
        caregiver_is_legal_guardian=True,
        caregiver_ability_to_care="yes",
        uasc_status="accompanied",
        care_arrangement="parents",
        accompanying_adults=[{"name": f"{CAREGIVER_FIRST} {CAREGIVER_LAST}"}],
        risk_level="medium",
        protection_concerns=["neglect"],
        concern_source="observed",
        concern_details=f"{FIRST} does not sleep.",
        services_needed=[],
        **extra,
    )
    child = make_child(user, county, seed=seed, **data)
    record_assessment(
        child,
        user,
        assessed_on=dt.date(2024, 2, 20),
        risk_level="medium",
        needs_details=f"{FIRST} needs school.",
        strengths=f"{CAREGIVER_FIRST} is caring.",
        notes=f"Called {PHONE}.",
    )
    record_follow_up(child, user, dt.date(2024, 4, 15), "home_visit", f"Saw {FIRST}.", "medium")
    create_referral(
        child,
        user,
        service_type="mhpss",
        reason=f"{FIRST} {LAST} needs counselling.",
        referred_on=dt.date(2024, 4, 20),
    )
    close_case(child, user, "left_romania", dt.date(2024, 8, 5), f"{FIRST} left with {LAST}.")
    child.refresh_from_db()
    return child


def quarters(first: str = "2024Q1", last: str = "2026Q3") -> list[str]:
    period = parse_period(first)
    codes = []
    while True:
        codes.append(period.code)
        if period.code == last:
            return codes
        period = period.next()


def reports(counties=(None, "RO-TM", "RO-SV")) -> dict:
    """The full and public documents of every past quarter, nationally and by county."""
    return {
        (code, county, variant): compute_report(code, county, variant, generated_at="fixed")[
            "tables"
        ]
        for code in quarters()
        for county in counties
        for variant in ("full", "public")
    }


def columns_holding(needles=NEEDLES) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every text column of every table holding a needle."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND data_type IN ('text', 'character varying', 'character', 'jsonb', 'json')"
        )
        columns = cursor.fetchall()
        found = []
        for table, column in columns:
            for needle in needles:
                quote = connection.ops.quote_name
                cursor.execute(
                    # Names from information_schema, quoted: no input reaches the SQL.
                    f"SELECT 1 FROM {quote(table)} WHERE {quote(column)}::text ILIKE %s LIMIT 1",  # noqa: S608
                    [f"%{needle}%"],
                )
                if cursor.fetchone():
                    found.append((table, column, needle))
        return found
