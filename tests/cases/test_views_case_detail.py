import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import make_child

pytestmark = pytest.mark.django_db


def test_worker_opens_own_case_and_the_look_is_audited(client, worker_tm):
    case = make_child(worker_tm)
    client.force_login(worker_tm)
    response = client.get(case.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert case.code in response.content.decode()
    event = AuditEvent.objects.get(action="view_case", object_code=case.code)
    assert event.username == "worker.tm"
    assert event.ip_address == "10.1.2.3"
    assert event.county_id == "RO-TM"


@pytest.mark.parametrize("persona", ["worker_sv", "coord_sv", "worker2_tm"])
def test_users_who_may_not_open_the_case_get_404(client, worker_tm, persona, request):
    case = make_child(worker_tm)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(case.get_absolute_url()).status_code == 404
    assert not AuditEvent.objects.filter(action="view_case").exists()


def test_unknown_code_gets_the_same_404(client, coord_tm):
    client.force_login(coord_tm)
    assert client.get(reverse("cases:detail", kwargs={"code": "C-NOPE123"})).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, worker_tm):
    case = make_child(worker_tm)
    response = client.get(case.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert case.code not in response["Location"] or "next=" in response["Location"]


def test_post_is_not_allowed(client, worker_tm):
    case = make_child(worker_tm)
    client.force_login(worker_tm)
    assert client.post(case.get_absolute_url()).status_code == 405
