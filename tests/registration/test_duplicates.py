"""find_duplicates(): the function the form and the import call."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection, transaction

from cases.models import Child
from cases.names import name_key, name_similarity
from registration.duplicates import (
    ESTIMATED_WINDOW,
    MIN_SIMILARITY,
    find_duplicates,
    trigram_floor,
)
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


# The indexed candidate query (registration/duplicates.py) finds what a full scan finds --


def _full_scan(first, last, dob, *, native="", estimated=False) -> set[str]:
    """The rule of registration.md read over every case, without any index: the codes of
    the cases whose date matches and whose name key scores at least MIN_SIMILARITY."""
    key = name_key(first, last, native)
    found = set()
    for child in Child.objects.cases():
        if child.date_of_birth is None:
            continue
        near = abs(child.date_of_birth - dob) <= ESTIMATED_WINDOW
        dated = (
            near
            if estimated
            else (child.date_of_birth == dob or (near and child.date_of_birth_estimated))
        )
        if dated and name_similarity(key, child.name_key) >= MIN_SIMILARITY:
            found.add(child.code)
    return found


# Stored names: Latin with the Cyrillic beside it (a key of both), Cyrillic only, a typo in
# every word (no word in common with the search), a longer name holding the searched one.
STORED = [
    ("Oleksandr", "Shevchenko", "Олександр Шевченко", 0, True),
    ("Олександр", "Шевченко", "", 150, True),
    ("Aleksandr", "Shevcenko", "Александр Шевченко", -300, True),
    ("Oleksandra", "Shevchenkova", "", 40, True),
    ("Oleksandr", "Shevchenko", "", 500, True),  # outside the year
    ("Oleksandr Petro", "Shevchenko-Bondar", "Олександр Петро Шевченко-Бондар", 10, False),
    ("Mykola", "Shevchenko", "Микола Шевченко", 0, False),
    ("Ivanna", "Kovalenko", "Іванна Коваленко", 20, True),
]


@pytest.fixture
def many(worker_tm):
    return [
        make_child(
            worker_tm,
            seed=i + 10,
            first_name=first,
            last_name=last,
            name_native=native,
            date_of_birth=DOB + dt.timedelta(days=shift),
            date_of_birth_estimated=estimated,
        )
        for i, (first, last, native, shift, estimated) in enumerate(STORED)
    ]


@pytest.mark.parametrize(
    ("first", "last", "native"),
    [
        ("Олександр", "Шевченко", ""),  # in Cyrillic only
        ("Олексанр", "Шевчнко", ""),  # in Cyrillic, a letter missing in each word
        ("Alexandr", "Shevcenko", ""),
        ("Oleksandr", "", ""),  # one word: every key holding it scores 100
        ("Іванна", "Коваленко", ""),
        ("Oleksandr Petro", "Shevchenko-Bondar", ""),
    ],
)
@pytest.mark.parametrize("shift", [0, 200, -250])
def test_an_estimated_date_finds_what_a_full_scan_finds(
    many, worker_tm, first, last, native, shift
):
    dob = DOB + dt.timedelta(days=shift)
    for estimated in (True, False):
        found = find_duplicates(
            first, last, dob, user=worker_tm, name_native=native, date_of_birth_estimated=estimated
        )
        expected = _full_scan(first, last, dob, native=native, estimated=estimated)
        assert {d.child.code for d in found} == expected
    # Cyrillic within the year of an estimated date finds the stored Latin spellings.
    if (first, shift) == ("Олександр", 200):
        assert len(expected) >= 3


def test_the_trigram_floor_holds_for_close_keys_with_no_word_in_common():
    """trigram_floor(a) is a lower bound of PostgreSQL's similarity(a, b) for every key b
    that shares no word with a and scores MIN_SIMILARITY: edits of generated names checked
    against pg_trgm itself."""
    rng = random.Random(14)
    letters = "abcdfhiklmnprstvz"
    pairs = []
    while len(pairs) < 3000:
        words = sorted(
            {"".join(rng.choices(letters, k=rng.randint(2, 11))) for _ in range(rng.randint(1, 4))}
        )
        a = " ".join(words)
        b = list(a)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(b) + 1)
            if rng.random() < 0.5 and i < len(b):
                del b[i]
            else:
                b.insert(i, rng.choice(letters + " "))
        b = " ".join(sorted(set("".join(b).split())))
        if b and not set(a.split()) & set(b.split()) and name_similarity(a, b) >= MIN_SIMILARITY:
            pairs.append((a, b))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a, similarity(a, b) FROM unnest(%s::text[], %s::text[]) AS t(a, b)",
            [[a for a, _b in pairs], [b for _a, b in pairs]],
        )
        for a, similarity in cursor.fetchall():
            assert similarity >= trigram_floor(a), a


def _trigram_threshold() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pg_trgm.similarity_threshold')")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_a_check_inside_the_callers_transaction_puts_its_trigram_threshold_back(
    oleksandr, worker_tm
):
    """The import checks duplicates inside its own transaction, which goes on after."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', '0.45', true)")
        assert find_duplicates("Oleksandr", "Shevcenko", DOB, user=worker_tm)
        assert _trigram_threshold() == "0.45"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_check_outside_a_transaction_leaves_the_sessions_threshold(lookups_loaded, worker_tm):
    """The form checks outside any transaction: the threshold set for the check is local
    to the check's own transaction."""
    make_child(worker_tm, first_name="Oleksandr", last_name="Shevchenko", date_of_birth=DOB)
    before = _trigram_threshold()
    assert not connection.in_atomic_block
    assert find_duplicates("Oleksandr", "Shevcenko", DOB, user=worker_tm)
    assert _trigram_threshold() == before
