"""Editing the answers of a case, with an optimistic lock (no lost update)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Field
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action
from cases import reasons, rules
from cases.answers import FOREIGN_KEYS, answer
from cases.models import Caregiver, Child
from cases.names import name_key
from questions import CAREGIVER_ATTRS

from .followups import reschedule

# Answers kept on the caregiver (a person of their own), by question code.
CAREGIVER_PERSON_FIELDS = CAREGIVER_ATTRS
# Never changed by an edit: consent (anonymising is another act), the county (a transfer),
# and what the system derives or manages itself.
PROTECTED = {
    "consent_registration",
    "current_county",
    "anonymous",
    "status",
    "workflow_stage",
    "assigned_to",
    "version",
    "code",
    "name_key",
    "suggested_risk_level",
}
# Records a case points at, which an edit may link (an import names them by reference).
LINKS = ("caregiver", "household")
# Edits after which the follow-up schedule is computed again.
RESCHEDULING = {"risk_level", "registration_date"}


@dataclass
class FieldChange:
    code: str
    old: Any
    new: Any


class StaleCase(Exception):
    """Somebody saved the case after the form was opened: the save is refused."""

    def __init__(self, child: Child, expected_version: int):
        super().__init__(f"case {child.code} is at version {child.version}, not {expected_version}")
        self.child = child
        self.expected_version = expected_version


def _current(child: Child, code: str) -> Any:
    value = answer(child, code)
    if value is None and code in CAREGIVER_PERSON_FIELDS:
        return _empty(code)
    return value


def _empty(code: str) -> Any:
    return None if code == "caregiver_date_of_birth" else ""


def _normalise(code: str, value: Any) -> Any:
    if code == "protection_concerns":
        return sorted(value or [])
    if isinstance(value, list):
        return list(value)
    return value


def _same(old: Any, new: Any) -> bool:
    if old in (None, "") and new in (None, ""):
        return True
    return old == new


@transaction.atomic
def update_case(
    child: Child,
    data: dict[str, Any],
    user,
    expected_version: int,
    *,
    links: Mapping[str, models.Model | None] | None = None,
    request=None,
) -> list[FieldChange]:
    """Apply the answers in data (keyed by question code) to the case.

    Refused with StaleCase when the case changed since expected_version. Recomputes the
    name key, the age group (given only for a record without a date of birth) and the
    suggested risk level, and the follow-up schedule when the risk level or the
    registration date changed; links the caregiver and household given in links (the
    import's, named by reference); keeps a history record with the user and the changed
    codes as its reason, and writes a change_case audit event naming the changed codes
    (never values). Returns the changes (an empty list when nothing changed: no new
    version then).
    """
    locked = Child.objects.select_for_update().get(pk=child.pk)
    if locked.version != expected_version:
        raise StaleCase(locked, expected_version)
    if locked.anonymised_at is not None:
        raise ValidationError(_("This case was anonymised: its answers can no longer be changed."))

    changes: list[FieldChange] = []
    for code, value in data.items():
        # An anonymous record is not a case (no transfer): its county is an answer.
        if code in PROTECTED and not (code == "current_county" and locked.anonymous):
            continue
        old = _normalise(code, _current(locked, code))
        new = _normalise(code, value)
        if not _same(old, new):
            changes.append(FieldChange(code, old, new))
    for code, target in (links or {}).items():
        if code not in LINKS:
            raise ValueError(code)
        old_id, new_id = getattr(locked, f"{code}_id"), getattr(target, "pk", None)
        if old_id != new_id:
            changes.append(FieldChange(code, old_id, new_id))
            setattr(locked, code, target)
    if not changes:
        return []
    changed = {c.code for c in changes}

    for change in changes:
        if (
            change.code in CAREGIVER_PERSON_FIELDS
            or change.code in LINKS
            or change.code == "protection_concerns"
        ):
            continue
        attr = f"{change.code}_id" if change.code in FOREIGN_KEYS else change.code
        value = change.new
        field = Child._meta.get_field(change.code)
        if value is None and isinstance(field, Field) and not field.null:
            value = ""
        setattr(locked, attr, value)

    if changed & set(CAREGIVER_PERSON_FIELDS):
        _update_caregiver(locked, data, user)

    if "protection_concerns" in changed:
        # One history record for the whole edit (the save below), not one per m2m step.
        locked.skip_history_when_saving = True
        try:
            locked.protection_concerns.set(data["protection_concerns"])
        finally:
            del locked.skip_history_when_saving
    concerns = (
        data["protection_concerns"]
        if "protection_concerns" in data
        else [c.pk for c in locked.protection_concerns.all()]
    )

    locked.name_key = name_key(locked.first_name, locked.last_name, locked.name_native)
    if locked.date_of_birth:
        locked.age_group = rules.age_group(
            rules.age_on(locked.date_of_birth, locked.registration_date)
        )
    locked.suggested_risk_level = rules.suggested_risk_level(
        locked.uasc_status, concerns, locked.has_disability
    )
    if changed & RESCHEDULING:
        reschedule(locked)
    locked.version += 1
    locked.updated_by = user
    locked._history_user = user
    locked._change_reason = reasons.encode("edit", fields=",".join(sorted(changed)))
    locked.save()

    record(
        user,
        Action.CHANGE_CASE,
        obj=locked,
        request=request,
        fields=sorted(changed),
        version=locked.version,
    )
    # The caller's instance reflects the saved case.
    child.refresh_from_db()
    return changes


def _update_caregiver(child: Child, data: dict[str, Any], user) -> None:
    """The caregiver is a person of their own: edit it in place, create it, or unlink it."""
    values = {
        field: data.get(code, _empty(code))
        for code, field in CAREGIVER_PERSON_FIELDS.items()
        if code in data
    }
    if not (values.get("first_name") or values.get("last_name")):
        child.caregiver = None
        return
    values = {k: ("" if v is None and k != "date_of_birth" else v) for k, v in values.items()}
    caregiver = child.caregiver
    if caregiver is None:
        caregiver = Caregiver(created_by=user, **values)
    else:
        for field, value in values.items():
            setattr(caregiver, field, value)
    caregiver.name_key = name_key(caregiver.first_name, caregiver.last_name)
    caregiver._history_user = user
    caregiver.save()
    child.caregiver = caregiver
