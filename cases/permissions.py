"""What a user may do with a case they can open (roles.md), in one place.

Every function assumes the case was fetched through Child.objects.visible_to(user)
(cases.access.get_case_for_user): these answer "may this role do this here", not
"may this user see the case". Views answer 403 when they say no; templates use the
same functions through the case_workflow template tags.
"""

from __future__ import annotations

from .models import CaseStatus, Child, Transfer, TransferStatus


def is_open(child: Child) -> bool:
    return child.status == CaseStatus.OPEN


def coordinates_case(user, child: Child) -> bool:
    """The coordinator of the case's current county, or the country coordinator."""
    return user.is_authenticated and user.coordinates_county(child.current_county_id)


def read_only(user, child: Child) -> bool:
    """Opened only through an emergency grant: read, nothing else (roles.md).

    Asked several times for one page (the workflow panel): kept on the user object, which
    lives for one request.
    """
    cache = user.__dict__.setdefault("_emergency_read_only", {})
    if child.pk not in cache:
        cache[child.pk] = Child.objects.opened_in_emergency_only(user, child)
    return cache[child.pk]


def can_change(user, child: Child) -> bool:
    """Assessment, follow-up, referral, risk level: everyone who can open an open case,
    except through an emergency grant. Not an anonymised one: every change would write
    personal data back."""
    return (
        user.is_authenticated
        and not child.anonymous
        and child.anonymised_at is None
        and is_open(child)
        and not read_only(user, child)
    )


def can_record_follow_up(user, child: Child) -> bool:
    return can_change(user, child)


def can_assess(user, child: Child) -> bool:
    return can_change(user, child)


def closure_needs_approval(user, child: Child) -> bool:
    """A field worker's request to close a high-risk case waits for a coordinator."""
    return user.is_field_worker and child.risk_level == "high"


def can_close(user, child: Child) -> bool:
    """May close, or ask to close (see closure_needs_approval). An anonymised case that is
    still open may be closed: the closure holds codes and dates only."""
    return user.is_authenticated and not child.anonymous and is_open(child)


def can_approve_closure(user, child: Child) -> bool:
    return coordinates_case(user, child)


def can_withdraw_closure(user, closure) -> bool:
    return user.is_authenticated and closure.requested_by_id == user.pk


def can_reopen(user, child: Child) -> bool:
    return (
        user.is_authenticated
        and not child.anonymous
        and child.anonymised_at is None
        and child.status == CaseStatus.CLOSED
        and not read_only(user, child)
    )


def can_assign(user, child: Child) -> bool:
    return can_change(user, child) and coordinates_case(user, child)


def can_request_transfer(user, child: Child) -> bool:
    """The case's coordinator, or a field worker of the case's county who carries it."""
    if not can_change(user, child):
        return False
    if coordinates_case(user, child):
        return True
    return (
        user.is_field_worker
        and user.county_id == child.current_county_id
        and user.pk in (child.assigned_to_id, child.created_by_id)
    )


def can_transfer_directly(user, child: Child) -> bool:
    return can_change(user, child) and user.is_country_coordinator


def can_decide_transfer(user, transfer: Transfer) -> bool:
    """The coordinator of the receiving county (or the country coordinator)."""
    return (
        user.is_authenticated
        and transfer.status == TransferStatus.PENDING
        and user.coordinates_county(transfer.to_county_id)
    )


def can_cancel_transfer(user, transfer: Transfer) -> bool:
    """Who asked for it, or the coordinator of the county the case leaves."""
    return (
        user.is_authenticated
        and transfer.status == TransferStatus.PENDING
        and (
            transfer.requested_by_id == user.pk or user.coordinates_county(transfer.from_county_id)
        )
    )


def can_manage_shares(user, child: Child) -> bool:
    """See and revoke the shares of a case (also once closed: access only shrinks)."""
    return not child.anonymous and coordinates_case(user, child)


def can_share(user, child: Child) -> bool:
    """Give a user of another county access: only while the case is open."""
    return can_manage_shares(user, child) and is_open(child)


def can_see_caseload_of(user, county_code: str | None) -> bool:
    return user.is_authenticated and user.coordinates_county(county_code)


def can_request_anonymisation(user, child: Child) -> bool:
    """The case's coordinator (or the country coordinator) asks, on the family's request."""
    return not child.anonymous and coordinates_case(user, child)


def can_decide_anonymisation(user, anonymisation) -> bool:
    """The country coordinator decides, never on their own request (four eyes)."""
    return (
        user.is_authenticated
        and user.is_country_coordinator
        and anonymisation.status == "pending"
        and anonymisation.requested_by_id != user.pk
    )


def can_export_subject_access(user, child: Child) -> bool:
    """Everything held about a child, for the family: the coordinators of the case."""
    return not child.anonymous and coordinates_case(user, child)
