"""The report as one CSV file: a block per table, rendered from the stored document.

Layout (UTF-8 with a byte-order mark so that spreadsheets show diacritics and Cyrillic):

    report,quarterly_statistics
    period,2023Q4
    ...                                  (one line per top-level field)
    <blank line>
    table,by_sex_age                     (one block per table, in the document's order)
    sex,age_group,sex_label,age_group_label,cumulative,in_quarter[,cumulative_suppressed,in_quarter_suppressed]
    female,0-5,Feminin,0-5,120,8
    <blank line>

Codes stay in the dimension columns; the *_label columns give their labels in the chosen
language. `provisional,true` and `as_of` say that a quarter not yet ended was counted up
to that day. A null count (suppressed, or in_quarter of a figure at the period's end) is an
empty cell; the *_suppressed columns (public variant) say which.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import translation

from .labels import value_label

HEADER_FIELDS = (
    "report",
    "period",
    "period_start",
    "period_end",
    "scope",
    "variant",
    "generated_at",
    "provisional",
    "as_of",
    "language",
)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value


def render_csv(document: dict[str, Any], language: str = "ro") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    meta = dict(document, language=language)
    for field in HEADER_FIELDS:
        writer.writerow([field, _cell(meta.get(field, ""))])
    with translation.override(language):
        for name, table in document["tables"].items():
            dims = list(table["dimensions"])
            measures = ["cumulative", "in_quarter"]
            if any("cumulative_suppressed" in row for row in table["rows"]):
                measures += ["cumulative_suppressed", "in_quarter_suppressed"]
            writer.writerow([])
            writer.writerow(["table", name])
            writer.writerow(dims + [f"{d}_label" for d in dims] + measures)
            for row in table["rows"]:
                writer.writerow(
                    [row[d] for d in dims]
                    + [value_label(d, row[d]) for d in dims]
                    + [_cell(row.get(m)) for m in measures]
                )
    return out.getvalue().encode("utf-8-sig")
