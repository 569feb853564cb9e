"""register_child: the one way a child enters the system (browser, import, demo data)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from audit.log import record
from audit.models import Action
from cases import rules
from cases.models import Caregiver, Child, Household
from cases.names import name_key
from questions import ANONYMOUS_FIELDS, CAREGIVER_ATTRS  # noqa: F401  (re-exported)
from referrals.models import Referral, ReferralStatus

# What an anonymous record keeps, and the caregiver's own answers: from the catalogue.
CAREGIVER_FIELDS = tuple(CAREGIVER_ATTRS.values())
# Keys of the form data that are not Child columns.
_NOT_CHILD_FIELDS = {"protection_concerns", "accompanying_children", "age_group", *CAREGIVER_ATTRS}


def caregiver_data(data: dict[str, Any]) -> dict[str, Any]:
    """The caregiver_* answers of the form as Caregiver fields."""
    return {
        f: data.get(f"caregiver_{f}")
        for f in CAREGIVER_FIELDS
        if data.get(f"caregiver_{f}") not in (None, "")
    }


def _child_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {}
    for key, value in data.items():
        if key in _NOT_CHILD_FIELDS:
            continue
        if key in ("registration_county", "current_county", "entry_point"):
            key = f"{key}_id"
            value = getattr(value, "pk", value)
        fields[key] = value
    return fields


def _anonymise(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in ANONYMOUS_FIELDS}


def compute_age_group(data: dict[str, Any]) -> str:
    if data.get("date_of_birth"):
        return rules.age_group(rules.age_on(data["date_of_birth"], data["registration_date"]))
    return data["age_group"]


@transaction.atomic
def register_child(
    data: dict[str, Any],
    user,
    *,
    caregiver: Caregiver | None = None,
    household: Household | None = None,
    submission_token: uuid.UUID | None = None,
    record_ref: str | None = None,
    request=None,
    create_referrals: bool = True,
) -> Child:
    """Store one registration, keyed by question code (validated by the form or the import).

    Without consent only the anonymous statistical record is kept. With consent, the
    caregiver is created (or the given one linked), the risk level suggested, the first
    follow-up scheduled and each service needed becomes a pending referral.
    A repeated submission_token returns the record already created.
    """
    if submission_token is not None:
        existing = Child.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing

    concerns = list(data.get("protection_concerns") or [])
    age_group = compute_age_group(data)
    suggested = rules.suggested_risk_level(
        data.get("uasc_status", ""), concerns, data.get("has_disability", "")
    )
    if not data.get("consent_registration"):
        child = Child(
            **_child_fields(_anonymise(data)),
            anonymous=True,
            consent_registration=False,
            age_group=age_group,
            suggested_risk_level=suggested,
            status="",
            workflow_stage="",
            created_by=user,
            updated_by=user,
            submission_token=submission_token,
            record_ref=record_ref,
        )
    else:
        if caregiver is None and data.get("caregiver_first_name"):
            caregiver = Caregiver(**caregiver_data(data), created_by=user)
            caregiver.name_key = name_key(caregiver.first_name, caregiver.last_name)
            caregiver.save()
        child = Child(
            **_child_fields(data),
            age_group=age_group,
            suggested_risk_level=suggested,
            caregiver=caregiver,
            household=household,
            created_by=user,
            updated_by=user,
            submission_token=submission_token,
            record_ref=record_ref,
        )
        child.name_key = name_key(child.first_name, child.last_name, child.name_native)
        child.first_follow_up_due = rules.next_follow_up(child.registration_date, child.risk_level)
        child.next_follow_up_due = child.first_follow_up_due
    try:
        with transaction.atomic():
            child.save()
    except IntegrityError:
        if submission_token is not None:
            # The same form arrived twice at once: the other request saved it.
            return Child.objects.get(submission_token=submission_token)
        raise
    if concerns:
        child.protection_concerns.set(concerns)
    if not child.anonymous and create_referrals:
        services = data.get("services_needed") or []
        for service in services:
            Referral.objects.create(
                child=child,
                service_type=service,
                referred_on=child.registration_date,
                status=ReferralStatus.PENDING,
                created_by=user,
                updated_by=user,
            )
        if services:
            child.workflow_stage = "referred"
            Child.objects.filter(pk=child.pk).update(workflow_stage="referred")
    record(
        user,
        Action.CREATE_CASE,
        obj=child,
        request=request,
        anonymous=child.anonymous,
    )
    return child


def usable_caregivers(user):
    """Caregivers the user may link a new child to: those of cases the user can open
    (visible_to and nothing wider: a family that moved away is not found any more)."""
    visible = Child.objects.visible_to(user)
    return Caregiver.objects.filter(children__in=visible).distinct()


def usable_households(user):
    """Households the user may add a child to: those of cases the user can open."""
    visible = Child.objects.visible_to(user)
    return Household.objects.filter(children__in=visible).distinct()


@transaction.atomic
def register_from_form(
    data: dict[str, Any],
    user,
    *,
    submission_token: uuid.UUID,
    caregiver: Caregiver | None = None,
    household: Household | None = None,
    sibling=None,
    accompanying_children: Sequence[dict[str, Any]] = (),
    request=None,
) -> Child:
    """The browser's registration: one child, and the children it names (question 36)
    kept as pending siblings of one household, to be registered one by one pre-filled.

    Without consent the child is an anonymous record: no household, no caregiver, no
    pending siblings (their names were given without consent).
    """
    from registration.models import PendingSibling

    existing = Child.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing
    consented = bool(data.get("consent_registration"))
    if not consented:
        caregiver = household = None
        accompanying_children = ()
    elif household is None and sibling is not None:
        household = sibling.household
    if consented and household is None and accompanying_children:
        household = Household.objects.create()
    child = register_child(
        data,
        user,
        caregiver=caregiver,
        household=household,
        submission_token=submission_token,
        request=request,
    )
    # Without a household there is nobody to add: accompanying children make one above.
    if (
        child.anonymous
        or household is None
        or PendingSibling.objects.filter(named_by=child).exists()
    ):
        return child
    already = {
        name_key(p.first_name, p.last_name) + str(p.date_of_birth)
        for p in PendingSibling.objects.filter(household=household)
    } | {
        name_key(c.first_name, c.last_name) + str(c.date_of_birth) for c in household.children.all()
    }
    for position, row in enumerate(accompanying_children):
        key = name_key(row["first_name"], row["last_name"]) + str(row["date_of_birth"])
        if key in already:
            continue  # named again by a sibling's form: one pending registration each
        already.add(key)
        PendingSibling.objects.create(
            household=household,
            named_by=child,
            first_name=row["first_name"],
            last_name=row["last_name"],
            sex=row["sex"],
            date_of_birth=row["date_of_birth"],
            relationship=row.get("relationship") or "",
            position=position,
            created_by=user,
        )
    if sibling is not None and sibling.registered_child_id is None:
        sibling.registered_child = child
        sibling.save(update_fields=["registered_child"])
    return child
