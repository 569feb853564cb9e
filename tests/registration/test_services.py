"""register_from_form: households, pending siblings, consent, a repeated token."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from cases.models import Child, Household
from registration.models import PendingSibling
from registration.services import register_from_form
from tests.factories import child_data

pytestmark = pytest.mark.django_db


def rows(*names):
    return [
        {
            "first_name": n,
            "last_name": "Melnyk",
            "sex": "female",
            "date_of_birth": dt.date(2016, 1, i + 1),
            "relationship": "mother",
        }
        for i, n in enumerate(names)
    ]


def test_named_children_wait_in_one_household(worker_tm):
    token = uuid.uuid4()
    child = register_from_form(
        child_data(), worker_tm, submission_token=token, accompanying_children=rows("A", "B")
    )
    assert child.household is not None
    assert list(PendingSibling.objects.values_list("first_name", flat=True)) == ["A", "B"]
    # The same form again: the same child, no second household or pending rows.
    again = register_from_form(
        child_data(), worker_tm, submission_token=token, accompanying_children=rows("A", "B")
    )
    assert again == child
    assert Household.objects.count() == 1 and PendingSibling.objects.count() == 2


def test_a_sibling_naming_the_others_again_adds_no_duplicates(worker_tm):
    first = register_from_form(
        child_data(),
        worker_tm,
        submission_token=uuid.uuid4(),
        accompanying_children=rows("A", "B"),
    )
    sibling = PendingSibling.objects.get(first_name="A")
    second = register_from_form(
        child_data(seed=2, first_name="A", last_name="Melnyk", date_of_birth=dt.date(2016, 1, 1)),
        worker_tm,
        submission_token=uuid.uuid4(),
        sibling=sibling,
        accompanying_children=rows("A", "B")
        + [
            {
                "first_name": first.first_name,
                "last_name": first.last_name,
                "sex": first.sex,
                "date_of_birth": first.date_of_birth,
            }
        ],
    )
    assert second.household == first.household
    assert PendingSibling.objects.count() == 2
    sibling.refresh_from_db()
    assert sibling.registered_child == second


def test_without_consent_no_household_and_no_names_kept(worker_tm):
    child = register_from_form(
        child_data(consent_registration=False),
        worker_tm,
        submission_token=uuid.uuid4(),
        accompanying_children=rows("A"),
    )
    assert child.anonymous and child.household is None and child.caregiver is None
    assert not PendingSibling.objects.exists() and not Household.objects.exists()
    assert Child.objects.filter(first_name__gt="").count() == 0
