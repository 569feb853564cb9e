"""New rows of a large import are written by PostgreSQL COPY (cases.bulk.insert_new): what
COPY writes must be what the services would have saved, with its history and audit."""

from __future__ import annotations

import pytest

from audit.models import Action, AuditEvent
from cases.models import Caregiver, Child, Household
from imports import services
from imports.services import run_import
from referrals.models import Referral
from tests.factories import make_child
from tests.imports.helpers import caregiver_row, child_row, referral_row, sources

# What COPY's text format gives a meaning to (tab, newline, backslash, its NULL marker
# \N and end marker \.), and quotes, which CSV gives a meaning to: kept as written.
AWKWARD = "Said \"no\"\tthen left.\nBack\\slash, C:\\N\\temp, \\N\n\\.\nand 'quoted'"


@pytest.fixture
def bulk(monkeypatch):
    # The COPY path is the one of large imports: taken here from the first row.
    monkeypatch.setattr(services, "BULK_MIN", 0)


@pytest.mark.django_db
def test_copied_text_keeps_tabs_newlines_backslashes_and_quotes(country, bulk):
    rows = [
        child_row(
            "REF-1",
            concern_details=AWKWARD,
            protection_concerns="neglect",
            concern_source="observed",
            risk_justification="Assessed at the interview.",
            current_address="Str. \\N 1\tap. 2",
            interviewer_notes=AWKWARD,
        ),
        child_row("REF-2", interviewer_notes="\\N"),
    ]
    result = run_import(sources(rows, [caregiver_row()]), country)
    assert result.ok, result.issues
    child = Child.objects.get(record_ref="REF-1")
    assert child.concern_details == AWKWARD
    assert child.interviewer_notes == AWKWARD
    assert child.current_address == "Str. \\N 1\tap. 2"
    # COPY's NULL marker as a whole value is text, not NULL.
    assert Child.objects.get(record_ref="REF-2").interviewer_notes == "\\N"
    # The history row, copied by the database from the row, holds the same text.
    created = child.history.get(history_type="+")
    assert created.concern_details == AWKWARD
    assert created.interviewer_notes == AWKWARD


@pytest.mark.django_db
def test_copied_rows_have_their_history_and_audit(country, bulk):
    rows = [
        child_row(
            "REF-1",
            protection_concerns="neglect;trafficking",
            concern_source="observed",
            concern_details="Seen at the border.",
            risk_justification="Assessed at the interview.",
        ),
        child_row("REF-2", first_name="Mykola", sex="male"),
        child_row("REF-3", status="closed", closed_on="2023-09-01", closure_reason="needs_met"),
    ]
    result = run_import(sources(rows, [caregiver_row()], [referral_row("REF-2")]), country)
    assert result.ok, result.issues
    children = list(Child.objects.filter(record_ref__startswith="REF-").order_by("record_ref"))
    assert len({c.pk for c in children}) == 3
    for child in children:
        assert child.code and child.name_key
        assert child.created_at is not None and child.updated_at is not None
        assert child.caregiver.caregiver_ref == "CG-1"
        assert child.household.household_ref == "HH-1"
        assert [(h.history_type, h.history_user_id) for h in child.history.all()][-1][1] == (
            country.pk
        )
        assert child.history.filter(history_type="+").count() == 1
        assert AuditEvent.objects.filter(
            action=Action.CREATE_CASE, object_code=child.code, user=country
        ).exists()
    concerned, referred, closed = children
    assert set(concerned.protection_concerns.values_list("pk", flat=True)) == {
        "neglect",
        "trafficking",
    }
    assert set(
        concerned.history.order_by("history_id")
        .last()
        .protection_concerns.values_list("protectionconcern_id", flat=True)
    ) == {"neglect", "trafficking"}
    referral = Referral.objects.get(child=referred)
    assert referral.code and referral.history.filter(history_type="+").exists()
    assert referred.workflow_stage == "referred"
    assert closed.status == "closed"
    assert closed.history.order_by("history_id").last().status == "closed"
    assert AuditEvent.objects.filter(action=Action.CHANGE_CASE, object_code=closed.code).exists()
    caregiver = Caregiver.objects.get(caregiver_ref="CG-1")
    assert caregiver.code and caregiver.name_key
    assert caregiver.history.filter(history_type="+", history_user=country).exists()
    assert Household.objects.get(household_ref="HH-1").code


@pytest.mark.django_db
def test_records_saved_after_a_copy_get_new_ids(country, worker_tm, bulk):
    """COPY writes explicit ids drawn from the sequences: the next ordinary save must not
    collide with them."""
    result = run_import(sources([child_row("REF-1")], [caregiver_row()]), country)
    assert result.ok, result.issues
    copied = Child.objects.get(record_ref="REF-1")
    later = make_child(worker_tm)
    assert later.pk > copied.pk
    assert Caregiver.objects.count() >= 1
