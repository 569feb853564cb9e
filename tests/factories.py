"""Children built through the real registration service, with small explicit overrides."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from cases.demo import synthetic_child
from cases.models import Child
from registration.services import register_child


def child_data(county: str = "RO-TM", seed: int = 1, **overrides: Any) -> dict[str, Any]:
    rng = random.Random(seed)
    data = synthetic_child(rng, county, dt.date(2023, 12, 31))
    data.update(overrides)
    # Keep the conditional answers consistent with what an override changed.
    if not data.get("protection_concerns") and "concern_details" not in overrides:
        data["concern_details"] = ""
        data["concern_source"] = overrides.get("concern_source", "")
    if data.get("has_disability") != "yes" and "disability_details" not in overrides:
        data["disability_details"] = ""
    if data.get("risk_level") != "high" and "risk_justification" not in overrides:
        data["risk_justification"] = ""
    return data


def make_child(user, county: str | None = None, seed: int = 1, **overrides: Any) -> Child:
    county = county or user.county_id or "RO-TM"
    return register_child(child_data(county, seed, **overrides), user)
