import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import services
from tests.factories import make_child
from tests.referrals.conftest import make_provider

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LIST = reverse("referrals:list")


def _refer(user, service="health", days_ago=1, seed=1, county=None, provider=None):
    child = make_child(
        user, county=county, seed=seed, consent_share_providers=True, services_needed=[]
    )
    return services.create_referral(
        child,
        user,
        service_type=service,
        referred_on=TODAY - dt.timedelta(days=days_ago),
        provider=provider,
    )


@pytest.fixture
def referrals(worker_tm, worker2_tm, worker_sv):
    return {
        "mine": _refer(worker_tm, seed=1),
        "colleague": _refer(worker2_tm, seed=2, service="education"),
        "suceava": _refer(worker_sv, seed=3, service="legal_documentation"),
    }


def test_worker_sees_the_referrals_of_their_cases_only(client, worker_tm, referrals):
    client.force_login(worker_tm)
    page = client.get(LIST).content.decode()
    assert referrals["mine"].code in page
    assert referrals["colleague"].code not in page
    assert referrals["suceava"].code not in page


def test_county_coordinator_sees_the_county(client, coord_tm, referrals):
    client.force_login(coord_tm)
    page = client.get(LIST).content.decode()
    assert referrals["mine"].code in page
    assert referrals["colleague"].code in page
    assert referrals["suceava"].code not in page


def test_country_coordinator_sees_every_county_and_filters_by_county(client, country, referrals):
    client.force_login(country)
    page = client.get(LIST).content.decode()
    assert all(r.code in page for r in referrals.values())
    page = client.get(LIST, {"county": "RO-SV"}).content.decode()
    assert referrals["suceava"].code in page and referrals["mine"].code not in page


def test_filters_by_status_service_and_provider(client, coord_tm, worker_tm):
    provider = make_provider("RO-TM", ("health",))
    with_provider = _refer(worker_tm, seed=4, provider=provider)
    accepted = services.accept_referral(_refer(worker_tm, seed=5), worker_tm)
    education = _refer(worker_tm, seed=6, service="education")
    client.force_login(coord_tm)
    page = client.get(LIST, {"status": "accepted"}).content.decode()
    assert accepted.code in page and with_provider.code not in page
    page = client.get(LIST, {"service_type": "education"}).content.decode()
    assert education.code in page and accepted.code not in page
    page = client.get(LIST, {"provider": provider.code}).content.decode()
    assert with_provider.code in page and education.code not in page


def test_a_filter_cannot_widen_the_scope(client, worker_tm, referrals):
    client.force_login(worker_tm)
    page = client.get(LIST, {"county": "RO-SV"}).content.decode()
    assert referrals["suceava"].code not in page


def test_pending_more_than_14_days_is_highlighted(client, worker_tm):
    old = _refer(worker_tm, seed=7, days_ago=20)
    fresh = _refer(worker_tm, seed=8, days_ago=3)
    client.force_login(worker_tm)
    response = client.get(LIST)
    page = response.content.decode()
    assert "pending too long" in page
    assert response.context["overdue_count"] == 1
    overdue_rows = [r.code for r in response.context["page"] if r.overdue]
    assert overdue_rows == [old.code]
    page = client.get(LIST, {"overdue": "on"}).content.decode()
    assert old.code in page and fresh.code not in page


def test_alternative_care_is_flagged_to_the_county_coordinator(client, worker_tm, coord_tm):
    placement = _refer(worker_tm, seed=9, service="alternative_care")
    _refer(worker_tm, seed=10, service="health")
    client.force_login(coord_tm)
    response = client.get(LIST)
    page = response.content.decode()
    assert response.context["flagged"] == [placement]
    assert "1 to alternative care" in page
    assert 'id="alternative-care"' in page
    # A closed one is no longer flagged.
    services.decline_referral(placement, worker_tm)
    response = client.get(LIST)
    assert response.context["flagged"] == []


def test_alternative_care_flag_is_not_shown_to_other_counties(client, worker_tm, coord_sv):
    _refer(worker_tm, seed=9, service="alternative_care")
    client.force_login(coord_sv)
    response = client.get(LIST)
    assert response.context["flagged"] == []
    assert 'id="alternative-care"' not in response.content.decode()


def test_list_is_get_only(client, worker_tm):
    client.force_login(worker_tm)
    assert client.post(LIST).status_code == 405


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_coordinator_filters_by_worker(client, coord_tm, worker_tm, referrals):
    client.force_login(coord_tm)
    response = client.get(LIST, {"worker": worker_tm.username})
    page = response.content.decode()
    assert referrals["mine"].code in page
    assert referrals["colleague"].code not in page
    assert "Ana Popescu" in page


def test_worker_has_no_worker_filter(client, worker_tm, referrals):
    client.force_login(worker_tm)
    response = client.get(LIST, {"worker": "worker2.tm"})
    assert "worker" not in response.context["form"].fields
    assert referrals["mine"].code in response.content.decode()
