"""Suppression for the public variant (quarterly_report.md, "The public variant").

Pure functions on the tables of a report document: no database, no settings.

- primary: every count from 1 to threshold-1 becomes null; zero (and null) never;
- secondary, per measure, in every table but totals and concerns: (1) in each group of rows
  sharing every dimension value but the last, where exactly one count is suppressed and the
  group has another non-zero count, the smallest other non-zero count is suppressed too;
  (2) then in the whole table, where exactly one count is suppressed, the smallest other
  non-zero count of the table is suppressed too. Ties: the first row in table order.
  Nothing else.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

MEASURES = ("cumulative", "in_quarter")
PUBLIC_TABLES = (
    "totals",
    "by_sex_age",
    "by_county_sex",
    "uasc_by_county",
    "concerns",
    "disability_by_sex",
    "referrals_by_service",
    "monthly_registrations",
    "intention_of_travel",
    "entry_points",
)
# Their rows do not add up to a published figure: only primary suppression.
NO_SECONDARY = frozenset({"totals", "concerns"})

PRIMARY = "primary"
SECONDARY = "secondary"


def is_small(value: int | None, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


def _pick_smallest(values: list[int | None], reasons: list[str | None], indexes: Iterable[int]):
    """The index of the smallest non-zero, not yet suppressed count (first on ties)."""
    best = None
    for i in indexes:
        value = values[i]
        if reasons[i] is not None or not value:
            continue
        if best is None or value < values[best]:
            best = i
    return best


def measure_reasons(
    rows: list[dict[str, Any]],
    dimensions: list[str],
    measure: str,
    threshold: int,
    secondary: bool = True,
) -> list[str | None]:
    """For one measure of one table: per row, None (published), "primary" or "secondary"."""
    values = [row.get(measure) for row in rows]
    reasons: list[str | None] = [PRIMARY if is_small(v, threshold) else None for v in values]
    if not secondary:
        return reasons

    # (1) groups of rows sharing every dimension value but the last.
    groups: dict[tuple, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(tuple(row[d] for d in dimensions[:-1]), []).append(i)
    for indexes in groups.values():
        if sum(reasons[i] is not None for i in indexes) == 1:
            j = _pick_smallest(values, reasons, indexes)
            if j is not None:
                reasons[j] = SECONDARY

    # (2) the whole table.
    if sum(r is not None for r in reasons) == 1:
        j = _pick_smallest(values, reasons, range(len(rows)))
        if j is not None:
            reasons[j] = SECONDARY
    return reasons


def table_reasons(name: str, table: dict[str, Any], threshold: int) -> dict[str, list[str | None]]:
    secondary = name not in NO_SECONDARY
    return {
        m: measure_reasons(table["rows"], table["dimensions"], m, threshold, secondary)
        for m in MEASURES
    }


def suppress_table(
    name: str, table: dict[str, Any], threshold: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The published table (nulls, *_suppressed flags on every row) and the notes saying
    which cells were suppressed and why."""
    reasons = table_reasons(name, table, threshold)
    rows_out = []
    notes = []
    for i, row in enumerate(table["rows"]):
        out = {d: row[d] for d in table["dimensions"]}
        for m in MEASURES:
            out[m] = None if reasons[m][i] else row.get(m)
        for m in MEASURES:
            out[f"{m}_suppressed"] = reasons[m][i] is not None
            if reasons[m][i]:
                notes.append(
                    {
                        "table": name,
                        "row": {d: row[d] for d in table["dimensions"]},
                        "measure": m,
                        "reason": reasons[m][i],
                    }
                )
        rows_out.append(out)
    return {"dimensions": list(table["dimensions"]), "rows": rows_out}, notes


def suppress_document(
    full: dict[str, Any], threshold: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The public variant of a full document, and its suppression notes (table order,
    row order, cumulative before in_quarter)."""
    public = {k: copy.deepcopy(v) for k, v in full.items() if k != "tables"}
    public["variant"] = "public"
    public["tables"] = {}
    notes: list[dict[str, Any]] = []
    for name in PUBLIC_TABLES:
        if name not in full["tables"]:
            continue
        table, table_notes = suppress_table(name, full["tables"][name], threshold)
        public["tables"][name] = table
        notes.extend(table_notes)
    # Keep the order of the table cells in the notes: by table, then row, then measure.
    return public, notes
