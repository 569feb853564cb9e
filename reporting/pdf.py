"""The quarterly report as a PDF a ministry can publish, rendered from the stored document.

render_pdf(document, language) lays out the JSON document of quarterly_report.md with
WeasyPrint: title page facts, a summary in words, charts, every table with labels in the
chosen language, which cells of the public variant are suppressed and why, and the
methodology.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import charts, labels

# Tables whose suppressed counts can only be primary: secondary suppression skips them.
PRIMARY_ONLY_TABLES = frozenset({"totals", "concerns"})
MEASURE_COLUMNS = ("cumulative", "in_quarter")


@dataclass
class Cell:
    value: int | None
    suppressed: bool = False
    reason: str = ""  # "primary", "secondary" or "" (suppressed, reason not given)
    text: str = ""

    def display(self, threshold: int) -> str:
        if self.suppressed:
            return f"<{threshold}" if self.reason == "primary" else "—"
        if self.value is None:
            return ""  # not applicable (in_quarter of a figure at the period's end)
        return _number(self.value)


@dataclass
class Row:
    labels: list[str]
    cells: list[Cell]


@dataclass
class Table:
    name: str
    title: str
    note: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)
    measures: int = 2
    suppressed: list[str] = field(default_factory=list)  # descriptions of suppressed cells


def _number(value: int) -> str:
    # A thin no-break space between thousands reads the same in the three languages.
    return f"{value:,}".replace(",", "\u202f")


def threshold_of(document: dict) -> int:
    return int(document.get("suppression_threshold") or settings.REPORT_SUPPRESSION_THRESHOLD)


def suppression_reasons(document: dict) -> dict[tuple, str]:
    """(table, row index, measure) -> "primary" or "secondary", for a public document.

    The engine says why each cell was suppressed; a reason it cannot give any more (the
    data changed since the document was computed) stays unknown, except in the tables
    where only primary suppression applies.
    """
    if document.get("variant") != "public":
        return {}
    from .engine import suppression_notes

    by_cell = {
        (n["table"], tuple(sorted(n["row"].items())), n["measure"]): n["reason"]
        for n in suppression_notes(document, threshold_of(document))
    }
    reasons = {}
    for name, table in document.get("tables", {}).items():
        dims = table.get("dimensions", [])
        for index, row in enumerate(table.get("rows", [])):
            key = tuple(sorted((d, row.get(d)) for d in dims))
            for measure in MEASURE_COLUMNS:
                if not row.get(f"{measure}_suppressed"):
                    continue
                reason = by_cell.get((name, key, measure))
                if reason not in ("primary", "secondary"):
                    reason = "primary" if name in PRIMARY_ONLY_TABLES else ""
                reasons[(name, index, measure)] = reason
    return reasons


def build_tables(document: dict, reasons: dict[tuple, str] | None = None) -> list[Table]:
    """The document's tables with labels in the active language, in the document's order."""
    threshold = threshold_of(document)
    if reasons is None:
        reasons = suppression_reasons(document)
    tables = []
    for name, data in document.get("tables", {}).items():
        dims = data.get("dimensions", [])
        rows = data.get("rows", [])
        # A measure that is null in every row (in_quarter of the monthly series) is no column.
        measures = [
            m
            for m in MEASURE_COLUMNS
            if not rows or any(r.get(m) is not None or r.get(f"{m}_suppressed") for r in rows)
        ]
        table = Table(
            name=name,
            title=labels.table_title(name),
            note=labels.table_note(name),
            headers=[labels.dimension_label(d) for d in dims]
            + [labels.column_label(m) for m in measures],
            measures=len(measures),
        )
        for index, row in enumerate(rows):
            row_labels = [labels.value_label(d, row.get(d)) for d in dims]
            cells = []
            for measure in measures:
                suppressed = bool(row.get(f"{measure}_suppressed"))
                reason = reasons.get((name, index, measure), "")
                cell = Cell(row.get(measure), suppressed, reason)
                cell.text = cell.display(threshold)
                cells.append(cell)
                if suppressed:
                    why = {
                        "primary": _("below %(threshold)s") % {"threshold": threshold},
                        "secondary": _("secondary suppression"),
                    }.get(reason, _("withheld"))
                    table.suppressed.append(
                        f"{' / '.join(row_labels)} ({labels.column_label(measure).lower()}: {why})"
                    )
            table.rows.append(Row(row_labels, cells))
        tables.append(table)
    return tables


def _rows(document: dict, table: str) -> list[dict]:
    return (document.get("tables", {}).get(table) or {}).get("rows", [])


def _total(document: dict, measure: str) -> dict | None:
    for row in _rows(document, "totals"):
        if row.get("measure") == measure:
            return row
    return None


def _figure(row: dict | None, column: str, threshold: int) -> str | None:
    if row is None:
        return None
    if row.get(f"{column}_suppressed"):
        return _("fewer than %(threshold)s") % {"threshold": threshold}
    value = row.get(column)
    return None if value is None else _number(value)


def summary(document: dict) -> list[str]:
    """A few sentences in words from the totals table."""
    threshold = threshold_of(document)
    provisional = bool(document.get("provisional"))
    end = _date(document.get("as_of") or document.get("period_end"))
    scope = labels.scope_label(document.get("scope"))
    sentences = []
    children = _total(document, "children_registered")
    if children is not None:
        sentences.append(
            _(
                "By %(end)s, %(total)s children from Ukraine had been registered for "
                "protection in %(scope)s, %(quarter)s of them during the quarter."
            )
            % {
                "end": end,
                "total": _figure(children, "cumulative", threshold),
                "quarter": _figure(children, "in_quarter", threshold),
                "scope": scope,
            }
        )
    caregivers = _total(document, "caregivers_registered")
    if caregivers is not None:
        sentences.append(
            _("%(total)s caregivers were registered with them.")
            % {"total": _figure(caregivers, "cumulative", threshold)}
        )
    uasc = _total(document, "unaccompanied_or_separated")
    concerns = _total(document, "children_with_concerns")
    if uasc is not None and concerns is not None:
        sentences.append(
            _(
                "%(uasc)s children were unaccompanied or separated from their parents, and "
                "%(concerns)s had at least one protection concern."
            )
            % {
                "uasc": _figure(uasc, "cumulative", threshold),
                "concerns": _figure(concerns, "cumulative", threshold),
            }
        )
    open_ = _total(document, "cases_open")
    overdue = _total(document, "followups_overdue")
    closed = _total(document, "cases_closed")
    if open_ is not None and closed is not None:
        figures = {
            "open": _figure(open_, "cumulative", threshold),
            "closed": _figure(closed, "cumulative", threshold),
            "closed_quarter": _figure(closed, "in_quarter", threshold),
            "day": end,
        }
        if provisional:
            sentence = _(
                "On %(day)s %(open)s cases were open; %(closed)s cases had been closed in "
                "all, %(closed_quarter)s of them so far in the quarter."
            )
        else:
            sentence = _(
                "At the end of the period %(open)s cases were open; %(closed)s cases had been "
                "closed in all, %(closed_quarter)s of them during the quarter."
            )
        sentences.append(sentence % figures)
    if overdue is not None:
        figures = {"overdue": _figure(overdue, "cumulative", threshold), "day": end}
        if provisional:
            sentence = _("%(overdue)s open cases had a follow-up visit overdue on %(day)s.")
        else:
            sentence = _(
                "%(overdue)s open cases had a follow-up visit overdue at the end of the period."
            )
        sentences.append(sentence % figures)
    referred = _total(document, "children_referred")
    if referred is not None:
        sentences.append(
            _("%(referred)s children had been referred to services.")
            % {"referred": _figure(referred, "cumulative", threshold)}
        )
    return sentences


def _date(value: str | None) -> str:
    if not value:
        return ""
    try:
        return _day(dt.date.fromisoformat(value))
    except ValueError:
        return value


def _day(value: dt.date | dt.datetime, fmt: str = "j E Y") -> str:
    # "E" is the month name as used in a date (Ukrainian genitive); Romanian writes it
    # in lower case inside a date, where Django's names are capitalised.
    text = formats.date_format(value, fmt)
    return text.lower() if translation.get_language() == "ro" else text


def period_label(period: str) -> str:
    """'2023Q4' -> 'Q4 2023' in words of the active language."""
    if len(period) == 6 and period[4] == "Q":
        return _("quarter %(quarter)s of %(year)s") % {"quarter": period[5], "year": period[:4]}
    return period


def document_charts(
    document: dict, reasons: dict[tuple, str] | None = None, *, width: int = 620
) -> list[tuple[str, str]]:
    """(title, svg) of the charts the spec asks for, from the document alone."""
    threshold = threshold_of(document)
    reasons = {} if reasons is None else reasons

    def mark(table: str, index: int) -> str:
        primary = reasons.get((table, index, "cumulative")) == "primary"
        return f"<{threshold}" if primary else "—"

    result = []
    months = _rows(document, "monthly_registrations")
    if months:
        title = labels.table_title("monthly_registrations")
        bars = [
            charts.Bar(
                labels.month_short_label(r["month"]),
                None if r.get("cumulative_suppressed") else r.get("cumulative"),
                mark=mark("monthly_registrations", i),
            )
            for i, r in enumerate(months)
        ]
        result.append((title, charts.columns(bars, title=title, width=width)))
    sex_age = _rows(document, "by_sex_age")
    if sex_age:
        title = labels.table_title("by_sex_age")
        ages = [g for g in ("0-5", "6-13", "14-17") if any(r["age_group"] == g for r in sex_age)]
        sexes = sorted({r["sex"] for r in sex_age})
        cell = {
            (r["sex"], r["age_group"]): None
            if r.get("cumulative_suppressed")
            else r.get("cumulative")
            for r in sex_age
        }
        marks = {(r["sex"], r["age_group"]): mark("by_sex_age", i) for i, r in enumerate(sex_age)}
        series = [
            (
                labels.value_label("sex", s),
                [
                    charts.Bar(
                        labels.value_label("age_group", g),
                        cell.get((s, g), 0),
                        mark=marks.get((s, g), "—"),
                    )
                    for g in ages
                ],
            )
            for s in sexes
        ]
        result.append(
            (
                title,
                charts.grouped_columns(
                    [labels.value_label("age_group", g) for g in ages],
                    series,
                    title=title,
                    width=width,
                ),
            )
        )
    counties = _rows(document, "by_county_sex")
    if len({r["county"] for r in counties}) > 1:
        title = _("Children registered by county")
        totals: dict[str, int | None] = {}
        for r in counties:
            # A county with a suppressed cell shows no total: it would reveal the cell.
            if r.get("cumulative_suppressed") or totals.get(r["county"], 0) is None:
                totals[r["county"]] = None
            else:
                totals[r["county"]] = totals.get(r["county"], 0) + (r.get("cumulative") or 0)
        ordered = sorted(totals.items(), key=lambda kv: (-(kv[1] or 0), kv[0]))
        bars = [charts.Bar(labels.value_label("county", c), v) for c, v in ordered]
        result.append((title, charts.horizontal_bars(bars, title=title, width=width)))
    concerns = _rows(document, "concerns")
    if concerns:
        title = labels.table_title("concerns")
        ordered = sorted(
            enumerate(concerns), key=lambda ir: (-(ir[1].get("cumulative") or 0), ir[1]["concern"])
        )
        bars = [
            charts.Bar(
                labels.value_label("concern", r["concern"]),
                None if r.get("cumulative_suppressed") else r.get("cumulative"),
                mark=mark("concerns", i),
            )
            for i, r in ordered
        ]
        result.append(
            (title, charts.horizontal_bars(bars, title=title, width=width, label_width=300))
        )
    return result


def methodology() -> list[str]:
    """The counting rules of quarterly_report.md, in the active language."""
    return [
        _(
            "The period of a quarter runs from the first day of its first month to the last "
            "day of its last month. Cumulative counts cover everything registered on or before "
            "the last day of the period; counts in the quarter cover what happened within it."
        ),
        _(
            "A child counts once, by their own record. Anonymous records (children registered "
            "without consent to a case) count in every table about registrations, never in "
            "those about cases: open and closed cases, overdue follow-ups, children referred, "
            "referrals by service and closures by reason. Records closed as duplicates never "
            "count."
        ),
        _(
            "Age groups (0–5, 6–13 and 14–17 years) are by the child's age on the day of "
            "registration. County tables use the county where the child currently lives; "
            "border crossing points are those through which the child entered Romania."
        ),
        _(
            "A case is open at the end of the period when it was registered on or before that "
            "day and not closed on or before it. A follow-up is overdue when an open case's "
            "next follow-up, by the follow-ups recorded up to that day, was due before it."
        ),
        _(
            "A caregiver counts once, when at least one of their children counts, in the "
            "quarter in which the first of those children was registered."
        ),
        _(
            "Children referred: children with at least one referral made on or before the end "
            "of the period (in the quarter: made during the quarter). Referrals by service "
            "count every referral, whatever its status, by the date it was made."
        ),
    ]


def suppression_notes(threshold: int) -> list[str]:
    return [
        _(
            "Primary suppression: every count from 1 to %(below)s is withheld so that no child "
            "can be recognised. It is shown as “<%(threshold)s”. Zeros are never withheld."
        )
        % {"below": threshold - 1, "threshold": threshold},
        _(
            "Secondary suppression: where a withheld count could be recovered by subtracting "
            "the published counts from a published total, the next smallest count of its group "
            "(or of the table) is withheld too. The totals and protection concerns tables are "
            "not subject to it, since their rows do not add up to a published figure."
        ),
        _(
            "“—” marks a count withheld by secondary suppression. Each count (cumulative and "
            "in the quarter) is withheld or published on its own."
        ),
    ]


def key_figures(tables: list[Table]) -> list[tuple[str, str, str]]:
    """(label, figure, figure in the quarter) of the totals, for the first page."""
    totals = next((t for t in tables if t.name == "totals"), None)
    if totals is None:
        return []
    figures = []
    for row in totals.rows:
        cumulative = row.cells[0].text if row.cells else ""
        quarter = row.cells[1].text if len(row.cells) > 1 else ""
        figures.append((row.labels[0], cumulative, quarter))
    return figures


def css_string(text: str) -> SafeString:
    """A quoted CSS string (for margin boxes), every character that could end it escaped."""
    escaped = "".join(
        f"\\{ord(ch):x} " if ch in "\\\"'<>&" or ord(ch) < 32 else ch for ch in str(text)
    )
    return mark_safe(f'"{escaped}"')  # noqa: S308 - escaped above


def provisional_label(document: dict) -> str:
    """'provisional, as of 30 november 2026' (every page's header), or ""."""
    if not document.get("provisional"):
        return ""
    return _("provisional, as of %(as_of)s") % {"as_of": _date(document.get("as_of"))}


def provisional_notice(document: dict) -> str:
    """What the title page says of a quarter that had not ended ("" for a final report)."""
    if not document.get("provisional"):
        return ""
    return _(
        "Provisional figures: the quarter had not ended when this report was computed. "
        "Everything is counted up to %(as_of)s, and “the end of the period” means that day "
        "(open cases, overdue follow-ups). This is not the published report of the quarter."
    ) % {"as_of": _date(document.get("as_of"))}


def context(document: dict) -> dict:
    threshold = threshold_of(document)
    provisional = bool(document.get("provisional"))
    generated = parse_datetime(document.get("generated_at") or "")
    if generated is not None and timezone.is_aware(generated):
        generated = timezone.localtime(generated)
    public = document.get("variant") == "public"
    reasons = suppression_reasons(document)
    tables = build_tables(document, reasons)
    suppressed = [(t.title, t.suppressed) for t in tables if t.suppressed]
    count = sum(len(cells) for _title, cells in suppressed)
    return {
        "document": document,
        "title": _("Children from Ukraine registered for protection in Romania"),
        "header_css": css_string(
            f"{_('Quarterly statistics')} · {period_label(document.get('period', ''))} · "
            f"{labels.scope_label(document.get('scope'))}"
            + (f" · {provisional_label(document)}" if provisional else "")
        ),
        "page_css": css_string(_("Page") + " "),
        "subtitle": _("Quarterly statistics"),
        "period": period_label(document.get("period", "")),
        "period_dates": _("%(start)s – %(end)s")
        % {
            "start": _date(document.get("period_start")),
            "end": _date(document.get("period_end")),
        },
        "provisional": provisional,
        "provisional_label": provisional_label(document),
        "provisional_notice": provisional_notice(document),
        "scope": labels.scope_label(document.get("scope")),
        "variant": labels.variant_label(document.get("variant", "full")),
        "public": public,
        "generated": _day(generated, "j E Y, H:i") if generated else "",
        "summary": summary(document),
        "charts": document_charts(document, reasons),
        "tables": tables,
        "key_figures": key_figures(tables),
        "threshold": threshold,
        "suppressed": suppressed,
        "suppressed_count": count,
        "suppressed_sentence": ngettext(
            "%(count)s count of this report is withheld.",
            "%(count)s counts of this report are withheld.",
            count,
        )
        % {"count": count},
        "suppression_notes": suppression_notes(threshold),
        "methodology": methodology(),
        "measure_columns": [labels.column_label(m) for m in MEASURE_COLUMNS],
    }


def render_html(document: dict, language: str = "ro") -> str:
    with translation.override(language):
        return render_to_string(
            "reporting/pdf/report.html", {**context(document), "language": language}
        )


def load_renderer():
    """Import WeasyPrint (Pango, HarfBuzz, its HTML and CSS parsers): 2 to 6 s here, once
    per process. Never at import time, so that web processes do not pay it; a Celery
    worker calls this at start (reporting.tasks), before the first report it builds."""
    import weasyprint

    return weasyprint


def render_pdf(document: dict, language: str = "ro") -> bytes:
    """The PDF of a report document, labels in language (ro, uk or en)."""
    weasyprint = load_renderer()
    html = render_html(document, language)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
