"""The data-rights panel of the case page (anonymisation, subject access), decided here with
cases.permissions so that the case page only includes it."""

from __future__ import annotations

from django import template

from cases import permissions
from cases.case_records import has
from cases.services.anonymisation import refusal
from cases.subject_access import LANGUAGES

register = template.Library()


@register.inclusion_tag("cases/data_rights/panel.html", takes_context=True)
def data_rights_panel(context, child=None):
    child = child or context["child"]
    user = context["request"].user
    pending = (
        child.anonymisation_requests.pending().select_related("requested_by").first()
        if has(child, "anonymisation_requests")
        else None
    )
    may_request = permissions.can_request_anonymisation(user, child)
    may_export = permissions.can_export_subject_access(user, child)
    return {
        "child": child,
        "show": may_request or may_export or child.anonymised_at is not None,
        "pending": pending,
        "may_request": may_request and pending is None and child.anonymised_at is None,
        "refusal": refusal(child) if may_request and child.anonymised_at is None else None,
        "may_decide": pending is not None and permissions.can_decide_anonymisation(user, pending),
        "may_export": may_export,
        "languages": LANGUAGES,
    }
