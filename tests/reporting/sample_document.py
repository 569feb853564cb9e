"""A hand-written report document of the spec's exact shape (quarterly_report.md).

The figures are consistent with each other (the sex x age rows add up to the
children_registered total, and so on) so that the PDF and the dashboards can be checked
against known numbers without running the engine.
"""

from __future__ import annotations

import copy

TOTALS = [
    ("children_registered", 1234, 87),
    ("caregivers_registered", 802, 51),
    ("cases_closed", 311, 40),
    ("children_with_concerns", 415, 29),
    ("children_referred", 208, 17),
    ("unaccompanied_or_separated", 96, 6),
    ("cases_open", 870, None),
    ("followups_overdue", 57, None),
]


def _rows(dimensions, values):
    return [
        {**dict(zip(dimensions, key, strict=True)), "cumulative": cum, "in_quarter": inq}
        for *key, cum, inq in values
    ]


def _months():
    # 2022-03 .. 2023-12: registrations every month, in_quarter is null (spec).
    rows = []
    figures = [
        60, 95, 88, 71, 66, 58, 54, 49, 52, 47, 45, 44,
        51, 50, 48, 46, 44, 43, 42, 40, 33, 29, 25, 33,
    ]  # fmt: skip
    year, month = 2022, 1
    for value in figures:
        rows.append({"month": f"{year}-{month:02d}", "cumulative": value, "in_quarter": None})
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return rows


def full_document() -> dict:
    return {
        "report": "quarterly_statistics",
        "period": "2023Q4",
        "period_start": "2023-10-01",
        "period_end": "2023-12-31",
        "scope": "national",
        "variant": "full",
        "generated_at": "2024-01-01T03:00:00Z",
        "tables": {
            "totals": {
                "dimensions": ["measure"],
                "rows": [{"measure": m, "cumulative": c, "in_quarter": q} for m, c, q in TOTALS],
            },
            "by_sex_age": {
                "dimensions": ["sex", "age_group"],
                "rows": _rows(
                    ["sex", "age_group"],
                    [
                        ("female", "0-5", 201, 14),
                        ("female", "6-13", 262, 19),
                        ("female", "14-17", 147, 10),
                        ("male", "0-5", 198, 13),
                        ("male", "6-13", 270, 20),
                        ("male", "14-17", 156, 11),
                    ],
                ),
            },
            "by_county_sex": {
                "dimensions": ["county", "sex"],
                "rows": _rows(
                    ["county", "sex"],
                    [
                        ("RO-B", "female", 140, 9),
                        ("RO-B", "male", 151, 10),
                        ("RO-SV", "female", 230, 16),
                        ("RO-SV", "male", 221, 15),
                        ("RO-TM", "female", 240, 18),
                        ("RO-TM", "male", 252, 19),
                    ],
                ),
            },
            "uasc_by_county": {
                "dimensions": ["county", "uasc_status"],
                "rows": _rows(
                    ["county", "uasc_status"],
                    [
                        ("RO-B", "separated", 12, 1),
                        ("RO-B", "unaccompanied", 7, 0),
                        ("RO-SV", "separated", 31, 2),
                        ("RO-SV", "unaccompanied", 9, 1),
                        ("RO-TM", "separated", 28, 2),
                        ("RO-TM", "unaccompanied", 9, 0),
                    ],
                ),
            },
            "concerns": {
                "dimensions": ["concern"],
                "rows": _rows(
                    ["concern"],
                    [
                        ("emotional_abuse", 96, 7),
                        ("lack_of_documentation", 151, 9),
                        ("medical_problems", 120, 8),
                        ("neglect", 44, 3),
                        ("school_abandonment", 63, 5),
                        ("trafficking", 6, 1),
                    ],
                ),
            },
            "concerns_by_risk": {
                "dimensions": ["risk_level"],
                "rows": _rows(
                    ["risk_level"],
                    [("high", 72, 6), ("low", 101, 7), ("medium", 242, 16)],
                ),
            },
            "disability_by_sex": {
                "dimensions": ["sex"],
                "rows": _rows(["sex"], [("female", 31, 2), ("male", 38, 3)]),
            },
            "referrals_by_service": {
                "dimensions": ["service_type"],
                "rows": _rows(
                    ["service_type"],
                    [
                        ("education", 88, 6),
                        ("health", 97, 8),
                        ("legal_documentation", 54, 4),
                        ("mhpss", 61, 5),
                    ],
                ),
            },
            "monthly_registrations": {"dimensions": ["month"], "rows": _months()},
            "intention_of_travel": {
                "dimensions": ["planned_stay", "destination_country"],
                "rows": _rows(
                    ["planned_stay", "destination_country"],
                    [
                        ("return", "", 180, 12),
                        ("stay", "", 702, 51),
                        ("transit", "DE", 141, 9),
                        ("transit", "PL", 98, 7),
                        ("undecided", "", 113, 8),
                    ],
                ),
            },
            "entry_points": {
                "dimensions": ["entry_point"],
                "rows": _rows(
                    ["entry_point"],
                    [
                        ("INLAND", 214, 20),
                        ("ISACCEA", 298, 18),
                        ("SIRET", 722, 49),
                    ],
                ),
            },
            "closures_by_reason": {
                "dimensions": ["closure_reason"],
                "rows": _rows(
                    ["closure_reason"],
                    [
                        ("left_romania", 120, 15),
                        ("needs_met", 150, 20),
                        ("returned_ukraine", 41, 5),
                    ],
                ),
            },
        },
    }


def public_document(threshold: int = 5) -> dict:
    """The public variant of full_document(), suppressed by the engine's own rules."""
    from reporting.suppression import suppress_document

    public, _notes = suppress_document(copy.deepcopy(full_document()), threshold)
    return public
