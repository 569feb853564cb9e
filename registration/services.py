"""register_child: the one way a child enters the system (browser, import, demo data)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.log import audit_event, client_ip, record
from audit.models import Action, AuditEvent
from cases import bulk, rules
from cases.models import Caregiver, Child, Household, WorkflowStage
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


@dataclass
class Registration:
    """The rows of one registration, built but not yet written."""

    child: Child
    # Protection concern codes (their primary keys).
    concerns: list[Any]
    # A caregiver entered with the child (the browser's form), saved before the child.
    new_caregiver: Caregiver | None = None
    # Pending referrals for the services needed (the browser's form; an import's come
    # from referrals.csv), saved after the child.
    services: list[str] = field(default_factory=list)


def build_registration(
    data: dict[str, Any],
    user,
    *,
    caregiver: Caregiver | None = None,
    household: Household | None = None,
    submission_token: uuid.UUID | None = None,
    record_ref: str | None = None,
    create_referrals: bool = True,
    referred: bool = False,
) -> Registration:
    """Everything a registration derives, for one child: the only place that knows it.

    Without consent only the anonymous statistical record is kept. With consent, the
    caregiver is built (or the given one linked), the risk level suggested and the first
    follow-up scheduled; each service needed becomes a pending referral, and a case with
    referrals (those, or `referred`: an import's referrals.csv) starts at "referred".
    register_child writes one; register_many writes many, batching the inserts.
    """
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
        return Registration(child, concerns)
    new_caregiver = None
    if caregiver is None and data.get("caregiver_first_name"):
        caregiver = new_caregiver = Caregiver(**caregiver_data(data), created_by=user)
        caregiver.name_key = name_key(caregiver.first_name, caregiver.last_name)
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
    services = list(data.get("services_needed") or []) if create_referrals else []
    if services or referred:
        child.workflow_stage = WorkflowStage.REFERRED
    return Registration(child, concerns, new_caregiver, services)


def _referral(child: Child, service: str, user) -> Referral:
    return Referral(
        child=child,
        service_type=service,
        referred_on=child.registration_date,
        status=ReferralStatus.PENDING,
        created_by=user,
        updated_by=user,
    )


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
    referred: bool = False,
) -> Child:
    """Store one registration, keyed by question code (validated by the form or the import).

    What is stored is build_registration's; a repeated submission_token returns the
    record already created.
    """
    if submission_token is not None:
        existing = Child.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing
    reg = build_registration(
        data,
        user,
        caregiver=caregiver,
        household=household,
        submission_token=submission_token,
        record_ref=record_ref,
        create_referrals=create_referrals,
        referred=referred,
    )
    child = reg.child
    if reg.new_caregiver is not None:
        reg.new_caregiver.save()
        child.caregiver = reg.new_caregiver
    try:
        with transaction.atomic():
            child.save()
    except IntegrityError:
        # The same form arrived twice at once: the other request saved it. Any other
        # refusal is raised (a taken code is drawn again by the model: cases.codes).
        if submission_token is None:
            raise
        saved = Child.objects.filter(submission_token=submission_token).first()
        if saved is None:
            raise
        return saved
    if reg.concerns:
        child.protection_concerns.set(reg.concerns)
    for service in reg.services:
        _referral(child, service, user).save()
    record(user, Action.CREATE_CASE, obj=child, request=request, anonymous=child.anonymous)
    return child


def register_many(registrations: list[Registration], user, *, request=None) -> list[Child]:
    """register_child for many registrations built by build_registration (an import):
    the same rows, history rows and audit events, the inserts batched (a few queries per
    thousand children). Submission tokens are not checked (an import has none)."""
    caregivers = [r.new_caregiver for r in registrations if r.new_caregiver is not None]
    if caregivers:
        bulk.create_with_history(caregivers, Caregiver, user)
        for reg in registrations:
            if reg.new_caregiver is not None:
                reg.child.caregiver = reg.new_caregiver
    children = [r.child for r in registrations]
    bulk.create_with_history(children, Child, user)
    with_concerns = [r for r in registrations if r.concerns]
    if with_concerns:
        # What protection_concerns.set() does: the links, then a "~" history row with them.
        through = Child.protection_concerns.through
        bulk.insert_new(
            [
                through(child_id=r.child.pk, protectionconcern_id=code)
                for r in with_concerns
                for code in r.concerns
            ],
            through,
        )
        bulk.write_history([r.child for r in with_concerns], Child, user, "~")
    referrals = [_referral(r.child, s, user) for r in registrations for s in r.services]
    if referrals:
        bulk.create_with_history(referrals, Referral, user)
    _audit_created(children, user, client_ip(request))
    return children


def _audit_created(children: list[Child], user, ip: str | None) -> None:
    """register_child's create_case event for each child. On PostgreSQL the database
    writes them from the rows just inserted: building 35,000 AuditEvent objects cost
    about 2 s of CPU, a tenth of a large import. The columns that do not depend on the
    child come from audit_event itself; the others (code, county, anonymous) are those
    record() takes from the child, and tests/imports/test_services.py compares the events
    with register_child's."""
    if not children:
        return
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(
            [
                audit_event(user, Action.CREATE_CASE, obj=c, ip=ip, anonymous=c.anonymous)
                for c in children
            ],
            batch_size=bulk.CHUNK,
        )
        return
    event = audit_event(user, Action.CREATE_CASE, obj=children[0], ip=ip)
    quote = connection.ops.quote_name
    # Table names come from the models; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(AuditEvent._meta.db_table)} (at, user_id, username, action, "  # noqa: S608
        "object_type, object_code, county_id, ip_address, details) "
        "SELECT %s, %s, %s, %s, %s, code, current_county_id, %s, "
        f"jsonb_build_object('anonymous', anonymous) FROM {quote(Child._meta.db_table)} "
        "WHERE id = ANY(%s) ORDER BY id"
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        for i in range(0, len(children), bulk.CHUNK * 10):
            ids = [c.pk for c in children[i : i + bulk.CHUNK * 10]]
            cursor.execute(
                sql,
                [
                    now,
                    event.user_id,
                    event.username,
                    event.action,
                    event.object_type,
                    event.ip_address,
                    ids,
                ],
            )


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
