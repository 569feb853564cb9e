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
        model.objects.filter(child=child).update(
            **{name: personal.blank_value(model, name) for name in columns}
        )
        history = personal.history_columns(model, columns)
        if history:
            spec[model.history.model._meta.db_table] = history
    spec[Child.history.model._meta.db_table] = personal.history_columns(
        Child, personal.CHILD_COLUMNS
    )
    spec[Caregiver.history.model._meta.db_table] = personal.history_columns(
        Caregiver, personal.CAREGIVER_COLUMNS
    )
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
    by_table = {
        m.history.model._meta.db_table: m
        for m in [Child, Caregiver, *personal.case_records()]
        if hasattr(m, "history")
    }
    for table, columns in spec.items():
        model = by_table[table]
        history = model.history.model
        blanks = {
            f.attname: personal.blank_value(history, f.name)
            for f in history._meta.concrete_fields
            if f.column in columns
        }
        if model is Child:
            rows = history.objects.filter(id=child.pk)
        elif model is Caregiver:
            if child.caregiver_id is None or child.caregiver.anonymised_at is None:
                continue
            rows = history.objects.filter(id=child.caregiver_id)
        else:
            rows = history.objects.filter(child_id=child.pk)
        rows.update(**blanks)
