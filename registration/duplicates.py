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
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from cases.models import Child
from cases.names import name_key, name_similarity

# token_set_ratio of the keys: 'mara bandarinka' vs 'alina bandarinka' (two sisters, one
# surname) scores ~84, 'aliksandir sivcinka' vs 'aliksandr sivcinka' ~97.
MIN_SIMILARITY = 88.0
ESTIMATED_WINDOW = dt.timedelta(days=366)


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
        # Wide windows (estimated dates) are ranked by trigram similarity in the database
        # so that the closest names are among the rows rapidfuzz scores.
        from django.contrib.postgres.search import TrigramSimilarity

        qs = qs.annotate(_trgm=TrigramSimilarity("name_key", key)).order_by("-_trgm")
    rows = list(
        qs.select_related("current_county").only(
            "pk",
            "code",
            "first_name",
            "last_name",
            "date_of_birth",
            "date_of_birth_estimated",
            "name_key",
            "current_county__name",
            "registration_date",
        )[:2000]
    )
    scored = []
    for child in rows:
        score = name_similarity(key, child.name_key)
        if score >= MIN_SIMILARITY:
            scored.append((score, child))
    scored.sort(key=lambda pair: (-pair[0], pair[1].date_of_birth != date_of_birth))
    scored = scored[:limit]
    if user is None:
        visible_pks = {child.pk for _score, child in scored}
    else:
        visible_pks = set(
            Child.objects.visible_to(user)
            .filter(pk__in=[child.pk for _score, child in scored])
            .values_list("pk", flat=True)
        )
    return [Duplicate(child, score, child.pk in visible_pks) for score, child in scored]
