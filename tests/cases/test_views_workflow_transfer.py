import pytest
from django.urls import reverse

from cases.models import Child, Transfer
from cases.services.transfer import request_transfer
from tests.cases._workflow import events, open_case

pytestmark = pytest.mark.django_db


def url(child, name):
    return reverse(f"cases:{name}", kwargs={"code": child.code})


def test_the_whole_transfer_through_the_pages(client, worker_tm, coord_tm, coord_sv, worker_sv):
    child = open_case(coord_tm, risk="high", first_name="Olena", last_name="Melnyk")
    client.force_login(coord_tm)
    assert "Ask another county" in client.get(url(child, "transfer")).content.decode()
    assert (
        client.post(
            url(child, "transfer"), {"to_county": "RO-SV", "reason": "The family moved."}
        ).status_code
        == 302
    )
    transfer = Transfer.objects.get()
    assert transfer.status == "pending"

    client.force_login(coord_sv)
    # Listed without the name; the case itself cannot be opened yet.
    listing = client.get(reverse("cases:transfers")).content.decode()
    assert child.code in listing and "Timiș" in listing
    assert "Olena" not in listing and "Melnyk" not in listing
    assert client.get(child.get_absolute_url()).status_code == 404
    decide = client.get(url(child, "accept_transfer")).content.decode()
    assert child.code in decide and "Olena" not in decide and "worker.sv" in decide
    response = client.post(url(child, "accept_transfer"), {"assign_to": worker_sv.pk})
    assert response.status_code == 302
    assert response["Location"] == child.get_absolute_url()
    child.refresh_from_db()
    assert child.current_county_id == "RO-SV" and child.assigned_to == worker_sv
    assert client.get(child.get_absolute_url()).status_code == 200

    client.force_login(coord_tm)
    assert client.get(child.get_absolute_url()).status_code == 404
    assert set(events(child, "transfer").values_list("details__step", flat=True)) == {
        "requested",
        "accepted",
    }


def test_sending_side_cannot_accept_its_own_request(client, worker_tm, coord_tm):
    child = open_case(worker_tm)
    request_transfer(child, worker_tm, "RO-SV")
    for user in (worker_tm, coord_tm):
        client.force_login(user)
        assert client.get(url(child, "accept_transfer")).status_code == 403
        assert client.post(url(child, "accept_transfer")).status_code == 403
        assert client.post(url(child, "refuse_transfer")).status_code == 403
    assert Transfer.objects.get().status == "pending"


def test_third_county_and_workers_of_the_receiving_county_get_404(
    client, worker_tm, worker_sv, request
):
    from tests.personas import make_user

    child = open_case(worker_tm)
    request_transfer(child, worker_tm, "RO-SV")
    coord_b = make_user("coord.b", "county_coordinator", "RO-B")
    for user in (worker_sv, coord_b):
        client.force_login(user)
        for name in ("accept_transfer", "refuse_transfer", "cancel_transfer", "transfer"):
            assert client.post(url(child, name)).status_code == 404
    child.refresh_from_db()
    assert child.current_county_id == "RO-TM"
    assert Transfer.objects.get().status == "pending"


def test_refuse_with_a_reason(client, worker_tm, coord_sv):
    child = open_case(worker_tm)
    request_transfer(child, worker_tm, "RO-SV")
    client.force_login(coord_sv)
    response = client.post(url(child, "refuse_transfer"), {"note": "Not at this address"})
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert transfer.status == "refused" and transfer.decision_note == "Not at this address"
    client.force_login(worker_tm)
    page = client.get(child.get_absolute_url()).content.decode()
    assert "Refused" in page and "Not at this address" in page


def test_worker_requests_and_withdraws(client, worker_tm, worker2_tm):
    child = open_case(worker_tm)
    client.force_login(worker_tm)
    client.post(url(child, "transfer"), {"to_county": "RO-SV", "reason": "The family moved."})
    page = client.get(child.get_absolute_url()).content.decode()
    assert "Waiting for Suceava to accept" in page
    assert child.code in client.get(reverse("cases:transfers")).content.decode()
    client.post(url(child, "cancel_transfer"))
    assert Transfer.objects.get().status == "cancelled"


def test_worker_who_does_not_carry_the_case_gets_403(client, worker_tm, worker_sv, coord_tm):
    from cases.services.sharing import share_case

    child = open_case(worker_tm)
    share_case(child, coord_tm, worker_sv)
    client.force_login(worker_sv)
    assert (
        client.post(
            url(child, "transfer"), {"to_county": "RO-SV", "reason": "The family moved."}
        ).status_code
        == 403
    )
    assert not Transfer.objects.exists()


def test_country_coordinator_transfers_directly(client, worker_tm, country, coord_sv):
    child = open_case(worker_tm)
    client.force_login(country)
    assert "move the case at once" in client.get(url(child, "transfer")).content.decode()
    client.post(url(child, "transfer"), {"to_county": "RO-SV", "reason": "The family moved."})
    child.refresh_from_db()
    assert child.current_county_id == "RO-SV"
    assert Child.objects.visible_to(coord_sv).filter(pk=child.pk).exists()


def test_country_coordinator_chooses_the_receiving_worker(
    client, worker_tm, worker2_tm, country, worker_sv
):
    child = open_case(worker_tm)
    client.force_login(country)
    page = client.get(url(child, "transfer"))
    choices = {str(pk) for pk, _label in page.context["form"].fields["assign_to"].choices if pk}
    assert str(worker_sv.pk) in choices
    # Workers of the county the case leaves are not offered.
    assert str(worker2_tm.pk) not in choices
    response = client.post(
        url(child, "transfer"),
        {"to_county": "RO-SV", "reason": "Moved.", "assign_to": worker_sv.pk},
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.current_county_id, child.assigned_to_id) == ("RO-SV", worker_sv.pk)
    assert Transfer.objects.get().assigned_to_id == worker_sv.pk


def test_country_coordinator_cannot_pick_a_worker_of_another_county(
    client, worker_tm, country, worker_sv
):
    child = open_case(worker_tm)
    client.force_login(country)
    response = client.post(
        url(child, "transfer"),
        {"to_county": "RO-CJ", "reason": "Moved.", "assign_to": worker_sv.pk},
    )
    assert response.status_code == 200
    assert "Choose a worker of the receiving county." in response.content.decode()
    child.refresh_from_db()
    assert child.current_county_id == "RO-TM"
    assert not Transfer.objects.exists()


def test_same_county_is_not_offered(client, worker_tm):
    child = open_case(worker_tm)
    client.force_login(worker_tm)
    response = client.post(url(child, "transfer"), {"to_county": "RO-TM"})
    assert response.status_code == 200
    assert not Transfer.objects.exists()


def test_wrong_methods(client, worker_tm, coord_sv):
    child = open_case(worker_tm)
    request_transfer(child, worker_tm, "RO-SV")
    client.force_login(coord_sv)
    assert client.get(url(child, "refuse_transfer")).status_code == 405
    assert client.post(reverse("cases:transfers")).status_code == 405
    client.force_login(worker_tm)
    assert client.get(url(child, "cancel_transfer")).status_code == 405
