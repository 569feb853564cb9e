"""The case's schedule. The rules of registration.md that span questions (risk, age,
care arrangement) are declared in the question catalogue (questions.rules) and only
re-exported here for the apps that schedule and count cases."""

from __future__ import annotations

import datetime as dt

from questions.rules import (  # noqa: F401  (re-exported)
    AGE_GROUPS,
    HIGH_RISK_CONCERNS,
    UASC_FOR_CARE,
    WAR_START,
    age_group,
    age_on,
    suggested_risk_level,
)

FOLLOW_UP_DAYS = {"high": 14, "medium": 30, "low": 60}


def next_follow_up(from_date: dt.date, risk_level: str) -> dt.date:
    return from_date + dt.timedelta(days=FOLLOW_UP_DAYS[risk_level])
