"""Everything held about one child, for the family (issue 15, subject access): the
answers, the caregiver, the household, every record of the case (follow-ups, assessments,
referrals, closures, reopenings, transfers, anonymisation requests), the case history and
the audit events about the case. One document, rendered as JSON and as a PDF."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from audit.models import AuditEvent
from cases import personal
from cases.answers import answer
from cases.history import case_history
from cases.labels import case_sections, display, field_label
from cases.models import Child
from lookups import registry
from questions import CAREGIVER_ATTRS

LANGUAGES = ("ro", "uk", "en")


# Code columns of the case's records whose labels are in a lookups list (the PDF shows the
# label; the JSON keeps the code too).
LOOKUP_COLUMNS = {
    "risk_level": "risk_level",
    "closure_reason": "closure_reason",
    "previous_closure_reason": "closure_reason",
    "service_type": "service_type",
}


def _value(obj: models.Model, field: models.Field) -> Any:
    if field.is_relation:
        related = getattr(obj, field.name)
        return None if related is None else str(related)
    return field.value_from_object(obj)


def _display(obj: models.Model, field: models.Field) -> str:
    value = _value(obj, field)
    if value in (None, "", []):
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if field.name in LOOKUP_COLUMNS:
        return registry.label(LOOKUP_COLUMNS[field.name], value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _rows(queryset, skip: tuple[str, ...] = ("id", "child")) -> list[dict[str, Any]]:
    fields = [f for f in queryset.model._meta.concrete_fields if f.name not in skip]
    return [
        {
            "fields": [
                {
                    "name": f.name,
                    "label": str(f.verbose_name),
                    "value": _value(obj, f),
                    "display": _display(obj, f),
                }
                for f in fields
            ]
        }
        for obj in queryset
    ]


def build(child: Child, language: str = "ro") -> dict[str, Any]:
    """The document, its labels in language (ro, uk or en), its values as stored."""
    with translation.override(language):
        caregiver = child.caregiver
        household = child.household
        records = []
        for model in personal.case_records():
            manager = model._default_manager.filter(child=child).order_by("pk")
            records.append(
                {
                    "model": model._meta.model_name,
                    "title": str(model._meta.verbose_name_plural).capitalize(),
                    "rows": _rows(manager),
                }
            )
        answered = {code for _key, (_title, codes) in case_sections().items() for code in codes}
        # What the system keeps besides the answers: status, stage, closure, schedule,
        # who registered and carries the case, the source reference.
        bookkeeping = ("id", "name_key", "submission_token", "version", *answered)
        return {
            "document": "subject_access",
            "case": child.code,
            "language": language,
            "generated_at": timezone.now().replace(microsecond=0).isoformat(),
            "answers": [
                {
                    "section": str(title),
                    "questions": [
                        {
                            "code": code,
                            "label": field_label(code),
                            "value": answer(child, code),
                            "display": display(code, answer(child, code)),
                        }
                        for code in codes
                    ],
                }
                for _key, (title, codes) in case_sections().items()
            ],
            "case_management": _rows(Child.objects.filter(pk=child.pk), skip=bookkeeping)[0],
            "caregiver": None
            if caregiver is None
            else {
                "code": caregiver.code,
                "fields": [
                    {
                        "code": code,
                        "label": field_label(code),
                        "value": getattr(caregiver, attr),
                        "display": display(code, getattr(caregiver, attr)),
                    }
                    for code, attr in CAREGIVER_ATTRS.items()
                ],
            },
            # The other children of the household by code only: their data is their own.
            "household": None
            if household is None
            else {
                "code": household.code,
                "other_children": list(
                    household.children.exclude(pk=child.pk)
                    .order_by("code")
                    .values_list("code", flat=True)
                ),
            },
            "records": records,
            "history": [
                {
                    "at": entry.at,
                    "who": entry.who,
                    "reason": entry.reason,
                    "changes": [
                        {"code": c.code, "label": c.label, "old": c.old, "new": c.new}
                        for c in entry.changes
                    ],
                }
                for entry in case_history(child)
            ],
            "audit_events": [
                {
                    "at": event.at,
                    "username": event.username,
                    "action": event.action,
                    "action_label": str(event.get_action_display()),
                    "details": event.details,
                }
                for event in AuditEvent.objects.filter(object_code=child.code).order_by("at", "id")
            ],
        }


def to_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def to_pdf(document: dict[str, Any]) -> bytes:
    import weasyprint  # costs ~2 s: only when a PDF is made

    with translation.override(document["language"]):
        html = render_to_string("cases/subject_access.html", {"doc": document})
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
