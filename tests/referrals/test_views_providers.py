import pytest
from django.urls import reverse

from referrals.models import ServiceProvider
from tests.referrals.conftest import make_provider

pytestmark = pytest.mark.django_db

LIST = reverse("referrals:providers")
NEW = reverse("referrals:provider_create")


def _edit(provider):
    return reverse("referrals:provider_edit", kwargs={"code": provider.code})


def _active(provider):
    return reverse("referrals:provider_set_active", kwargs={"code": provider.code})


def _form(**overrides):
    data = {
        "name": "Asociația Alpha",
        "kind": "private",
        "county": "RO-TM",
        "service_types": ["mhpss", "education"],
        "contact_person": "Ioana Ionescu",
        "phone": "0256 123 456",
        "email": "contact@alpha.example",
        "address": "Str. Mare 1, Timișoara",
    }
    data.update(overrides)
    return data


# ------------------------------------------------------------ list and search


@pytest.mark.parametrize("persona", ["worker_tm", "worker_sv", "coord_sv", "country"])
def test_every_user_sees_the_directory_of_every_county(client, persona, request):
    make_provider("RO-TM", ("health",), name="Spitalul Județean Timiș")
    make_provider("RO-SV", ("education",), name="Școala Siret")
    client.force_login(request.getfixturevalue(persona))
    page = client.get(LIST).content.decode()
    assert "Spitalul Județean Timiș" in page
    assert "Școala Siret" in page
    assert "Health care" in page
    assert "0256 000 000" in page


def test_search_by_name_service_and_county(client, worker_tm):
    make_provider("RO-TM", ("health",), name="Spitalul Județean Timiș")
    make_provider("RO-TM", ("education",), name="Școala Lugoj")
    make_provider("RO-SV", ("education",), name="Școala Siret")
    client.force_login(worker_tm)
    page = client.get(LIST, {"q": "spital"}).content.decode()
    assert "Spitalul Județean Timiș" in page and "Școala" not in page
    page = client.get(LIST, {"service_type": "education"}).content.decode()
    assert "Școala Lugoj" in page and "Școala Siret" in page and "Spitalul" not in page
    page = client.get(LIST, {"service_type": "education", "county": "RO-SV"}).content.decode()
    assert "Școala Siret" in page and "Școala Lugoj" not in page


def test_inactive_providers_are_hidden_unless_asked(client, worker_tm):
    make_provider("RO-TM", ("health",), name="Old Clinic", active=False)
    client.force_login(worker_tm)
    assert "Old Clinic" not in client.get(LIST).content.decode()
    assert "Old Clinic" in client.get(LIST, {"inactive": "on"}).content.decode()


def test_field_worker_sees_no_management_links(client, worker_tm, coord_tm):
    provider = make_provider("RO-TM")
    client.force_login(worker_tm)
    page = client.get(LIST).content.decode()
    assert _edit(provider) not in page and NEW not in page
    client.force_login(coord_tm)
    page = client.get(LIST).content.decode()
    assert _edit(provider) in page and NEW in page


def test_list_is_get_only(client, worker_tm):
    client.force_login(worker_tm)
    assert client.post(LIST).status_code == 405


# ------------------------------------------------------------ create


def test_county_coordinator_adds_a_provider_of_their_county(client, coord_tm):
    client.force_login(coord_tm)
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, _form())
    assert response.status_code == 302
    provider = ServiceProvider.objects.get(name="Asociația Alpha")
    assert provider.county_id == "RO-TM"
    assert provider.service_types == ["mhpss", "education"]
    assert provider.active
    assert provider.history.get().history_user == coord_tm


def test_county_coordinator_cannot_add_in_another_county(client, coord_tm):
    client.force_login(coord_tm)
    response = client.post(NEW, _form(county="RO-SV"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ServiceProvider.objects.exists()


def test_country_coordinator_adds_anywhere(client, country):
    client.force_login(country)
    client.post(NEW, _form(county="RO-SV"))
    assert ServiceProvider.objects.get().county_id == "RO-SV"


def test_provider_needs_a_service(client, coord_tm):
    client.force_login(coord_tm)
    response = client.post(NEW, _form(service_types=[]))
    assert response.status_code == 200
    assert not ServiceProvider.objects.exists()


def test_field_worker_may_not_add_403(client, worker_tm):
    client.force_login(worker_tm)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _form()).status_code == 403
    assert not ServiceProvider.objects.exists()


def test_create_wrong_method_is_405(client, coord_tm):
    client.force_login(coord_tm)
    assert client.put(NEW).status_code == 405


# ------------------------------------------------------------ edit and deactivate


def test_coordinator_edits_a_provider_of_their_county(client, coord_tm):
    provider = make_provider("RO-TM", ("health",))
    client.force_login(coord_tm)
    page = client.get(_edit(provider)).content.decode()
    assert provider.name in page
    client.post(_edit(provider), _form(name="Renamed", service_types=["health", "gbv"]))
    provider.refresh_from_db()
    assert provider.name == "Renamed"
    assert provider.service_types == ["health", "gbv"]
    assert provider.history.count() == 2
    assert provider.history.first().history_user == coord_tm


@pytest.mark.parametrize("persona", ["worker_tm", "coord_sv"])
def test_others_may_not_edit_or_deactivate_403(client, persona, request):
    provider = make_provider("RO-TM")
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_edit(provider)).status_code == 403
    assert client.post(_edit(provider), _form(name="Hijacked")).status_code == 403
    assert client.post(_active(provider), {"active": "0"}).status_code == 403
    provider.refresh_from_db()
    assert provider.name != "Hijacked" and provider.active


def test_unknown_provider_is_404(client, coord_tm):
    client.force_login(coord_tm)
    url = reverse("referrals:provider_edit", kwargs={"code": "S-NOPE00"})
    assert client.get(url).status_code == 404


def test_deactivate_and_reactivate(client, coord_tm):
    provider = make_provider("RO-TM")
    client.force_login(coord_tm)
    response = client.post(_active(provider), {"active": "0"}, follow=True)
    assert "deactivated" in response.content.decode()
    provider.refresh_from_db()
    assert not provider.active
    assert provider.history.first().history_user == coord_tm
    client.post(_active(provider), {"active": "1"})
    provider.refresh_from_db()
    assert provider.active


def test_country_coordinator_deactivates_anywhere(client, country):
    provider = make_provider("RO-SV")
    client.force_login(country)
    client.post(_active(provider), {"active": "0"})
    provider.refresh_from_db()
    assert not provider.active


def test_deactivate_is_post_only(client, coord_tm):
    provider = make_provider("RO-TM")
    client.force_login(coord_tm)
    assert client.get(_active(provider)).status_code == 405
    assert client.put(_edit(provider)).status_code == 405
