"""One registration as the browser sends it: the form and its two repeatable groups,
validated together, and the possible duplicates of the child it names.

The online form (views.register) and the send of a registration queued offline
(offline.send) both go through here, so that they accept, refuse and search the same.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action
from registration.duplicates import Duplicate, find_duplicates
from registration.forms import AccompanyingAdultFormSet, AccompanyingChildFormSet, RegistrationForm
from registration.models import PendingSibling
from registration.services import usable_caregivers, usable_households


class Registration:
    """The main form and the two repeatable groups, validated together."""

    def __init__(self, user, data=None, *, initial=None, adults=None):
        self.user = user
        if data is not None:
            data = data.copy()
            for prefix in ("accompanying_children", "accompanying_adults"):
                # A client that sends no group at all (a script, an old page) sends no rows.
                data.setdefault(f"{prefix}-TOTAL_FORMS", "0")
                data.setdefault(f"{prefix}-INITIAL_FORMS", "0")
        self.form = RegistrationForm(data, initial=initial)
        self.children = AccompanyingChildFormSet(data, prefix="accompanying_children")
        self.adults = AccompanyingAdultFormSet(data, prefix="accompanying_adults", initial=adults)
        self.caregiver = None
        self.household = None
        self.sibling = None

    def is_valid(self) -> bool:
        form = self.form
        valid = form.is_valid()
        consented = form.cleaned_data.get("consent_registration") is True
        # Without consent the groups are not stored, so they are not checked either.
        if consented:
            valid = self.children.is_valid() & self.adults.is_valid() & valid
            registration_date = form.cleaned_data.get("registration_date")
            for row in self.children.forms:
                valid = row.check_birth(registration_date) & valid
        code = form.cleaned_data.get("existing_caregiver")
        if code and consented:
            self.caregiver = usable_caregivers(self.user).filter(code=code).first()
            if self.caregiver is None:
                form.add_error(None, _("The chosen caregiver cannot be linked: choose again."))
                valid = False
        code = form.cleaned_data.get("household")
        if code and consented:
            self.household = usable_households(self.user).filter(code=code).first()
            if self.household is None:
                form.add_error(None, _("This household cannot be used."))
                valid = False
        sibling = form.cleaned_data.get("sibling")
        if sibling and consented:
            self.sibling = PendingSibling.objects.filter(
                public_id=sibling, household__in=usable_households(self.user)
            ).first()
        return valid

    def accompanying_children(self) -> list[dict]:
        return [f.cleaned_data for f in self.children.forms if f.cleaned_data]

    def accompanying_adults(self) -> list[dict]:
        return [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in self.adults.forms
            if f.cleaned_data
        ]

    def service_arguments(self) -> dict[str, Any]:
        """What services.register_from_form takes from a valid registration (but the
        user, the submission token and the request)."""
        form = self.form
        data = form.registration_data()
        data["accompanying_adults"] = self.accompanying_adults() if form.consented else []
        return {
            "data": data,
            "caregiver": self.caregiver,
            "household": self.household,
            "sibling": self.sibling,
            "accompanying_children": self.accompanying_children() if form.consented else [],
        }


def audited_duplicates(
    request, duplicates: list[Duplicate], *, page: str = "registration_duplicates"
) -> list[Duplicate]:
    """The duplicate panel is a name search that shows other records: audited like the
    case list's search (codes and counts only, never the typed name), when it shows any."""
    if duplicates:
        record(
            request.user,
            Action.SEARCH,
            county_code=request.user.county_id,
            request=request,
            page=page,
            name_search=True,
            results=len(duplicates),
            case_codes=[d.child.code for d in duplicates if d.visible],
        )
    return duplicates


def duplicates_for(
    form: RegistrationForm, request, *, page: str = "registration_duplicates"
) -> list[Duplicate]:
    """The possible duplicates of the child of a validated form (none without consent:
    an anonymous record is nobody's duplicate), audited."""
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    if data.get("consent_registration") is not True:
        return []
    return duplicates_of(data, request, page=page)


def duplicates_of(data: dict, request, *, page: str = "registration_duplicates") -> list[Duplicate]:
    """The possible duplicates of the child these answers describe, audited."""
    return audited_duplicates(
        request,
        find_duplicates(
            data.get("first_name", ""),
            data.get("last_name", ""),
            data.get("date_of_birth"),
            user=request.user,
            name_native=data.get("name_native", ""),
            date_of_birth_estimated=data.get("date_of_birth_estimated") is True,
        ),
        page=page,
    )
