"""The case list's rows and the follow-up schedule's, written in Python: the list and
every name search's results show 25-100 of them, and through the template engine each
row's dozen values, filters and conditions cost more than the row itself: the list page's
CPU fell by 1.5-1.9 ms of ~25 (docs/benchmarks.md). Every value is escaped by format_html."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

from cases.models import CaseStatus, WorkflowStage
from lookups import registry

register = template.Library()

MUTED_DASH = mark_safe('<span class="muted">—</span>')
OVERDUE_ROW = mark_safe(' class="overdue"')
NOWRAP = ' class="nowrap"'
# The columns' headings, as templates/cases/case_list.html heads them, repeated on each
# cell for a phone, where the rows are stacked and the head is hidden (static/css/app.css).
COLUMNS = (
    gettext_lazy("Case"),
    gettext_lazy("Name"),
    gettext_lazy("Age group"),
    gettext_lazy("County"),
    gettext_lazy("Risk"),
    gettext_lazy("Stage"),
    gettext_lazy("Assigned to"),
    gettext_lazy("Next follow-up"),
    gettext_lazy("Registered"),
)


def _heading(column) -> str:
    """A heading of the active language for a format_html row: escaped, and its braces
    doubled (they are not placeholders)."""
    return escape(column).replace("{", "{{").replace("}", "}}")


def _row_format() -> str:
    """A row for format_html, the headings of the active language written in."""
    cells = []
    for i, column in enumerate(COLUMNS):
        label = _heading(column)
        nowrap = NOWRAP if i == 0 else ""
        cells.append(f'<td{nowrap} data-label="{label}">{{}}</td>')
    return "<tr{}>" + "".join(cells) + "</tr>"


class _Shared:
    """What every row of one rendering shares, looked up once rather than once a row
    (a choice's label through get_FOO_display, a URL through the resolver, the date
    format of the language cost more than the rest of a row)."""

    def __init__(self):
        self.stages = {value: str(label) for value, label in WorkflowStage.choices}
        self.statuses = {value: str(label) for value, label in CaseStatus.choices}
        self.date = _date_writer(get_format("SHORT_DATE_FORMAT"))
        self.case_url = _url_of("cases:detail")
        self.follow_up_url = _url_of("cases:follow_up")


# Day, month and year as Django's date formats write them (ro and uk d.m.Y, en m/d/Y).
_DATE_PARTS = {
    "d": "{0.day:02d}",
    "j": "{0.day}",
    "m": "{0.month:02d}",
    "n": "{0.month}",
    "Y": "{0.year:04d}",
}


def _date_writer(date_format: str):
    """A function writing a date in this format of Django's: a str.format when it holds
    only day, month and year (dateformat parses the format again for every date, a
    twentieth of the list's CPU), else dateformat itself."""
    parts = []
    for char in date_format:
        if char in _DATE_PARTS:
            parts.append(_DATE_PARTS[char])
        elif char.isalpha() or char == "\\":
            return lambda value: dateformat.format(value, date_format)
        else:
            parts.append(char.replace("{", "{{").replace("}", "}}"))
    return "".join(parts).format


_CODE = "C-0000000"


def _url_of(name: str):
    """The URL of a case's page by its code: reversed once, the code put in its place (case
    codes are letters, digits and a hyphen, nothing a URL escapes)."""
    head, found, tail = reverse(name, kwargs={"code": _CODE}).partition(_CODE)
    if not found:
        raise ValueError(f"{name}: its URL does not hold the case code")
    return lambda code: f"{head}{code}{tail}"


def _row(row_format: str, child, today, overdue_word: str, shared: _Shared) -> SafeString:
    due = child.next_follow_up_due if child.status == "open" else None
    overdue = due is not None and due < today
    stage = shared.stages.get(child.workflow_stage, child.workflow_stage)
    if child.status == "closed" and child.workflow_stage != "closed":
        stage = format_html(
            '{} <span class="muted">({})</span>',
            stage,
            shared.statuses.get(child.status, child.status),
        )
    worker = child.assigned_to
    follow_up = (
        format_html(
            "{}{}",
            shared.date(due),
            format_html(' <span class="overdue-flag">{}</span>', overdue_word) if overdue else "",
        )
        if due
        else MUTED_DASH
    )
    return format_html(
        row_format,
        OVERDUE_ROW if overdue else "",
        format_html('<a href="{}">{}</a>', shared.case_url(child.code), child.code),
        format_html("{} {}", child.last_name, child.first_name),
        child.age_group,
        child.current_county.name if child.current_county_id else "",
        format_html(
            '<span class="risk risk-{}">{}</span>',
            child.risk_level,
            registry.label("risk_level", child.risk_level),
        ),
        stage,
        (worker.get_full_name() or worker.username) if worker else MUTED_DASH,
        follow_up,
        shared.date(child.registration_date),
    )


@register.simple_tag
def case_rows(children, today):
    """One <tr> per case of the page."""
    row_format, overdue_word, shared = _row_format(), gettext("overdue"), _Shared()
    return mark_safe(  # noqa: S308 (each row built by format_html)
        "\n".join(_row(row_format, child, today, overdue_word, shared) for child in children)
    )


# The follow-up schedule (the to-do list and the home page's block), written in Python for
# the same reason: through the template engine its 25 rows cost more than half of the
# to-do page's CPU (docs/benchmarks.md).
FOLLOW_UP_COLUMNS = (
    gettext_lazy("Case"),
    gettext_lazy("Name"),
    gettext_lazy("Risk"),
    gettext_lazy("Due"),
)


def _follow_up_row_format() -> str:
    case, name, risk, due = (_heading(c) for c in FOLLOW_UP_COLUMNS)
    return (
        '<tr{}><td data-label="' + case + '"><a href="{}">{}</a></td>'
        '<td data-label="' + name + '">{}</td>'
        '<td data-label="' + risk + '"><span class="risk risk-{}">{}</span></td>'
        '<td data-label="' + due + '">{}{}</td>'
        '<td><a class="button" href="{}">{}</a></td></tr>'
    )


@register.simple_tag
def follow_up_rows(children):
    """One <tr> per case of the schedule: overdue when its follow-up was due before today."""
    today = timezone.localdate()
    row_format = _follow_up_row_format()
    overdue_badge = format_html(' <span class="badge alert">{}</span>', gettext("overdue"))
    record = gettext("Record a follow-up")
    shared = _Shared()
    rows = []
    for child in children:
        due = child.next_follow_up_due
        overdue = due is not None and due < today
        rows.append(
            format_html(
                row_format,
                OVERDUE_ROW if overdue else "",
                shared.case_url(child.code),
                child.code,
                child.full_name,
                child.risk_level,
                registry.label("risk_level", child.risk_level),
                shared.date(due) if due else "",
                overdue_badge if overdue else "",
                shared.follow_up_url(child.code),
                record,
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (each row built by format_html)
