"""The name dictionary is searched through its trigram index, not read whole (issue 14):
pg_trgm prices its similarity operators like an integer comparison, so on a dictionary
of some thousands of keys the planner read every key (63-79 ms at a million cases)
instead of the index (5-8 ms). cases.trigram_cost declares their true cost after every
migrate. PostgreSQL only."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from cases import trigram_cost
from cases.filters import search_names
from cases.models import Child, NameKey

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")


def costs() -> dict[str, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, procost FROM pg_proc WHERE proname = ANY(%s)",
            [list(trigram_cost.FUNCTIONS)],
        )
        return dict(cursor.fetchall())


def dictionary_plan(text: str) -> str:
    """The plan of the name search's read of the dictionary, as the case list runs it."""
    inner = search_names(Child.objects.all(), text).query.where.children[-1].rhs
    with connection.cursor() as cursor:
        sql, params = inner.get_compiler(connection=connection).as_sql()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def fill_dictionary(n: int) -> None:
    # The triggers write NameKey from cases; a plain insert stands for thousands of cases.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cases_name_key DISABLE TRIGGER USER")
    NameKey.objects.bulk_create(
        NameKey(key=f"nume{i:05d} prenume{(i * 7919) % n:05d}") for i in range(n)
    )
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cases_name_key ENABLE TRIGGER USER")
        cursor.execute("ANALYZE cases_name_key")


@pytest.mark.django_db
def test_a_typo_search_reads_the_trigram_index_of_a_dictionary_of_thousands_of_keys():
    fill_dictionary(3000)
    plan = dictionary_plan("Ion Popscu")
    assert "name_key_trgm" in plan, plan
    assert "Seq Scan on cases_name_key" not in plan, plan


@pytest.mark.django_db
def test_migrate_declares_the_cost_again_after_a_restore_lost_it():
    with connection.cursor() as cursor:
        # What a restore from pg_dump gives: the extension's own default.
        for name in trigram_cost.FUNCTIONS:
            cursor.execute(f"ALTER FUNCTION {name}(text, text) COST 1")
    assert set(costs().values()) == {1}
    fill_dictionary(3000)
    assert "Seq Scan on cases_name_key" in dictionary_plan("Ion Popscu")

    call_command("migrate", verbosity=0)

    assert set(costs().values()) == {trigram_cost.COST}
    assert "name_key_trgm" in dictionary_plan("Ion Popscu")


@pytest.mark.django_db
def test_keys_added_by_registrations_are_in_the_indexes_not_a_pending_list(worker_tm):
    """GIN's fast update parks new entries in a pending list that every search then reads
    whole until a vacuum merges it: at a million cases, some thousands of keys added by
    registrations made each name search and duplicate check read ~450 pending pages
    (9-17 ms instead of 1-3, issue 14). The dictionary's indexes take each key at once."""
    from tests.factories import make_child

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
    for seed in range(5):
        make_child(worker_tm, seed=seed, first_name=f"Nume{seed}", last_name="Prenumescu")
    assert NameKey.objects.count() >= 5
    with connection.cursor() as cursor:
        for index in ("name_key_trgm", "name_key_words"):
            cursor.execute("SELECT pending_tuples FROM pgstatginindex(%s::regclass)", [index])
            assert cursor.fetchone()[0] == 0, index
