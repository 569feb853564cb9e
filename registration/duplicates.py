"""Possible duplicates of a child about to be registered (registration.md, "Possible
duplicates"): a close name key and the same date of birth, or one within a year when
either date is estimated. Searched across every county; what is shown depends on whether
the user may open the match.

    find_duplicates(first_name, last_name, date_of_birth, user=request.user,
                    name_native="", date_of_birth_estimated=False) -> list[Duplicate]

The import reuses it with user=None (every match counts as one the importer may see).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import F, Func, Q, TextField, Value

from cases.models import Child, NameKey
from cases.names import name_key, name_similarity

# token_set_ratio of the keys: 'mara bandarinka' vs 'alina bandarinka' (two sisters, one
# surname) scores ~84, 'aliksandir sivcinka' vs 'aliksandr sivcinka' ~97.
MIN_SIMILARITY = 88.0
ESTIMATED_WINDOW = dt.timedelta(days=366)
# Rows scored in Python at most, the closest names by trigram similarity first.
CANDIDATES = 2000


@dataclass(frozen=True)
class Duplicate:
    child: Child
    score: float
    # False: the user may not open the record; show only that it exists and the county.
    visible: bool

    @property
    def county_name(self) -> str:
        return self.child.current_county.name


def find_duplicates(
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None,
    *,
    user=None,
    name_native: str = "",
    date_of_birth_estimated: bool = False,
    exclude_pks: tuple[int, ...] = (),
    limit: int = 10,
) -> list[Duplicate]:
    """Existing cases (not anonymous records) that may be this child, best first."""
    key = name_key(first_name, last_name, name_native)
    if not key or date_of_birth is None:
        return []
    near = Q(
        date_of_birth__range=(date_of_birth - ESTIMATED_WINDOW, date_of_birth + ESTIMATED_WINDOW)
    )
    if date_of_birth_estimated:
        dob_match = near
    else:
        dob_match = Q(date_of_birth=date_of_birth) | (near & Q(date_of_birth_estimated=True))
    qs = Child.objects.cases().filter(dob_match).exclude(pk__in=exclude_pks)
    if connection.vendor == "postgresql":
        ranked = _candidates_postgresql(qs, key)
    else:
        ranked = list(qs.values_list("pk", "name_key", "date_of_birth")[:CANDIDATES])
    scored = []
    for pk, child_key, child_dob in ranked:
        score = name_similarity(key, child_key)
        if score >= MIN_SIMILARITY:
            scored.append((score, child_dob != date_of_birth, pk))
    # Best score first, the same date first among equals; then the database's order.
    scored.sort(key=lambda found: (-found[0], found[1]))
    scored = scored[:limit]
    children = Child.objects.select_related("current_county").only(
        "pk",
        "code",
        "first_name",
        "last_name",
        "date_of_birth",
        "date_of_birth_estimated",
        "name_key",
        "current_county__name",
        "registration_date",
    )
    by_pk = children.in_bulk([pk for _score, _other_date, pk in scored])
    scored = [(score, by_pk[pk]) for score, _other_date, pk in scored if pk in by_pk]
    if user is None:
        visible_pks = {child.pk for _score, child in scored}
    else:
        visible_pks = set(
            Child.objects.visible_to(user)
            .filter(pk__in=[child.pk for _score, child in scored])
            .values_list("pk", flat=True)
        )
    return [Duplicate(child, score, child.pk in visible_pks) for score, child in scored]


def _candidates_postgresql(qs, key: str) -> list[tuple[int, str, dt.date]]:
    """(pk, name_key, date_of_birth) of the rows that score MIN_SIMILARITY, closest
    trigram similarity first.

    A window of an estimated date holds a ninth of all cases (118,000 of 1,000,000), and a
    common first name or surname thousands of them: the names are compared once each, on
    the distinct keys (cases.models.NameKey, 20,184 for a million cases), then the cases of
    the few keys that score are read in the date window by the b-tree (name_key,
    date_of_birth)."""
    close = _close_keys(key)
    if not close:
        return []
    from django.contrib.postgres.search import TrigramSimilarity

    return list(
        qs.filter(name_key__in=close)
        .annotate(_trgm=TrigramSimilarity("name_key", key))
        .order_by("-_trgm", "pk")
        .values_list("pk", "name_key", "date_of_birth")[:CANDIDATES]
    )


def _close_keys(key: str) -> list[str]:
    """The keys of cases that score MIN_SIMILARITY against `key`.

    Only two kinds of key can reach the score, and each has an index on NameKey: a key
    sharing a word with this one (token_set_ratio then compares the words apart: the GIN
    index on the key's words), and a key sharing none, which must then be close as a whole
    string, so close that its trigram similarity is at least trigram_floor(key) (the GIN
    trigram index, with that threshold). Those are scored here, each key once."""
    from django.contrib.postgres.fields import ArrayField
    from django.contrib.postgres.fields.array import ArrayOverlap
    from django.contrib.postgres.lookups import TrigramSimilar

    words = Func(
        F("key"), Value(" "), function="string_to_array", output_field=ArrayField(TextField())
    )
    keys = NameKey.objects.filter(
        Q(ArrayOverlap(words, key.split())) | Q(TrigramSimilar(F("key"), key))
    ).values_list("key", flat=True)
    # pg_trgm's % reads its threshold from the session: set for this query only, local
    # to the transaction; put back when the caller's transaction goes on (an import).
    inside_caller = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if inside_caller:
            cursor.execute("SELECT current_setting('pg_trgm.similarity_threshold', true)")
            previous = cursor.fetchone()[0] or "0.3"
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
            [f"{trigram_floor(key):.6f}"],
        )
        found = list(keys)
        if inside_caller:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [previous]
            )
    return [other for other in found if name_similarity(key, other) >= MIN_SIMILARITY]


def _trigrams(key: str) -> set[str]:
    """pg_trgm's trigrams of a key (lowercase words of a-z: two blanks before each word,
    one after)."""
    found = set()
    for word in key.split():
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


@lru_cache(maxsize=4096)
def trigram_floor(key: str) -> float:
    """The lowest pg_trgm similarity to `key` of a key b that shares no word with it and
    still scores MIN_SIMILARITY (a lower bound, rounded down).

    With no word in common, token_set_ratio is the Indel ratio of the two keys:
    100 * (1 - d / (len(a) + len(b))) for d insertions and deletions, so
    d = del_a + del_b <= (1 - MIN_SIMILARITY / 100) * (len(a) + len(b)), where
    del_a - del_b = len(a) - len(b). Each character of a deleted breaks at most 3 of a's trigrams (those
    holding it), each run of characters inserted at most 2 (those spanning the gap), so
    at least T(a) - 3 * del_a - 2 * del_b of a's trigrams are b's too, while b has at most
    len(b) + 1. similarity = shared / (T(a) + T(b) - shared) is smallest at those bounds;
    the floor is the minimum over every length of b the ratio allows."""
    la, ta = len(key), len(_trigrams(key))
    share = 1 - MIN_SIMILARITY / 100
    floor = 1.0
    lb = 0
    while True:
        lb += 1
        d_max = math.floor(share * (la + lb) + 1e-9)
        if lb - la > d_max:
            break
        for del_b in range(d_max + 1):
            del_a = del_b + la - lb
            if del_a < 0 or del_a + del_b > d_max:
                continue
            shared = max(0, ta - 3 * del_a - 2 * del_b)
            floor = min(floor, shared / (ta + lb + 1 - shared))
    return max(0.0, floor - 1e-6)
