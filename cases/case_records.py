"""Which of a case's own records exist (its follow-ups, transfers, referrals...), read for
the case page in one statement.

Each panel of the case page reads one kind of record, and most cases have none of most
kinds (a closure request, a transfer, a reopening, an anonymisation request are rare). A
query that finds nothing still costs its ORM compiling, about as much as one that finds
rows (issue 14: 1-3 ms of CPU each, eight of them on the case page), so the panels first
ask `has(child, relation)`: the answers for every tracked relation come from one
statement of EXISTS probes, each by the relation's foreign-key index.

Read once per case object: a page that adds a record and then renders the panels of the
same object is not a thing the app does (actions redirect to the case page), and the
answers are never used to decide what a user may do.
"""

from __future__ import annotations

from functools import cache

from django.db import connection, models

from cases.models import Child

# What the case page reads: a name, and the model and foreign key (to Child) of the
# records. Apps above cases add theirs from their AppConfig.ready() (referrals: their
# rows and their history's), as cases imports none of them.
_TRACKED: dict[str, tuple[type[models.Model], str]] = {}


def track(name: str, model: type[models.Model], fk: str = "child") -> None:
    field = model._meta.get_field(fk)  # a typo fails at start-up, not on a page
    if field.related_model is not Child:
        raise ValueError(f"{model.__name__}.{fk} does not point to a case")
    _TRACKED[name] = (model, fk)
    _statement.cache_clear()


def tracked() -> tuple[str, ...]:
    """The kinds of records has() answers for."""
    return tuple(_TRACKED)


@cache
def _statement() -> tuple[str, tuple[str, ...]]:
    # Names from the models' metadata, quoted; the case's id is a parameter.
    quote = connection.ops.quote_name
    probes = []
    for model, fk in _TRACKED.values():
        probes.append(
            f"EXISTS (SELECT 1 FROM {quote(model._meta.db_table)} "  # noqa: S608
            f"WHERE {quote(model._meta.get_field(fk).column)} = %s)"
        )
    return "SELECT " + ", ".join(probes), tuple(_TRACKED)


for _relation in (
    "follow_ups",
    "assessments",
    "closure_requests",
    "reopenings",
    "transfers",
    "anonymisation_requests",
):
    _related = Child._meta.get_field(_relation)
    track(_relation, _related.related_model, _related.field.name)


def has(child: Child, name: str) -> bool:
    """Does the case have at least one record of this kind (a name given to track())?"""
    if name not in _TRACKED:
        raise KeyError(f"{name}: not a tracked record of the case")
    present = child.__dict__.get("_records_present")
    if present is None:
        sql, names = _statement()
        with connection.cursor() as cursor:
            cursor.execute(sql, [child.pk] * len(names))
            row = cursor.fetchone()
        present = frozenset(n for n, found in zip(names, row, strict=True) if found)
        child.__dict__["_records_present"] = present
    return name in present
