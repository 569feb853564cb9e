"""The distinct name keys of the cases: what a fuzzy name search or a duplicate check
compares first (issue 14).

A million cases hold about twenty thousand distinct keys. Matching a typo against the keys
costs the keys, not the cases; the cases of the matching keys are then read by the key's
b-tree. The database keeps the table (triggers of cases/migrations/0012), so that every way
a case is written (the services, cases.bulk's COPY, a bulk UPDATE) keeps it exact, and a
key leaves it with its last case (anonymisation blanks the key; erasure deletes the row).
"""

from __future__ import annotations

from django.db import models


class NameKey(models.Model):
    """One key held by at least one case (not an anonymous record). Written only by the
    database's triggers on cases_child; read-only for the application."""

    key = models.CharField(max_length=300, primary_key=True)

    class Meta:
        db_table = "cases_name_key"
        default_permissions = ()

    def __str__(self) -> str:
        return self.key
