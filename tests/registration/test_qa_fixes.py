"""Found by the acceptance review of the registration form."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from registration.forms import RegistrationForm
from tests.registration.helpers import post_data

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_an_adult_is_reported_even_when_the_interview_date_is_wrong_too():
    # Both mistakes in one submit: the worker should not find the second one only after
    # correcting the first.
    form = RegistrationForm(
        post_data(
            registration_date=(TODAY + dt.timedelta(days=3)).isoformat(),
            date_of_birth="2000-01-01",
        )
    )
    assert not form.is_valid()
    assert form.errors["registration_date"] == ["The date cannot be in the future."]
    assert form.errors["date_of_birth"] == [
        "The child must be under 18 on the date of the interview."
    ]


def test_a_child_is_not_refused_because_the_interview_date_is_missing():
    form = RegistrationForm(post_data(registration_date=""))
    assert not form.is_valid()
    assert "date_of_birth" not in form.errors


def test_every_input_of_the_repeatable_groups_has_a_label(client, worker_tm):
    client.force_login(worker_tm)
    page = client.get("/register/").content.decode()
    for group in ("accompanying_children", "accompanying_adults"):
        inputs = re.findall(rf'<(?:input|select)[^>]*name="{group}-0-[a-z_]+"[^>]*>', page)
        assert inputs, group
        for tag in inputs:
            assert 'aria-label="' in tag, tag
    assert 'aria-label="Date of birth"' in page
    assert 'aria-label="Relationship to the child"' in page


LATIN_MESSAGE = (
    "Write the name in Latin letters, as the family spells it; the spelling of the "
    "documents (e.g. Cyrillic) goes in the full name as written in the child's documents."
)


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_a_cyrillic_name_in_the_latin_script_question_is_refused(field):
    form = RegistrationForm(post_data(**{field: "Шевченко"}))
    assert not form.is_valid()
    assert form.errors[field] == [LATIN_MESSAGE]


def test_latin_names_with_diacritics_apostrophes_and_hyphens_are_accepted():
    form = RegistrationForm(
        post_data(first_name="Ștefan-Andrii", last_name="D'Arcy Țurcanu Müller")
    )
    assert form.is_valid(), form.errors


def test_a_cyrillic_name_in_the_children_group_is_refused(client, worker_tm):
    from tests.registration.helpers import with_children

    client.force_login(worker_tm)
    data = with_children(
        post_data(),
        [
            {
                "first_name": "Злата",
                "last_name": "Shevchenko",
                "sex": "female",
                "date_of_birth": "2019-01-01",
                "relationship": "mother",
            }
        ],
    )
    response = client.post("/register/", data)
    assert response.status_code == 200
    assert "Write the name in Latin letters" in response.content.decode()
