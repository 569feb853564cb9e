"""The import closes, reopens, moves and edits cases through the browser's services: the
same ClosureRequest and Reopening rows, history reasons, stage rule, transfers and audit
events (docs/lifecycle.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from audit.models import Action, AuditEvent
from cases import reasons
from cases.models import ClosureRequest, Reopening, Transfer
from cases.services.closure import close_case, reopen_case
from cases.services.transfer import request_transfer
from cases.services.workflow import record_assessment
from imports import services
from imports.services import run_import
from tests.imports.helpers import caregiver_row, child_row, referral_row, sources

pytestmark = pytest.mark.django_db

CLOSED = {"status": "closed", "closed_on": "2023-08-01", "closure_reason": "left_romania"}


def _import(user, *rows, referrals=None):
    result = run_import(sources(list(rows), [caregiver_row()], referrals), user)
    assert result.ok, [str(i) for i in result.issues]
    return result


def _child(ref):
    from cases.models import Child

    return Child.objects.get(record_ref=ref)


def _closure(child):
    return list(
        ClosureRequest.objects.filter(child=child).values_list(
            "status", "closure_reason", "closed_on", "note", "requested_by", "decided_by"
        )
    )


def _history(child):
    """What each saved version says: type, author, reason, status, stage, schedule, version."""
    return [
        (
            h.history_type,
            h.history_user_id,
            h.history_change_reason,
            h.status,
            h.workflow_stage,
            h.next_follow_up_due,
            h.version,
        )
        for h in child.history.order_by("history_date", "history_id")
    ]


def _events(child):
    return list(
        AuditEvent.objects.filter(object_code=child.code)
        .order_by("id")
        .values_list("action", "user_id", "county_id", "details")
    )


def test_import_that_closes_a_case_leaves_the_rows_of_close_case(country):
    _import(country, child_row("BROWSER"), child_row("IMPORT"))
    browser = _child("BROWSER")
    close_case(browser, country, "left_romania", dt.date(2023, 8, 1))

    result = _import(country, child_row("BROWSER", **CLOSED), child_row("IMPORT", **CLOSED))
    assert result.counts_dict()["children"] == {"new": 0, "changed": 1, "unchanged": 1}

    imported, browser = _child("IMPORT"), _child("BROWSER")
    assert (
        _closure(imported)
        == _closure(browser)
        == [("approved", "left_romania", dt.date(2023, 8, 1), "", country.pk, country.pk)]
    )
    assert _history(imported) == _history(browser)
    assert imported.history.first().history_change_reason == reasons.encode(
        "closed", reason="left_romania"
    )
    assert _events(imported) == _events(browser)
    assert (imported.status, imported.workflow_stage, imported.next_follow_up_due) == (
        "closed",
        "closed",
        None,
    )


@pytest.mark.parametrize("bulk", [True, False])
def test_new_row_imported_closed_is_registered_then_closed_like_in_the_browser(
    country, monkeypatch, bulk
):
    """A new closed row: register_child, then close_case (batched by close_cases in bulk)."""
    monkeypatch.setattr(services, "BULK_MIN", 0 if bulk else 10**6)
    _import(country, child_row("BROWSER"))
    close_case(_child("BROWSER"), country, "left_romania", dt.date(2023, 8, 1))
    _import(country, child_row("IMPORT", **CLOSED))

    imported, browser = _child("IMPORT"), _child("BROWSER")
    assert _closure(imported) == _closure(browser)
    assert _history(imported) == _history(browser)
    assert [h[0] for h in _history(imported)] == ["+", "~"]
    assert _events(imported) == _events(browser)
    assert imported.closure_requests.get().history.get().history_user == country


def test_import_that_reopens_a_case_leaves_a_reopening_and_the_stage_of_reopen_case(country):
    """reopen_case resumes at the furthest stage the records show (here: assessed); the
    import's own rule (referred or registered) is gone."""
    _import(country, child_row("BROWSER"), child_row("IMPORT"))
    for ref in ("BROWSER", "IMPORT"):
        record_assessment(_child(ref), country, assessed_on=dt.date(2023, 6, 1), risk_level="low")
    _import(country, child_row("BROWSER", **CLOSED), child_row("IMPORT", **CLOSED))
    reopen_case(_child("BROWSER"), country, "import")

    result = _import(country, child_row("BROWSER"), child_row("IMPORT"))
    assert result.counts_dict()["children"] == {"new": 0, "changed": 1, "unchanged": 1}

    imported, browser = _child("IMPORT"), _child("BROWSER")
    reopening = Reopening.objects.get(child=imported)
    assert (
        reopening.reopened_by,
        reopening.previous_closure_reason,
        reopening.previous_closed_on,
        reopening.reason,
    ) == (country, "left_romania", dt.date(2023, 8, 1), "import")
    assert imported.workflow_stage == browser.workflow_stage == "assessed"
    assert imported.next_follow_up_due == browser.next_follow_up_due
    assert _history(imported) == _history(browser)
    assert imported.history.first().history_change_reason == reasons.encode("reopened")
    assert _events(imported) == _events(browser)


