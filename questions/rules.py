"""The rules of registration.md as functions of the answers.

Each returns None when the answers are fine, or the parameters of its message (data:
codes, ISO dates, numbers). The catalogue (questions.catalogue) attaches them to their
question with a message code; nothing else restates them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from .model import Answers, Context, as_code

WAR_START = dt.date(2022, 2, 24)
# A caregiver's date of birth before this is a typing mistake (0001-01-01, 1092...).
OLDEST_BIRTH = dt.date(1900, 1, 1)
# A planned departure further than this after the interview is a typing mistake.
DEPARTURE_YEARS = 5
ADULT_AGE = 18
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
AGE_GROUPS = ("0-5", "6-13", "14-17")
# Which uasc_status each care arrangement allows (registration.md, question 26).
UASC_FOR_CARE = {
    "parents": frozenset({"accompanied"}),
    "relatives": frozenset({"separated"}),
    "other_adult": frozenset({"separated"}),
    "alone": frozenset({"unaccompanied"}),
    "child_headed": frozenset({"unaccompanied"}),
    "institution": frozenset({"separated", "unaccompanied"}),
}
NOT_A_DESTINATION = frozenset({"RO", "UA"})


# -- Derived answers -------------------------------------------------------------------


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


# The suggested risk level (registration.md), as data: the first level any of whose
# answers matches; "*" matches any protection concern. The registration page's script
# reads the same table (json_script), so the suggestion shown is the one stored.
RISK_TRIGGERS: tuple[tuple[str, dict[str, tuple[str, ...]]], ...] = (
    (
        "high",
        {
            "uasc_status": ("unaccompanied",),
            "protection_concerns": tuple(sorted(HIGH_RISK_CONCERNS)),
        },
    ),
    (
        "medium",
        {"uasc_status": ("separated",), "has_disability": ("yes",), "protection_concerns": ("*",)},
    ),
)


_TRIGGER_SETS = tuple(
    (level, {question: frozenset(values) for question, values in triggers.items()})
    for level, triggers in RISK_TRIGGERS
)


def suggested_risk_level(uasc_status: str, concerns: Iterable[str], has_disability: str) -> str:
    answers = {
        "uasc_status": (uasc_status,) if uasc_status else (),
        "protection_concerns": tuple(concerns or ()),
        "has_disability": (has_disability,) if has_disability else (),
    }
    for level, triggers in _TRIGGER_SETS:
        for question, values in triggers.items():
            found = answers[question]
            if found and ("*" in values or not values.isdisjoint(found)):
                return level
    return "low"


def suggested_from(answers: Answers) -> str:
    return suggested_risk_level(
        answers.get("uasc_status") or "",
        answers.get("protection_concerns") or [],
        answers.get("has_disability") or "",
    )


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# -- Rules of one answer ---------------------------------------------------------------


def not_in_future(code: str):
    def check(answers: Answers, ctx: Context) -> dict[str, Any] | None:
        value = answers.get(code)
        return {} if value and value > ctx.today else None

    return check


def not_before_war(code: str):
    def check(answers: Answers, ctx: Context) -> dict[str, Any] | None:
        value = answers.get(code)
        return {} if value and value < WAR_START else None

    return check


def latin_script(code: str):
    """Names asked "in Latin script" refuse Cyrillic letters (diacritics are welcome):
    the spelling of the documents has its own question (name_native)."""

    def check(answers: Answers, ctx: Context) -> dict[str, Any] | None:
        value = answers.get(code) or ""
        return {} if any("\u0400" <= ch <= "\u052f" for ch in value) else None

    return check


def not_ro_or_ua(answers: Answers, ctx: Context) -> dict[str, Any] | None:
    return {} if answers.get("destination_country") in NOT_A_DESTINATION else None


def caregiver_birth_plausible(answers: Answers, ctx: Context) -> dict[str, Any] | None:
    value = answers.get("caregiver_date_of_birth")
    if value and (value < OLDEST_BIRTH or value > ctx.today):
        return {"min": OLDEST_BIRTH.isoformat(), "max": ctx.today.isoformat()}
    return None


# -- Rules across answers --------------------------------------------------------------


def entry_not_after_interview(answers: Answers, ctx: Context) -> dict[str, Any] | None:
    entry, interview = answers.get("entry_date"), answers.get("registration_date")
    return {} if entry and interview and entry > interview else None


def birth_not_after_interview(answers: Answers, ctx: Context) -> dict[str, Any] | None:
    dob, interview = answers.get("date_of_birth"), answers.get("registration_date")
    return {} if dob and interview and dob > interview else None


def child_under_18(answers: Answers, ctx: Context) -> dict[str, Any] | None:
    dob, interview = answers.get("date_of_birth"), answers.get("registration_date")
    if dob and interview and dob <= interview and age_on(dob, interview) >= ADULT_AGE:
        return {}
    return None


def caregiver_adult(answers: Answers, ctx: Context) -> dict[str, Any] | None:
    """The caregiver is 18 or older on the date of the interview (everywhere: form,
    edit and import)."""
    dob, interview = answers.get("caregiver_date_of_birth"), answers.get("registration_date")
    if dob and interview and dob <= interview and age_on(dob, interview) < ADULT_AGE:
        return {}
    return None


def uasc_fits_care(answers: Answers, ctx: Context) -> dict[str, Any] | None:
    care, uasc = answers.get("care_arrangement"), answers.get("uasc_status")
    allowed = UASC_FOR_CARE.get(care or "")
    if care and uasc and allowed and uasc not in allowed:
        return {"allowed": sorted(allowed)}
    return None


def departure_in_range(answers: Answers, ctx: Context) -> dict[str, Any] | None:
    value = answers.get("planned_departure_date")
    start = answers.get("registration_date") or WAR_START
    end = _add_years(max(start, ctx.today), DEPARTURE_YEARS)
    if value and not (start <= value <= end):
        return {"min": start.isoformat(), "max": end.isoformat()}
    return None


# Levels chosen that need a justification even when they are the one suggested; any other
# level needs one only when it differs from the suggestion. The registration page shows the
# justification question from the same data (json_script "registration-risk").
ALWAYS_EXPLAINED: tuple[str, ...] = ("high",)


def _needs_justification(answers: Answers) -> str | None:
    level = answers.get("risk_level")
    if not level or (answers.get("risk_justification") or "").strip():
        return None
    return level


def high_risk_explained(answers: Answers, ctx: Context) -> dict[str, Any] | None:
    return {} if _needs_justification(answers) in ALWAYS_EXPLAINED else None


def other_level_explained(answers: Answers, ctx: Context) -> dict[str, Any] | None:
    level = _needs_justification(answers)
    if level is None or level in ALWAYS_EXPLAINED:
        return None
    suggested = suggested_from(answers)
    return {"level": suggested} if level != suggested else None


def yes(value: Any) -> bool:
    return as_code(value) == "yes"
