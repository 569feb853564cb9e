"""Reads from a PostgreSQL replica (issue 14, "beyond one machine"): the dashboards' and
the reports' reads go to the replica alias, every write and everything else to the
primary, and reads inside a transaction on the primary stay there.

The test settings make the alias `replica` a mirror of the test database (Django's
TEST["MIRROR"]): a second connection, which sees only what was committed, as a replica
does. So these tests commit (transaction=True).
"""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Child
from cases.replica import REPLICA, read_alias, replica_reads
from reporting import services
from reporting.models import JobStatus, ReportSnapshot
from tests.reporting.dataset import kid

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(REPLICA not in connections.settings, reason="PostgreSQL test settings"),
]


def aggregates(queries) -> list[str]:
    """The dashboards' aggregates (reporting.dashboard.count_by_county): counts of cases
    grouped by county first."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "cases_child"."current_county_id"')
        and "GROUP BY" in q["sql"]
        # The to-do's overdue count per worker (cases.todo) reads the primary.
        and '"assigned_to_id"' not in q["sql"]
    ]


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]


def test_dashboard_reads_from_the_replica_and_writes_go_to_the_primary(
    lookups_loaded, client, coord_tm, worker_tm
):
    today = timezone.localdate()
    kid(worker_tm, reg=today, county="RO-TM", sex="female", age=8, seed=1)
    client.force_login(coord_tm)
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        page = client.get(reverse("home"))
    assert page.context["dashboard"].figures[0].value == 1  # open cases
    assert len(aggregates(on_replica.captured_queries)) == 5
    assert aggregates(on_primary.captured_queries) == []

    # A registration: every write on the primary, none on the replica; the next page
    # counts again (on the replica, which has the committed row).
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        kid(worker_tm, reg=today, county="RO-TM", sex="male", age=3, seed=2)
    assert writes(on_replica.captured_queries) == []
    assert any('INSERT INTO "cases_child"' in sql for sql in writes(on_primary.captured_queries))
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        page = client.get(reverse("home"))
    assert page.context["dashboard"].figures[0].value == 2
    assert len(aggregates(on_replica.captured_queries)) == 5


def test_report_build_reads_from_the_replica(lookups_loaded, country, worker_tm):
    kid(worker_tm, reg=timezone.localdate(), county="RO-TM", sex="female", age=8, seed=1)
    snapshot = ReportSnapshot.objects.create(
        period=services.current_quarter().code,
        county_id=None,
        variant="full",
        language="en",
        requested_by=country,
    )
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        built = services.build_report(snapshot.pk)
    assert built.status == JobStatus.DONE, built.error
    assert built.document
    read_cases = [q for q in on_replica.captured_queries if '"cases_child"' in q["sql"]]
    assert read_cases
    assert writes(on_replica.captured_queries) == []
    # The snapshot's progress and result are written on the primary.
    assert any(
        'UPDATE "reporting_reportsnapshot"' in s for s in writes(on_primary.captured_queries)
    )
    assert not [q for q in on_primary.captured_queries if 'FROM "cases_child"' in q["sql"]]


def test_only_marked_reads_outside_a_transaction_go_to_the_replica(lookups_loaded, worker_tm):
    assert read_alias() == DEFAULT_DB_ALIAS
    with replica_reads():
        assert read_alias() == REPLICA
        assert Child.objects.all().db == REPLICA
        with transaction.atomic():
            # This transaction may have written: its reads must see its writes.
            assert read_alias() == DEFAULT_DB_ALIAS
            assert Child.objects.all().db == DEFAULT_DB_ALIAS
    assert Child.objects.all().db == DEFAULT_DB_ALIAS

    @replica_reads()
    def marked():
        return read_alias()

    assert marked() == REPLICA
    assert read_alias() == DEFAULT_DB_ALIAS


def test_a_replica_behind_the_change_is_not_read(lookups_loaded):
    """The dashboards pass the primary's log position of the last change they count: a
    replica that has not replayed it is not read. (A mirror is no standby, it has all.)"""
    from cases.replica import primary_position, replica_has

    now = primary_position()
    assert now and replica_has(now)
    with replica_reads(after=now):
        assert read_alias() == REPLICA
