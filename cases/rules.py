"""The rules of registration.md that span questions: risk, schedule, age groups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

HIGH_RISK_CONCERNS = frozenset(
    {
        "sexual_abuse",
        "sexual_exploitation",
        "trafficking",
        "suicide_risk",
        "physical_abuse",
        "child_marriage",
    }
)
FOLLOW_UP_DAYS = {"high": 14, "medium": 30, "low": 60}
AGE_GROUPS = ("0-5", "6-13", "14-17")
WAR_START = dt.date(2022, 2, 24)


def suggested_risk_level(uasc_status: str, concerns: Iterable[str], has_disability: str) -> str:
    concerns = set(concerns)
    if uasc_status == "unaccompanied" or concerns & HIGH_RISK_CONCERNS:
        return "high"
    if concerns or uasc_status == "separated" or has_disability == "yes":
        return "medium"
    return "low"


def next_follow_up(from_date: dt.date, risk_level: str) -> dt.date:
    return from_date + dt.timedelta(days=FOLLOW_UP_DAYS[risk_level])


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def age_group(age: int) -> str:
    if age <= 5:
        return "0-5"
    if age <= 13:
        return "6-13"
    return "14-17"


# Which uasc_status each care arrangement allows (registration.md, question 26).
UASC_FOR_CARE = {
    "parents": {"accompanied"},
    "relatives": {"separated"},
    "other_adult": {"separated"},
    "alone": {"unaccompanied"},
    "child_headed": {"unaccompanied"},
    "institution": {"separated", "unaccompanied"},
}
