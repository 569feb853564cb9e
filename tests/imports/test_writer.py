"""A large import writes each chunk of new children in a second thread while it builds
the next one: still one transaction, all or nothing, the same rows."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from audit.models import Action, AuditEvent
from cases.models import Child, Household
from imports import services
from imports.services import run_import
from imports.writer import ChunkWriter
from tests.imports.helpers import caregiver_row, child_row, sources


@pytest.mark.django_db
def test_children_written_chunk_by_chunk_have_history_audit_and_closure(country, monkeypatch):
    monkeypatch.setattr(services, "BULK_MIN", 0)
    monkeypatch.setattr(services, "CHUNK", 2)
    rows = [child_row(f"REF-{i}") for i in range(4)]
    rows.append(
        child_row("REF-4", status="closed", closed_on="2023-09-01", closure_reason="needs_met")
    )
    result = run_import(sources(rows, [caregiver_row()]), country)
    assert result.ok, [str(i) for i in result.issues]
    assert result.counts_dict()["children"]["new"] == 5
    children = Child.objects.filter(record_ref__startswith="REF-")
    assert children.count() == 5
    for child in children:
        # The writer thread's history rows name the importing user too.
        assert {h.history_user_id for h in child.history.all()} == {country.pk}
        assert AuditEvent.objects.filter(
            action=Action.CREATE_CASE, object_code=child.code, user=country
        ).exists()
    assert children.get(record_ref="REF-4").status == "closed"


@pytest.mark.django_db(transaction=True)
def test_a_failed_chunk_write_leaves_nothing_behind():
    def write(ref: str, code: str) -> None:
        Household.objects.create(household_ref=ref, code=code)

    with pytest.raises(IntegrityError), transaction.atomic(), ChunkWriter(None) as writer:
        writer.submit(write, "HH-1", "H-SAME222")
        writer.wait()
        # Written in the import's transaction: this thread sees it before the commit.
        assert Household.objects.filter(household_ref="HH-1").exists()
        writer.submit(write, "HH-2", "H-SAME222")
    assert not Household.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_writer_refuses_to_write_outside_a_transaction():
    # Each chunk would be committed on its own: not all or nothing any more.
    with pytest.raises(RuntimeError):
        ChunkWriter(None).__enter__()