def test_import_close_withdraws_a_pending_transfer(country, coord_tm):
    _import(country, child_row())
    transfer = request_transfer(_child("REF-1"), coord_tm, "RO-SV")

    _import(country, child_row(**CLOSED))

    transfer.refresh_from_db()
    assert transfer.status == "cancelled" and transfer.decided_by == country
    steps = AuditEvent.objects.filter(action=Action.TRANSFER, details__step="cancelled_on_closure")
    assert {e.county_id for e in steps} == {"RO-TM", "RO-SV"}


def test_import_that_moves_a_case_transfers_it(country):
    _import(country, child_row())
    _import(country, child_row(current_county="RO-SV"))
    child = _child("REF-1")
    transfer = Transfer.objects.get(child=child)
    assert (transfer.status, transfer.from_county_id, transfer.to_county_id) == (
        "accepted",
        "RO-TM",
        "RO-SV",
    )
    assert child.current_county_id == "RO-SV"
    assert child.history.first().history_change_reason.startswith("transfer ")
    assert transfer.new_locality == child.current_locality


def test_changed_answers_are_an_edit_with_its_reason(country):
    _import(country, child_row())
    _import(
        country, child_row(current_locality="Lugoj", risk_level="medium", risk_justification="X")
    )
    child = _child("REF-1")
    latest = child.history.first()
    assert latest.history_change_reason == reasons.encode(
        "edit", fields="current_locality,risk_justification,risk_level"
    )
    event = AuditEvent.objects.filter(object_code=child.code, action=Action.CHANGE_CASE).get()
    assert event.details == {
        "fields": ["current_locality", "risk_justification", "risk_level"],
        "version": 2,
    }


def test_existing_case_gaining_a_referral_is_marked_referred(country):
    _import(country, child_row())
    _import(country, child_row(), referrals=[referral_row()])
    child = _child("REF-1")
    assert child.workflow_stage == "referred"
    assert child.history.first().history_change_reason == reasons.encode("referred")


def _refused(user, *rows):
    from cases.models import Child

    before = list(Child.objects.order_by("pk").values_list("pk", "version", "status"))
    result = run_import(sources(list(rows), [caregiver_row()]), user)
    assert not result.applied
    assert list(Child.objects.order_by("pk").values_list("pk", "version", "status")) == before
    return [(i.line, i.column, i.code) for i in result.issues]


def test_closing_a_case_with_a_pending_closure_request_is_an_error(country, worker_tm):
    _import(country, child_row(risk_level="high", risk_justification="Alone at night."))
    child = _child("REF-1")
    close_case(child, worker_tm, "needs_met", dt.date(2023, 8, 1))  # waits for approval
    rows = (
        child_row("NEW-1"),
        child_row(risk_level="high", risk_justification="Alone at night.", **CLOSED),
    )
    assert _refused(country, *rows) == [(3, "status", "closure_pending")]
    from cases.models import Child

    assert not Child.objects.filter(record_ref="NEW-1").exists()
    # The preview says it too.
    preview = run_import(sources(list(rows), [caregiver_row()]), country, dry_run=True)
    assert [i.code for i in preview.issues] == ["closure_pending"]


def test_moving_a_case_with_a_pending_transfer_is_an_error(country, coord_tm):
    _import(country, child_row())
    request_transfer(_child("REF-1"), coord_tm, "RO-SV")
    assert _refused(country, child_row(current_county="RO-SV")) == [
        (2, "current_county", "transfer_pending")
    ]


def test_moving_a_closed_case_is_an_error(country):
    _import(country, child_row(**CLOSED))
    assert _refused(country, child_row(current_county="RO-SV", **CLOSED)) == [
        (2, "current_county", "closed_moves")
    ]


def test_anonymous_record_is_edited_without_a_transfer(country):
    from tests.imports.helpers import anonymous_row

    _import(country, anonymous_row())
    _import(country, anonymous_row(current_county="RO-SV", age_group="14-17"))
    record = _child("ANON-1")
    assert (record.current_county_id, record.age_group, record.version) == ("RO-SV", "14-17", 2)
    assert not Transfer.objects.exists()
    assert record.history.first().history_change_reason == reasons.encode(
        "edit", fields="age_group,current_county"
    )
