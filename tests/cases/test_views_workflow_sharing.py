import pytest
from django.urls import reverse

from cases.models import Child
from cases.services.sharing import share_case
from tests.cases._workflow import events, open_case

pytestmark = pytest.mark.django_db


def url(child, name="share"):
    return reverse(f"cases:{name}", kwargs={"code": child.code})


def visible(user, child):
    return Child.objects.visible_to(user).filter(pk=child.pk).exists()


def test_coordinator_shares_then_revokes(client, worker_tm, coord_tm, worker_sv):
    child = open_case(worker_tm)
    client.force_login(coord_tm)
    page = client.get(url(child)).content.decode()
    assert "worker.sv" in page and "worker.tm" not in page
    assert client.post(url(child), {"user": worker_sv.pk}).status_code == 302
    assert visible(worker_sv, child)
    panel = client.get(child.get_absolute_url()).content.decode()
    assert "Revoke" in panel and "worker.sv" in panel
    client.force_login(worker_sv)
    assert client.get(child.get_absolute_url()).status_code == 200
    client.force_login(coord_tm)
    assert client.post(url(child, "unshare"), {"user": worker_sv.pk}).status_code == 302
    assert not visible(worker_sv, child)
    assert list(events(child, "share").values_list("details__step", flat=True)) == [
        "revoked",
        "granted",
    ]


def test_field_worker_and_shared_user_get_403(client, worker_tm, coord_tm, worker_sv, coord_sv):
    child = open_case(worker_tm)
    share_case(child, coord_tm, coord_sv)
    for user in (worker_tm, coord_sv):
        client.force_login(user)
        assert client.post(url(child), {"user": worker_sv.pk}).status_code == 403
        assert client.post(url(child, "unshare"), {"user": coord_sv.pk}).status_code == 403
    assert not visible(worker_sv, child)
    assert visible(coord_sv, child)


def test_other_county_gets_404(client, worker_tm, coord_sv, worker_sv):
    child = open_case(worker_tm)
    client.force_login(coord_sv)
    assert client.post(url(child), {"user": worker_sv.pk}).status_code == 404
    assert not visible(worker_sv, child)
    assert not events(child, "share").exists()


def test_wrong_method(client, worker_tm, coord_tm):
    child = open_case(worker_tm)
    client.force_login(coord_tm)
    assert client.get(url(child, "unshare")).status_code == 405
    assert client.delete(url(child)).status_code == 405


def test_sharing_a_closed_case_is_refused_but_revoking_works(
    client, worker_tm, coord_tm, worker_sv
):
    from cases.services.closure import close_case
    from tests.cases._workflow import TODAY

    child = open_case(worker_tm)
    share_case(child, coord_tm, worker_sv)
    close_case(child, coord_tm, "returned_ukraine", TODAY())
    client.force_login(coord_tm)
    assert client.get(url(child)).status_code == 403
    assert client.post(url(child), {"user": worker_sv.pk}).status_code == 403
    assert client.post(url(child, "unshare"), {"user": worker_sv.pk}).status_code == 302
    assert not visible(worker_sv, child)
