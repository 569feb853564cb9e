"""Transfers between counties: asked, then accepted or refused by the receiving county.

Scoping follows current_county, so on acceptance the old county's coordinator loses
the case and the new one gains it without any other change.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from audit.log import record
from audit.models import Action
from cases import permissions, reasons
from cases.models import Child, Transfer, TransferStatus
from lookups.models import County

from . import notifications
from ._common import lock, require, require_open_case, save_child


def workers_of(county_code: str) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, role=Role.FIELD_WORKER, county_id=county_code
    ).order_by("last_name", "first_name", "username")


def _audit(user, transfer: Transfer, step: str, request=None) -> None:
    """One event for each county, so that both coordinators find the step in their log."""
    for county in dict.fromkeys((transfer.from_county_id, transfer.to_county_id)):
        record(
            user,
            Action.TRANSFER,
            obj=transfer.child,
            county_code=county,
            request=request,
            transfer=transfer.code,
            step=step,
            from_county=transfer.from_county_id,
            to_county=transfer.to_county_id,
            assigned_to_id=transfer.assigned_to_id,
        )


def _check_destination(child: Child, to_county: County | str) -> str:
    code = to_county.pk if isinstance(to_county, County) else to_county
    if not code or not County.objects.filter(pk=code).exists():
        raise ValidationError({"to_county": _("Choose a county.")})
    if code == child.current_county_id:
        raise ValidationError({"to_county": _("The case is already in this county.")})
    if child.transfers.filter(status=TransferStatus.PENDING).exists():
        raise ValidationError(_("A transfer of this case is already waiting for a decision."))
    return code


def _check_worker(worker: User | None, county_code: str) -> None:
    if worker is not None and not workers_of(county_code).filter(pk=worker.pk).exists():
        raise ValidationError(
            {"assign_to": _("Choose an active field worker of the receiving county.")}
        )


def _clean_context(reason: str, new_locality: str, new_address: str) -> dict[str, str]:
    new_locality = (new_locality or "").strip()
    limit = Transfer._meta.get_field("new_locality").max_length
    if limit is not None and len(new_locality) > limit:
        raise ValidationError({"new_locality": _("At most 100 characters.")})
    return {
        "reason": (reason or "").strip(),
        "new_locality": new_locality,
        "new_address": (new_address or "").strip(),
    }


def _move(child: Child, transfer: Transfer, user, worker: User | None) -> None:
    child.current_county_id = transfer.to_county_id
    child.assigned_to = worker
    # The family lives where the request says now: the old county's locality and address
    # are wrong once the case moves, so they are replaced even when the request left them
    # empty (the receiving county fills them in on the case page).
    child.current_locality = transfer.new_locality
    child.current_address = transfer.new_address
    save_child(
        child,
        user,
        reasons.encode(
            "transfer",
            code=transfer.code,
            **{"from": transfer.from_county_id, "to": transfer.to_county_id},
        ),
    )


@transaction.atomic
def request_transfer(
    child: Child,
    user,
    to_county: County | str,
    *,
    reason: str = "",
    new_locality: str = "",
    new_address: str = "",
    request=None,
) -> Transfer:
    """Ask the receiving county to take the case (the family moved), saying why and, when
    known, where the family lives now."""
    child = lock(child)
    require(permissions.can_request_transfer(user, child))
    require_open_case(child)
    code = _check_destination(child, to_county)
    transfer = Transfer.objects.create(
        child=child,
        from_county_id=child.current_county_id,
        to_county_id=code,
        requested_by=user,
        **_clean_context(reason, new_locality, new_address),
    )
    _audit(user, transfer, "requested", request)
    notifications.transfer_requested(transfer, user)
    return transfer


@transaction.atomic
def transfer_case(
    child: Child,
    user,
    to_county: County | str,
    assign_to: User | None = None,
    *,
    reason: str = "",
    new_locality: str = "",
    new_address: str = "",
    request=None,
) -> Transfer:
    """The country coordinator moves the case at once."""
    child = lock(child)
    require(permissions.can_transfer_directly(user, child))
    require_open_case(child)
    code = _check_destination(child, to_county)
    _check_worker(assign_to, code)
    context = _clean_context(reason, new_locality, new_address)
    now = timezone.now()
    transfer = Transfer.objects.create(
        child=child,
        from_county_id=child.current_county_id,
        to_county_id=code,
        status=TransferStatus.ACCEPTED,
        requested_by=user,
        decided_by=user,
        decided_at=now,
        assigned_to=assign_to,
        **context,
    )
    _move(child, transfer, user, assign_to)
    _audit(user, transfer, "transferred", request)
    if assign_to is not None:
        notifications.case_assigned(child, assign_to, user)
    return transfer


def _lock_pending(transfer: Transfer) -> Transfer:
    transfer = Transfer.objects.select_for_update().select_related("child").get(pk=transfer.pk)
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError(_("This transfer was already decided."))
    return transfer


def _decide(transfer: Transfer, user, status: str, note: str = "") -> None:
    transfer.status = status
    transfer.decided_by = user
    transfer.decided_at = timezone.now()
    transfer.decision_note = note
    transfer._history_user = user
    transfer.save()


@transaction.atomic
def accept_transfer(
    transfer: Transfer,
    user,
    assign_to: User | None = None,
    *,
    new_locality: str | None = None,
    new_address: str | None = None,
    request=None,
) -> Transfer:
    """The receiving coordinator takes the case, optionally assigning one of their workers.

    new_locality/new_address correct what the request said (None keeps it); the case's
    current locality and address become the request's (transfer history keeps both)."""
    child = lock(transfer.child)
    transfer = _lock_pending(transfer)
    require(permissions.can_decide_transfer(user, transfer))
    require_open_case(child)
    if child.current_county_id != transfer.from_county_id:
        raise ValidationError(_("The case moved since the request: this transfer is stale."))
    _check_worker(assign_to, transfer.to_county_id)
    if new_locality is not None or new_address is not None:
        context = _clean_context(
            transfer.reason,
            transfer.new_locality if new_locality is None else new_locality,
            transfer.new_address if new_address is None else new_address,
        )
        transfer.new_locality, transfer.new_address = (
            context["new_locality"],
            context["new_address"],
        )
    transfer.assigned_to = assign_to
    _decide(transfer, user, TransferStatus.ACCEPTED)
    _move(child, transfer, user, assign_to)
    transfer.child = child
    _audit(user, transfer, "accepted", request)
    if assign_to is not None:
        notifications.case_assigned(child, assign_to, user)
    return transfer


@transaction.atomic
def refuse_transfer(transfer: Transfer, user, note: str = "", *, request=None) -> Transfer:
    """The receiving coordinator refuses: the case stays where it is."""
    lock(transfer.child)
    transfer = _lock_pending(transfer)
    require(permissions.can_decide_transfer(user, transfer))
    _decide(transfer, user, TransferStatus.REFUSED, note)
    _audit(user, transfer, "refused", request)
    return transfer


def withdraw_on_closure(transfer: Transfer, user) -> None:
    """The case closed while a transfer waited: nothing is left to transfer."""
    _decide(transfer, user, TransferStatus.CANCELLED)
    _audit(user, transfer, "cancelled_on_closure")


@transaction.atomic
def cancel_transfer(transfer: Transfer, user, *, request=None) -> Transfer:
    """Who asked (or the sending coordinator) withdraws the request."""
    lock(transfer.child)
    transfer = _lock_pending(transfer)
    require(permissions.can_cancel_transfer(user, transfer))
    _decide(transfer, user, TransferStatus.CANCELLED)
    _audit(user, transfer, "cancelled", request)
    return transfer
