"""The case list's rows and the follow-up schedule's, written in Python: the list and
every name search's results show 25-100 of them, and through the template engine each
row's dozen values, filters and conditions cost more than the row itself: the list page's
CPU fell by 1.5-1.9 ms of ~25 (docs/benchmarks.md). Every value is escaped by format_html."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

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


def _row_format() -> str:
    """A row for format_html, the headings of the active language written in: escaped,
    and their braces doubled (they are not placeholders)."""
    cells = []
    for i, column in enumerate(COLUMNS):
        label = escape(column).replace("{", "{{").replace("}", "}}")
        nowrap = NOWRAP if i == 0 else ""
        cells.append(f'<td{nowrap} data-label="{label}">{{}}</td>')
    return "<tr{}>" + "".join(cells) + "</tr>"


def _row(row_format: str, child, today, overdue_word: str) -> SafeString:
    due = child.next_follow_up_due if child.status == "open" else None
    overdue = due is not None and due < today
    stage = child.get_workflow_stage_display()
    if child.status == "closed" and child.workflow_stage != "closed":
        stage = format_html('{} <span class="muted">({})</span>', stage, child.get_status_display())
    worker = child.assigned_to
    follow_up = (
        format_html(
            "{}{}",
            date_format(due, "SHORT_DATE_FORMAT"),
            format_html(' <span class="overdue-flag">{}</span>', overdue_word) if overdue else "",
        )
        if due
        else MUTED_DASH
    )
    return format_html(
        row_format,
        OVERDUE_ROW if overdue else "",
        format_html('<a href="{}">{}</a>', child.get_absolute_url(), child.code),
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
        date_format(child.registration_date, "SHORT_DATE_FORMAT"),
    )


@register.simple_tag
def case_rows(children, today):
    """One <tr> per case of the page."""
    row_format, overdue_word = _row_format(), gettext("overdue")
    return mark_safe(  # noqa: S308 (each row built by format_html)
        "\n".join(_row(row_format, child, today, overdue_word) for child in children)
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
    case, name, risk, due = (
        escape(c).replace("{", "{{").replace("}", "}}") for c in FOLLOW_UP_COLUMNS
    )
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
    rows = []
    for child in children:
        due = child.next_follow_up_due
        overdue = due is not None and due < today
        rows.append(
            format_html(
                row_format,
                OVERDUE_ROW if overdue else "",
                child.get_absolute_url(),
                child.code,
                child.full_name,
                child.risk_level,
                registry.label("risk_level", child.risk_level),
                date_format(due, "SHORT_DATE_FORMAT") if due else "",
                overdue_badge if overdue else "",
                reverse("cases:follow_up", kwargs={"code": child.code}),
                record,
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (each row built by format_html)
