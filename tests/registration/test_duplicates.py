"""find_duplicates(): the function the form and the import call."""

from __future__ import annotations

import datetime as dt

import pytest

from registration.duplicates import find_duplicates
from tests.factories import make_child

pytestmark = pytest.mark.django_db
DOB = dt.date(2014, 5, 9)


@pytest.fixture
def oleksandr(worker_tm):
    return make_child(
        worker_tm,
        first_name="Oleksandr",
        last_name="Shevchenko",
        name_native="Олександр Шевченко",
        date_of_birth=DOB,
        date_of_birth_estimated=False,
    )


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("Alexandr", "Shevcenko"),
        ("Олександр", "Шевченко"),
        ("Olexandr", "Shevchenko"),
        ("Shevchenko", "Oleksander"),
    ],
)
def test_spellings_across_scripts_match(oleksandr, worker_tm, first, last):
    found = find_duplicates(first, last, DOB, user=worker_tm)
    assert [d.child for d in found] == [oleksandr]
    assert found[0].visible is True and found[0].county_name == "Timiș"


def test_other_county_match_is_found_but_not_visible(oleksandr, worker_sv, coord_tm):
    (dup,) = find_duplicates("Alexandr", "Shevcenko", DOB, user=worker_sv)
    assert dup.visible is False and dup.county_name == "Timiș"
    (dup,) = find_duplicates("Alexandr", "Shevcenko", DOB, user=coord_tm)
    assert dup.visible is True


def test_without_a_user_every_match_is_visible(oleksandr):
    (dup,) = find_duplicates("Alexandr", "Shevcenko", DOB)
    assert dup.visible is True


def test_another_date_of_birth_or_name_is_not_a_match(oleksandr, worker_tm):
    assert find_duplicates("Oleksandr", "Shevchenko", DOB.replace(day=10), user=worker_tm) == []
    assert find_duplicates("Mykola", "Shevchenko", DOB, user=worker_tm) == []
    assert find_duplicates("Oleksandr", "Bondarenko", DOB, user=worker_tm) == []


def test_estimated_dates_match_within_a_year(oleksandr, worker_tm):
    near = DOB + dt.timedelta(days=300)
    far = DOB + dt.timedelta(days=400)
    assert find_duplicates("Oleksandr", "Shevchenko", near, user=worker_tm) == []
    found = find_duplicates(
        "Oleksandr", "Shevchenko", near, user=worker_tm, date_of_birth_estimated=True
    )
    assert [d.child for d in found] == [oleksandr]
    assert (
        find_duplicates(
            "Oleksandr", "Shevchenko", far, user=worker_tm, date_of_birth_estimated=True
        )
        == []
    )


def test_a_stored_estimated_date_matches_within_a_year(worker_tm):
    estimated = make_child(
        worker_tm,
        first_name="Yuliia",
        last_name="Hnatiuk",
        name_native="",
        date_of_birth=DOB,
        date_of_birth_estimated=True,
    )
    found = find_duplicates("Julia", "Gnatyuk", DOB - dt.timedelta(days=200), user=worker_tm)
    assert [d.child for d in found] == [estimated]


def test_anonymous_records_and_excluded_rows_are_not_candidates(oleksandr, worker_tm):
    make_child(
        worker_tm,
        first_name="Oleksandr",
        last_name="Shevchenko",
        date_of_birth=DOB,
        consent_registration=False,
    )
    found = find_duplicates("Oleksandr", "Shevchenko", DOB, user=worker_tm)
    assert [d.child for d in found] == [oleksandr]
    assert find_duplicates("Oleksandr", "Shevchenko", DOB, exclude_pks=(oleksandr.pk,)) == []
    assert find_duplicates("", "", DOB) == [] and find_duplicates("A", "B", None) == []
