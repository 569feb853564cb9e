"""Transfers carry context (issue 12): a reason and the new locality/address, shown to the
receiving coordinator; on acceptance the case lives where the request said."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Transfer
from cases.services.transfer import accept_transfer, request_transfer, transfer_case
from tests.cases._workflow import events, open_case

pytestmark = pytest.mark.django_db


def url(child, name):
    return reverse(f"cases:{name}", kwargs={"code": child.code})


def test_accepting_moves_the_locality_and_address_to_what_the_request_said(worker_tm, coord_sv):
    child = open_case(worker_tm, current_locality="Lugoj", current_address="Str. Mare 1")
    transfer = request_transfer(
        child,
        worker_tm,
        "RO-SV",
        reason="  The mother found work.  ",
        new_locality=" Rădăuți ",
        new_address="Str. Putnei 4",
    )
    assert (transfer.reason, transfer.new_locality) == ("The mother found work.", "Rădăuți")
    accept_transfer(transfer, coord_sv)
    child.refresh_from_db()
    assert (child.current_county_id, child.current_locality, child.current_address) == (
        "RO-SV",
        "Rădăuți",
        "Str. Putnei 4",
    )
    # The case's history keeps the old county's locality and the new one.
    before, after = child.history.order_by("-history_id")[1], child.history.latest("history_id")
    assert (before.current_locality, after.current_locality) == ("Lugoj", "Rădăuți")
    assert Transfer.history.filter(reason="The mother found work.").exists()


def test_without_a_locality_the_old_countys_is_not_kept(worker_tm, coord_sv):
    child = open_case(worker_tm, current_locality="Lugoj", current_address="Str. Mare 1")
    accept_transfer(request_transfer(child, worker_tm, "RO-SV", reason="Moved"), coord_sv)
    child.refresh_from_db()
    assert (child.current_locality, child.current_address) == ("", "")


def test_the_receiving_coordinator_may_correct_the_locality(worker_tm, coord_sv):
    child = open_case(worker_tm)
    transfer = request_transfer(child, worker_tm, "RO-SV", reason="x", new_locality="Radauti")
    accept_transfer(transfer, coord_sv, new_locality="Rădăuți", new_address="")
    child.refresh_from_db()
    transfer.refresh_from_db()
    assert child.current_locality == transfer.new_locality == "Rădăuți"


def test_a_direct_transfer_applies_the_locality_at_once(worker_tm, country):
    child = open_case(worker_tm, current_locality="Lugoj")
    transfer_case(child, country, "RO-SV", reason="Court order", new_locality="Suceava")
    child.refresh_from_db()
    assert (child.current_county_id, child.current_locality) == ("RO-SV", "Suceava")


def test_a_locality_too_long_is_refused_and_nothing_is_written(worker_tm):
    from django.core.exceptions import ValidationError

    child = open_case(worker_tm)
    with pytest.raises(ValidationError) as exc:
        request_transfer(child, worker_tm, "RO-SV", reason="x", new_locality="a" * 101)
    assert "new_locality" in exc.value.error_dict
    assert not Transfer.objects.exists()


def test_the_request_page_needs_a_reason(client, worker_tm):
    child = open_case(worker_tm)
    client.force_login(worker_tm)
    response = client.post(url(child, "transfer"), {"to_county": "RO-SV", "reason": " "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Transfer.objects.exists()
    response = client.post(
        url(child, "transfer"),
        {"to_county": "RO-SV", "reason": "Moved to family", "new_locality": "Rădăuți"},
    )
    assert response.status_code == 302
    assert Transfer.objects.get().new_locality == "Rădăuți"
    assert events(child, "transfer", step="requested").exists()


def test_the_decision_page_shows_the_context_without_the_name(client, worker_tm, coord_sv):
    child = open_case(worker_tm, risk="high", first_name="Olena", last_name="Melnyk")
    request_transfer(
        child,
        worker_tm,
        "RO-SV",
        reason="The family moved in with the grandmother.",
        new_locality="Rădăuți",
        new_address="Str. Putnei 4",
    )
    client.force_login(coord_sv)
    page = client.get(url(child, "accept_transfer")).content.decode()
    for text in ("The family moved in with the grandmother.", "Rădăuți", "Str. Putnei 4"):
        assert text in page
    assert "What you need to decide" in page and "Follow-ups recorded" in page
    assert "Olena" not in page and "Melnyk" not in page
    # The locality is pre-filled in the acceptance form, and what is posted is applied.
    assert 'value="Rădăuți"' in page
    response = client.post(
        url(child, "accept_transfer"), {"new_locality": "Rădăuți", "new_address": "Str. Putnei 5"}
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.current_locality, child.current_address) == ("Rădăuți", "Str. Putnei 5")
