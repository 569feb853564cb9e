import pytest
from django.urls import reverse

from cases.models import Child
from tests.cases._workflow import events, open_case

pytestmark = pytest.mark.django_db


def url(child):
    return reverse("cases:assign", kwargs={"code": child.code})


def test_coordinator_assigns_and_the_worker_sees_it_on_the_home_page(
    client, worker_tm, worker2_tm, coord_tm
):
    child = open_case(coord_tm)
    client.force_login(coord_tm)
    page = client.get(url(child)).content.decode()
    assert "worker2.tm" in page and "worker.sv" not in page
    response = client.post(url(child), {"worker": worker2_tm.pk})
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.assigned_to == worker2_tm
    assert events(child, "change_case", event="assigned").count() == 1
    client.force_login(worker2_tm)
    home = client.get(reverse("home")).content.decode()
    assert "Newly assigned or shared with me" in home and child.code in home
    assert client.get(child.get_absolute_url()).status_code == 200


def test_reassign_to_nobody(client, coord_tm, worker_tm):
    child = open_case(worker_tm)
    client.force_login(coord_tm)
    client.post(url(child), {"worker": worker_tm.pk})
    client.post(url(child), {"worker": ""})
    child.refresh_from_db()
    assert child.assigned_to is None


def test_field_worker_gets_403(client, worker_tm, worker2_tm):
    child = open_case(worker_tm)
    client.force_login(worker_tm)
    assert client.get(url(child)).status_code == 403
    assert client.post(url(child), {"worker": worker2_tm.pk}).status_code == 403
    child.refresh_from_db()
    assert child.assigned_to is None
    assert "Assign or reassign" not in client.get(child.get_absolute_url()).content.decode()


def test_other_county_coordinator_gets_404_even_with_a_forged_post(client, worker_tm, coord_sv):
    child = open_case(worker_tm)
    client.force_login(coord_sv)
    assert client.post(url(child), {"worker": worker_tm.pk}).status_code == 404
    child.refresh_from_db()
    assert child.version == 1


def test_worker_of_another_county_cannot_be_chosen(client, worker_tm, worker_sv, country):
    child = open_case(worker_tm)
    client.force_login(country)
    response = client.post(url(child), {"worker": worker_sv.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Child.objects.filter(assigned_to=worker_sv).exists()


def test_wrong_method(client, coord_tm, worker_tm):
    child = open_case(worker_tm)
    client.force_login(coord_tm)
    assert client.delete(url(child)).status_code == 405
