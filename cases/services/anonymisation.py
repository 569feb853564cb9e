"""Anonymising a case: asked with a coded reason, approved by the country coordinator,
or applied by retention (cases.services.retention). See docs/data-lifecycle.md.

What is removed is what the question catalogue calls personal (cases.personal), in the
case, its caregiver (once no other case needs them), the free text of its follow-ups,
assessments, closures, reopenings, transfers and referrals, and every history row of
them. What the statistics count stays: dates, statuses, codes, links. So the record
still counts as the case it was and every figure of a past quarter stays the same.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action
from cases import permissions, personal, reasons
from cases.models import (
    AnonymisationReason,
    AnonymisationRequest,
    AnonymisationStatus,
    Caregiver,
    Child,
    ClosureStatus,
    TransferStatus,
)

from ._common import lock, require, save_child


def refusal(child: Child) -> str | None:
    """Why this record cannot be anonymised now (a translated sentence), or None."""
    if child.anonymous:
        return _("An anonymous statistical record holds no personal data.")
    if child.anonymised_at is not None:
        return _("This case was already anonymised.")
    if child.transfers.filter(status=TransferStatus.PENDING).exists():
        return _("A transfer of this case is waiting for a decision: decide or cancel it first.")
    if child.closure_requests.filter(status=ClosureStatus.PENDING).exists():
        return _(
            "A request to close this case is waiting for approval: decide or withdraw it first."
        )
    return None


def _check(child: Child) -> None:
    message = refusal(child)
    if message:
        raise ValidationError(message)


@transaction.atomic
def request_anonymisation(child: Child, user, reason: str, *, request=None) -> AnonymisationRequest:
    """A coordinator asks the country coordinator to anonymise the case."""
    child = lock(child)
    require(permissions.can_request_anonymisation(user, child))
    if reason not in AnonymisationReason.values or reason == AnonymisationReason.RETENTION:
        raise ValidationError({"reason": _("Choose a reason.")})
    _check(child)
    if child.anonymisation_requests.pending().exists():
        raise ValidationError(_("A request to anonymise this case is already waiting."))
    anonymisation = AnonymisationRequest.objects.create(
        child=child, reason=reason, requested_by=user
    )
    record(
        user,
        Action.CHANGE_CASE,
        obj=child,
        request=request,
        event="anonymisation_requested",
        anonymisation=anonymisation.code,
        reason=reason,
    )
    return anonymisation


def _pending(child: Child) -> AnonymisationRequest:
    anonymisation = child.anonymisation_requests.select_for_update().pending().first()
    if anonymisation is None:
        raise ValidationError(_("No request to anonymise this case is waiting."))
    return anonymisation


@transaction.atomic
def approve_anonymisation(child: Child, user, *, request=None) -> AnonymisationRequest:
    """The country coordinator approves: the case is anonymised at once."""
    child = lock(child)
    anonymisation = _pending(child)
    require(permissions.can_decide_anonymisation(user, anonymisation))
    _check(child)
    anonymisation.status = AnonymisationStatus.APPROVED
    anonymisation.decided_by = user
    anonymisation.decided_at = timezone.now()
    anonymisation.save()
    anonymise_case(child, user, anonymisation, request=request)
    return anonymisation


@transaction.atomic
def refuse_anonymisation(child: Child, user, *, request=None) -> AnonymisationRequest:
    child = lock(child)
    anonymisation = _pending(child)
    require(permissions.can_decide_anonymisation(user, anonymisation))
    anonymisation.status = AnonymisationStatus.REFUSED
    anonymisation.decided_by = user
    anonymisation.decided_at = timezone.now()
    anonymisation.save()
    record(
        user,
        Action.CHANGE_CASE,
        obj=child,
        request=request,
        event="anonymisation_refused",
        anonymisation=anonymisation.code,
        reason=anonymisation.reason,
    )
    return anonymisation


def anonymise_case(
    child: Child, user, anonymisation: AnonymisationRequest, *, request=None
) -> Child:
    """Remove the personal data of one case (the caller holds the row lock and checked
    refusal()). user is None for retention. Returns the saved child."""
    now = timezone.now()
    for name in personal.CHILD_COLUMNS:
        setattr(child, name, personal.blank_value(Child, name))
    child.anonymised_at = now
    save_child(child, user, reasons.encode("anonymised", reason=anonymisation.reason))

    caregiver = child.caregiver
    caregiver_anonymised = False
    if caregiver is not None and caregiver.anonymised_at is None:
        # A caregiver accompanying other children stays: their cases still need to reach
        # them. The last anonymised child takes the caregiver's personal data with it.
        others = caregiver.children.exclude(pk=child.pk).filter(anonymised_at__isnull=True)
        if not others.exists():
            for name in personal.CAREGIVER_COLUMNS:
                setattr(caregiver, name, personal.blank_value(Caregiver, name))
            caregiver.anonymised_at = now
            caregiver._history_user = user
            caregiver._change_reason = reasons.encode("anonymised")
            caregiver.save()
            caregiver_anonymised = True

    spec: dict[str, list[str]] = {}
    for model in personal.case_records():
        columns = personal.free_text_columns(model)
        if not columns:
            continue
        model._default_manager.filter(child=child).update(
            **{name: personal.blank_value(model, name) for name in columns}
        )
        history_model = personal.history_model(model)
        if history_model is not None:
            spec[history_model._meta.db_table] = personal.history_columns(model, columns)
    for model, names in ((Child, personal.CHILD_COLUMNS), (Caregiver, personal.CAREGIVER_COLUMNS)):
        history_model = personal.history_model(model)
        assert history_model is not None  # both are tracked
        spec[history_model._meta.db_table] = personal.history_columns(model, names)
    _anonymise_history(child, spec)

    record(
        user,
        Action.CHANGE_CASE,
        obj=child,
        request=request,
        actor_label="retention",
        event="anonymised",
        anonymisation=anonymisation.code,
        reason=anonymisation.reason,
        caregiver_anonymised=caregiver_anonymised,
    )
    return child


def _anonymise_history(child: Child, spec: dict[str, list[str]]) -> None:
    """Blank the personal columns of the case's history rows.

    On PostgreSQL through the owner's function of cases/migrations/0005 (the history
    tables are append-only, docs/database-roles.md); SQLite has no roles or triggers.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT anonymise_case_history(%s, %s::jsonb)", [child.pk, json.dumps(spec)]
            )
        return
    tracked: list[type[Model]] = [Child, Caregiver, *personal.case_records()]
    by_table: dict[str, tuple[type[Model], type[Model]]] = {}
    for model in tracked:
        history_model = personal.history_model(model)
        if history_model is not None:
            by_table[history_model._meta.db_table] = (model, history_model)
    caregiver = child.caregiver
    for table, columns in spec.items():
        model, history = by_table[table]
        blanks = {
            f.attname: personal.blank_value(history, f.name)
            for f in history._meta.concrete_fields
            if f.column in columns
        }
        if model is Child:
            rows = history._default_manager.filter(id=child.pk)
        elif model is Caregiver:
            if caregiver is None or caregiver.anonymised_at is None:
                continue
            rows = history._default_manager.filter(id=caregiver.pk)
        else:
            rows = history._default_manager.filter(child_id=child.pk)
        rows.update(**blanks)
