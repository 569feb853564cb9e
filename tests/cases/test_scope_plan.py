"""A field worker's scope is read through indexes (issue 14): their registrations and
assignments are one BitmapOr of two indexes, with the shared and granted ids as a third
branch, rather than ids gathered first and then looked up one by one; and a name search
within that scope reads it once, not once per name key found. PostgreSQL only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F

from cases.filters import search_names
from cases.models import Child
from cases.models.in_array import InArrayOf
from tests.factories import make_child

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's"),
]


def plan(qs) -> str:
    sql, params = qs.query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def fill(template: Child, users: list, n: int) -> None:
    """n copies of a registered case, registered by each of the users in turn: a county
    where the worker carries a small part of the cases."""
    fields = {
        f.attname: getattr(template, f.attname)
        for f in Child._meta.concrete_fields
        if f.attname not in ("id", "code", "submission_token", "record_ref", "created_by_id")
    }
    Child.objects.bulk_create(
        Child(**fields, code=f"C-P{i:06d}", created_by_id=users[i % len(users)].pk)
        for i in range(n)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_child")


def test_a_field_workers_cases_are_read_by_their_indexes(worker_tm, worker2_tm, coord_tm):
    template = make_child(worker_tm, seed=1)
    fill(template, [worker2_tm, coord_tm] * 15 + [worker_tm], 6000)
    scope = plan(Child.objects.visible_to(worker_tm).order_by("-registration_date"))
    assert "BitmapOr" in scope, scope
    assert "Seq Scan on cases_child" not in scope, scope
    found = Child.objects.visible_to(worker_tm)
    assert found.count() == 1 + 6000 // 31  # the worker's own, and nobody else's


def test_a_name_search_reads_the_scope_once():
    searched = search_names(Child.objects.cases(), "Ivan Petrenko")
    sql, _ = searched.query.get_compiler(connection=connection).as_sql()
    # The keys found are one array, not a join the planner may run once per key.
    assert '"name_key" = ANY(ARRAY(' in sql, sql


def test_in_array_of_finds_what_in_finds(worker_tm):
    a, b, c = (make_child(worker_tm, seed=i) for i in (1, 2, 3))
    ids = Child.objects.filter(pk__in=[a.pk, c.pk]).values("pk")
    assert set(Child.objects.filter(InArrayOf(F("pk"), ids))) == {a, c}
    assert not Child.objects.filter(InArrayOf(F("pk"), ids.none())).exists()
    assert b not in Child.objects.filter(InArrayOf(F("pk"), ids))
