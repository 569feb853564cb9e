import datetime as dt

import pytest
from django.urls import reverse

from cases.models import ClosureRequest
from cases.services.closure import close_case
from tests.cases._workflow import TODAY, events, open_case

pytestmark = pytest.mark.django_db


def url(child, name):
    return reverse(f"cases:{name}", kwargs={"code": child.code})


def close_post(**extra):
    return {"closure_reason": "left_romania", "closed_on": TODAY().isoformat(), **extra}


def test_worker_closes_a_low_risk_case(client, worker_tm):
    child = open_case(worker_tm, risk="low")
    client.force_login(worker_tm)
    page = client.get(url(child, "close")).content.decode()
    assert "Left Romania" in page  # the lookup labels
    response = client.post(url(child, "close"), close_post(note="Moved on"))
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.status == "closed" and child.next_follow_up_due is None
    page = client.get(child.get_absolute_url()).content.decode()
    assert "The case was closed." in page
    assert "Reopen the case" in page
    assert events(child, "change_case", event="closed").exists()


def test_worker_asks_to_close_a_high_risk_case_and_the_coordinator_approves(
    client, worker_tm, coord_tm
):
    child = open_case(worker_tm, risk="high")
    client.force_login(worker_tm)
    assert "Ask for approval" in client.get(url(child, "close")).content.decode()
    client.post(url(child, "close"), close_post())
    child.refresh_from_db()
    assert child.status == "open"
    page = client.get(child.get_absolute_url()).content.decode()
    assert "asked to close the case" in page
    assert "Approve the closure" not in page
    # The worker cannot approve their own request.
    assert client.post(url(child, "approve_closure")).status_code == 403
    assert client.post(url(child, "reject_closure")).status_code == 403
    client.force_login(coord_tm)
    assert "Approve the closure" in client.get(child.get_absolute_url()).content.decode()
    assert client.get(url(child, "approve_closure")).status_code == 405
    assert client.post(url(child, "approve_closure")).status_code == 302
    child.refresh_from_db()
    assert child.status == "closed"
    assert ClosureRequest.objects.get().decided_by == coord_tm


def test_coordinator_rejects_with_a_reason(client, worker_tm, coord_tm):
    child = open_case(worker_tm, risk="high")
    close_case(child, worker_tm, "needs_met", TODAY())
    client.force_login(coord_tm)
    client.post(url(child, "reject_closure"), {"note": "Still at risk"})
    closure = ClosureRequest.objects.get()
    assert closure.status == "rejected" and closure.decision_note == "Still at risk"
    child.refresh_from_db()
    assert child.status == "open"
    # Nothing left to approve: a message, not a crash.
    response = client.post(url(child, "approve_closure"), follow=True)
    assert "No request to close this case is waiting." in response.content.decode()


@pytest.mark.parametrize("persona", ["coord_sv", "worker_sv"])
def test_other_county_gets_404_and_changes_nothing(client, worker_tm, persona, request):
    child = open_case(worker_tm, risk="high")
    close_case(child, worker_tm, "needs_met", TODAY())
    client.force_login(request.getfixturevalue(persona))
    for name in ("close", "approve_closure", "reject_closure", "withdraw_closure", "reopen"):
        assert client.post(url(child, name), close_post(reason="x")).status_code == 404
    assert ClosureRequest.objects.get().status == "pending"
    child.refresh_from_db()
    assert child.status == "open"


def test_closure_date_before_registration_is_an_error(client, worker_tm):
    child = open_case(worker_tm)
    client.force_login(worker_tm)
    before = (child.registration_date - dt.timedelta(days=1)).isoformat()
    response = client.post(url(child, "close"), close_post(closed_on=before))
    assert response.status_code == 200
    assert "before the registration date" in response.content.decode()
    assert not ClosureRequest.objects.exists()


def test_reopen(client, worker_tm):
    child = open_case(worker_tm, risk="medium")
    close_case(child, worker_tm, "lost_contact", TODAY())
    client.force_login(worker_tm)
    assert client.post(url(child, "reopen"), {"reason": ""}).status_code == 200
    response = client.post(url(child, "reopen"), {"reason": "The family called again"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.status == "open"
    assert child.next_follow_up_due == TODAY() + dt.timedelta(days=30)
    # An open case cannot be reopened: 403.
    assert client.get(url(child, "reopen")).status_code == 403
    assert client.put(url(child, "close")).status_code == 405


def test_requester_withdraws_the_closure_request(client, worker_tm, coord_tm):
    child = open_case(worker_tm, risk="high")
    close_case(child, worker_tm, "needs_met", TODAY())
    client.force_login(coord_tm)
    assert client.post(url(child, "withdraw_closure")).status_code == 403
    client.force_login(worker_tm)
    assert "Withdraw the request" in client.get(child.get_absolute_url()).content.decode()
    assert client.get(url(child, "withdraw_closure")).status_code == 405
    assert client.post(url(child, "withdraw_closure")).status_code == 302
    assert ClosureRequest.objects.get().status == "withdrawn"
    assert events(child, "change_case", event="closure_withdrawn").count() == 1
    child.refresh_from_db()
    assert child.status == "open"
    # Nothing left to withdraw: a message.
    response = client.post(url(child, "withdraw_closure"), follow=True)
    assert "No request to close this case is waiting." in response.content.decode()
