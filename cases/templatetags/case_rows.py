"""The case list's rows, written in Python: the list and every name search's results show
25-100 of them, and through the template engine each row's dozen values, filters and
conditions cost ~0.2 ms (5 of the list page's ~23 ms of CPU at 1,000,000 cases,
docs/benchmarks.md). Every value is escaped by format_html."""

from __future__ import annotations

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from lookups import registry

register = template.Library()

MUTED_DASH = mark_safe('<span class="muted">—</span>')
OVERDUE_ROW = mark_safe(' class="overdue"')


def _row(child, today, overdue_word: str) -> tuple:
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
    return (
        OVERDUE_ROW if overdue else "",
        child.get_absolute_url(),
        child.code,
        child.last_name,
        child.first_name,
        child.age_group,
        child.current_county.name if child.current_county_id else "",
        child.risk_level,
        registry.label("risk_level", child.risk_level),
        stage,
        (worker.get_full_name() or worker.username) if worker else MUTED_DASH,
        follow_up,
        date_format(child.registration_date, "SHORT_DATE_FORMAT"),
    )


@register.simple_tag
def case_rows(children, today):
    """One <tr> per case of the page, as templates/cases/case_list.html heads its columns."""
    overdue_word = gettext("overdue")
    return format_html_join(
        "\n",
        '<tr{}><td class="nowrap"><a href="{}">{}</a></td><td>{} {}</td><td>{}</td>'
        '<td>{}</td><td><span class="risk risk-{}">{}</span></td><td>{}</td><td>{}</td>'
        "<td>{}</td><td>{}</td></tr>",
        (_row(child, today, overdue_word) for child in children),
    )
