"""Found by the acceptance review: the refer page in Romanian and Ukrainian, and the
provider lookup of the SQLite fallback (the app runs on SQLite too)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from referrals import services
from referrals.models import Referral, ServiceProvider
from tests.factories import make_child
from tests.referrals.conftest import make_provider

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _date_value(page: str, name: str) -> str:
    match = re.search(rf'<input type="date" name="{name}" value="([^"]*)"', page)
    return match.group(1) if match else ""


@pytest.mark.parametrize("lang", ["ro", "uk", "en"])
def test_refer_page_offers_today_as_the_referral_date_in_every_language(
    client, worker_tm, provider_tm, lang
):
    # <input type="date"> shows nothing for 26.11.2026: the value must stay ISO, or the
    # worker has to type the date and the referral is no longer two clicks.
    child = make_child(worker_tm, consent_share_providers=True, services_needed=[])
    client.force_login(worker_tm)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    url = reverse("referrals:refer", kwargs={"case_code": child.code}) + "?service_type=mhpss"
    page = client.get(url).content.decode()
    assert _date_value(page, "referred_on") == TODAY.isoformat()


def test_confirming_the_prefilled_romanian_page_creates_the_referral(
    client, worker_tm, provider_tm
):
    child = make_child(worker_tm, consent_share_providers=True, services_needed=[])
    client.force_login(worker_tm)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ro"
    url = reverse("referrals:refer", kwargs={"case_code": child.code})
    page = client.get(url + "?service_type=mhpss").content.decode()
    response = client.post(
        url,
        {
            "service_type": "mhpss",
            "provider": provider_tm.pk,
            "referred_on": _date_value(page, "referred_on"),
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get(child=child).referred_on == TODAY


def test_sqlite_fallback_finds_providers_on_a_select_related_queryset(db):
    # provider_options() passes a select_related() queryset; only() refused that and the
    # refer page answered 500 on SQLite.
    health = make_provider("RO-TM", ("health", "mhpss"), name="Health TM")
    make_provider("RO-TM", ("education",), name="School TM")
    qs = ServiceProvider.objects.filter(active=True).select_related("county")
    found = services.offering_without_json_contains(qs, "health")
    assert [p.name for p in found] == [health.name]
    assert found[0].county.name  # still usable with its county
    assert list(services.offering_without_json_contains(qs, "gbv")) == []
