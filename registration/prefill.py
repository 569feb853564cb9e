"""The next child of a household: the form pre-filled with what the children share."""

from __future__ import annotations

from typing import Any

from cases.answers import FOREIGN_KEYS
from cases.models import Child
from cases.names import name_key
from questions import QUESTIONS
from registration.models import PendingSibling

# What children registered together share: the catalogue's household questions (the
# counties and the entry point are read as their keys).
SHARED_FIELDS = tuple(
    f"{q.code}_id" if q.code in FOREIGN_KEYS else q.code for q in QUESTIONS if q.household
)
YES_NO = frozenset(q.code for q in QUESTIONS if q.kind == "yesno")


def _yes_no(value) -> str:
    return {True: "yes", False: "no"}.get(value, "")


def source_child(user, code: str) -> Child | None:
    """A child this user may start the next registration from (or see the confirmation
    of): a case they may open (visible_to, nothing wider: after a transfer the old county
    loses it here too), or an anonymous record they registered, which holds nothing
    personal."""
    related = ("caregiver", "household", "current_county")
    return (
        Child.objects.visible_to(user).filter(code=code).select_related(*related).first()
        or Child.objects.anonymous_records_of(user)
        .filter(code=code)
        .select_related(*related)
        .first()
    )


def initial_from(child: Child, sibling: PendingSibling | None = None) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for field in SHARED_FIELDS:
        value = getattr(child, field)
        name = field.removesuffix("_id")
        if isinstance(value, bool) or (value is None and field in YES_NO):
            value = _yes_no(value)
        initial[name] = value
    initial["consent_registration"] = _yes_no(child.consent_registration)
    initial.update(household_links(child))
    if not child.anonymous:
        initial["last_name"] = child.last_name
    if sibling is not None:
        initial.update(
            first_name=sibling.first_name,
            last_name=sibling.last_name,
            sex=sibling.sex,
            date_of_birth=sibling.date_of_birth,
            sibling=sibling.public_id,
        )
        if sibling.relationship:
            initial["caregiver_relationship"] = sibling.relationship
    return initial


def household_links(child: Child) -> dict[str, str]:
    """The form's hidden answers that make the next registration a child of the same
    family: the caregiver and the household of this one (codes, none when it has none)."""
    links = {}
    if child.caregiver_id:
        links["existing_caregiver"] = child.caregiver.code
    if child.household_id:
        links["household"] = child.household.code
    return links


def pending_sibling(
    household, first_name: str, last_name: str, date_of_birth
) -> PendingSibling | None:
    """The child of the household still to register who is this one, by name key and
    date of birth (as register_from_form counts the children named twice): for a
    registration that does not carry the sibling's id (one typed offline)."""
    if household is None or date_of_birth is None:
        return None
    key = name_key(first_name, last_name)
    for pending in PendingSibling.objects.filter(
        household=household, registered_child=None, date_of_birth=date_of_birth
    ):
        if name_key(pending.first_name, pending.last_name) == key:
            return pending
    return None


def adults_initial(child: Child) -> list[dict[str, Any]]:
    return list(child.accompanying_adults or []) if not child.anonymous else []
