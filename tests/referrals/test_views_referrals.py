import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from referrals import services
from referrals.models import Referral
from tests.factories import make_child

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
OUT_OF_SCOPE = ["worker_sv", "coord_sv", "worker2_tm"]


def _child(user, **overrides):
    overrides.setdefault("consent_share_providers", True)
    overrides.setdefault("services_needed", [])
    return make_child(user, **overrides)


def _refer_url(child, service=None):
    url = reverse("referrals:refer", kwargs={"case_code": child.code})
    return f"{url}?service_type={service}" if service else url


# ------------------------------------------------------------ case page panel


def test_case_page_lists_referrals_and_offers_refer(client, worker_tm, provider_tm):
    child = _child(worker_tm, services_needed=["health"])
    client.force_login(worker_tm)
    page = client.get(child.get_absolute_url()).content.decode()
    assert "Referrals" in page
    assert "Health care" in page
    assert f'action="{_refer_url(child)}"' in page
    assert '<option value="alternative_care">' in page


def test_case_page_explains_missing_consent(client, worker_tm):
    child = _child(worker_tm, consent_share_providers=False)
    client.force_login(worker_tm)
    page = client.get(child.get_absolute_url()).content.decode()
    assert "No consent to share data with service providers" in page


# ------------------------------------------------------------ refer (the two clicks)


def test_refer_page_offers_local_providers_only(client, worker_tm, provider_tm, provider_sv):
    child = _child(worker_tm)
    client.force_login(worker_tm)
    page = client.get(_refer_url(child, "mhpss")).content.decode()
    assert "Refer to: Mental health and psychosocial support" in page
    assert "Centrul Timiș MHPSS" in page
    assert "Suceava Help" not in page
    assert "Confirm referral" in page


def test_refer_page_says_when_only_other_counties_offer_the_service(
    client, worker_tm, provider_tm, provider_sv
):
    child = _child(worker_tm)
    client.force_login(worker_tm)
    page = client.get(_refer_url(child, "legal_documentation")).content.decode()
    assert "No active provider in Timiș offers this service" in page
    assert "Suceava Help" in page


def test_refer_without_a_service_shows_the_choice(client, worker_tm):
    child = _child(worker_tm)
    client.force_login(worker_tm)
    response = client.get(_refer_url(child))
    assert response.status_code == 200
    assert 'name="service_type"' in response.content.decode()


def test_confirming_creates_the_referral_and_returns_to_the_case(client, worker_tm, provider_tm):
    child = _child(worker_tm)
    client.force_login(worker_tm)
    response = client.post(
        _refer_url(child),
        {
            "service_type": "mhpss",
            "provider": provider_tm.pk,
            "reason": "Sleep problems",
            "referred_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == child.get_absolute_url()
    referral = Referral.objects.get(child=child)
    assert (referral.service_type, referral.provider, referral.status) == (
        "mhpss",
        provider_tm,
        "pending",
    )
    assert referral.history.count() == 1
    assert AuditEvent.objects.filter(action="referral", object_code=child.code).count() == 1
    child.refresh_from_db()
    assert child.workflow_stage == "referred"
    page = client.get(child.get_absolute_url()).content.decode()
    assert "Centrul Timiș MHPSS" in page
    assert "Referred to services" in page


def test_forged_other_county_provider_is_rejected(client, worker_tm, provider_tm, provider_sv):
    child = _child(worker_tm)
    client.force_login(worker_tm)
    response = client.post(
        _refer_url(child),
        {"service_type": "mhpss", "provider": provider_sv.pk, "referred_on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Referral.objects.exists()


def test_referral_date_before_registration_is_refused_with_a_message(client, worker_tm):
    child = _child(worker_tm, registration_date=dt.date(2023, 6, 1))
    client.force_login(worker_tm)
    response = client.post(
        _refer_url(child), {"service_type": "health", "referred_on": "2023-05-01"}
    )
    assert response.status_code == 200
    assert "cannot be before the registration date" in response.content.decode()
    assert not Referral.objects.exists()


def test_without_consent_no_provider_is_offered_nor_saved(client, worker_tm, provider_tm):
    child = _child(worker_tm, consent_share_providers=False)
    client.force_login(worker_tm)
    page = client.get(_refer_url(child, "mhpss")).content.decode()
    assert "did not agree to this at registration" in page
    assert "Record consent" in page
    assert "Centrul Timiș MHPSS" not in page
    client.post(
        _refer_url(child),
        {"service_type": "mhpss", "provider": provider_tm.pk, "referred_on": TODAY.isoformat()},
    )
    referral = Referral.objects.get(child=child)
    assert referral.provider is None


@pytest.mark.parametrize("persona", OUT_OF_SCOPE)
def test_refer_other_county_or_not_mine_is_404(client, worker_tm, persona, request):
    child = _child(worker_tm)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_refer_url(child, "health")).status_code == 404
    response = client.post(
        _refer_url(child), {"service_type": "health", "referred_on": TODAY.isoformat()}
    )
    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_coordinator_of_the_county_may_refer(client, worker_tm, coord_tm):
    child = _child(worker_tm)
    client.force_login(coord_tm)
    client.post(_refer_url(child), {"service_type": "health", "referred_on": TODAY.isoformat()})
    assert Referral.objects.get(child=child).created_by == coord_tm


def test_refer_wrong_method_is_405(client, worker_tm):
    child = _child(worker_tm)
    client.force_login(worker_tm)
    assert client.put(_refer_url(child, "health")).status_code == 405


# ------------------------------------------------------------ consent


def _consent_url(child):
    return reverse("referrals:record_consent", kwargs={"case_code": child.code})


def test_recording_consent_then_a_provider_can_be_chosen(client, worker_tm, provider_tm):
    child = _child(worker_tm, consent_share_providers=False)
    client.force_login(worker_tm)
    next_url = _refer_url(child, "mhpss")
    response = client.post(_consent_url(child), {"confirm": "yes", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    child.refresh_from_db()
    assert child.consent_share_providers is True
    assert child.history.first().history_user == worker_tm
    assert AuditEvent.objects.filter(action="change_case", object_code=child.code).exists()
    assert "Centrul Timiș MHPSS" in client.get(next_url).content.decode()


def test_consent_needs_the_confirmation_box(client, worker_tm):
    child = _child(worker_tm, consent_share_providers=False)
    client.force_login(worker_tm)
    client.post(_consent_url(child), {})
    child.refresh_from_db()
    assert child.consent_share_providers is False


def test_consent_ignores_a_foreign_next(client, worker_tm):
    child = _child(worker_tm, consent_share_providers=False)
    client.force_login(worker_tm)
    response = client.post(_consent_url(child), {"confirm": "yes", "next": "https://evil.example/"})
    assert response["Location"] == child.get_absolute_url()


def test_consent_wrong_method_is_405(client, worker_tm):
    child = _child(worker_tm, consent_share_providers=False)
    client.force_login(worker_tm)
    assert client.get(_consent_url(child)).status_code == 405


@pytest.mark.parametrize("persona", OUT_OF_SCOPE)
def test_consent_other_county_is_404(client, worker_tm, persona, request):
    child = _child(worker_tm, consent_share_providers=False)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_consent_url(child), {"confirm": "yes"}).status_code == 404
    child.refresh_from_db()
    assert child.consent_share_providers is False


# ------------------------------------------------------------ one referral


def _referral(user, days_ago=3, **child_overrides):
    child = _child(user, **child_overrides)
    return services.create_referral(
        child, user, service_type="mhpss", referred_on=TODAY - dt.timedelta(days=days_ago)
    )


def _url(name, referral):
    return reverse(f"referrals:{name}", kwargs={"code": referral.code})


def test_detail_shows_the_referral_and_its_history(client, worker_tm):
    referral = _referral(worker_tm)
    client.force_login(worker_tm)
    response = client.get(_url("detail", referral))
    page = response.content.decode()
    assert response.status_code == 200
    assert referral.code in page
    assert "Accepted by the provider" in page
    assert "History" in page
    assert AuditEvent.objects.filter(action="view_case", details__referral=referral.code).exists()


@pytest.mark.parametrize("persona", OUT_OF_SCOPE)
def test_detail_other_county_is_404(client, worker_tm, persona, request):
    referral = _referral(worker_tm)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url("detail", referral)).status_code == 404


def test_detail_wrong_method_is_405(client, worker_tm):
    referral = _referral(worker_tm)
    client.force_login(worker_tm)
    assert client.post(_url("detail", referral)).status_code == 405


def test_accept_then_complete_through_the_page(client, worker_tm):
    referral = _referral(worker_tm)
    client.force_login(worker_tm)
    response = client.post(_url("accept", referral), {"on": TODAY.isoformat()}, follow=True)
    assert "Referral accepted." in response.content.decode()
    referral.refresh_from_db()
    assert (referral.status, referral.accepted_on) == ("accepted", TODAY)
    client.post(_url("complete", referral), {"on": TODAY.isoformat()})
    referral.refresh_from_db()
    assert (referral.status, referral.closed_on) == ("completed", TODAY)
    assert referral.history.count() == 3
    assert AuditEvent.objects.filter(action="referral", details__event="complete").count() == 1


def test_decline_through_the_page(client, worker_tm):
    referral = _referral(worker_tm)
    client.force_login(worker_tm)
    client.post(_url("decline", referral), {"on": TODAY.isoformat()})
    referral.refresh_from_db()
    assert (referral.status, referral.closed_on) == ("declined", TODAY)


def test_out_of_order_change_is_refused_with_a_message(client, worker_tm):
    referral = _referral(worker_tm)
    client.force_login(worker_tm)
    response = client.post(_url("complete", referral), {"on": TODAY.isoformat()}, follow=True)
    assert "must be accepted before" in response.content.decode()
    early = (TODAY - dt.timedelta(days=10)).isoformat()
    response = client.post(_url("accept", referral), {"on": early}, follow=True)
    assert "cannot be before the referral date" in response.content.decode()
    future = (TODAY + dt.timedelta(days=2)).isoformat()
    response = client.post(_url("accept", referral), {"on": future}, follow=True)
    assert "cannot be in the future" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "pending"
    assert referral.history.count() == 1


@pytest.mark.parametrize("action", ["accept", "decline", "complete", "set_provider"])
def test_status_and_provider_changes_are_post_only(client, worker_tm, action):
    referral = _referral(worker_tm)
    client.force_login(worker_tm)
    assert client.get(_url(action, referral)).status_code == 405


@pytest.mark.parametrize("persona", OUT_OF_SCOPE)
@pytest.mark.parametrize("action", ["accept", "decline", "set_provider"])
def test_forged_posts_on_other_county_referrals_are_404(
    client, worker_tm, provider_tm, persona, action, request
):
    referral = _referral(worker_tm)
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        _url(action, referral), {"on": TODAY.isoformat(), "provider": provider_tm.pk}
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == "pending" and referral.provider is None


def test_set_provider_later(client, worker_tm, provider_tm, provider_sv):
    referral = _referral(worker_tm)
    client.force_login(worker_tm)
    page = client.get(_url("detail", referral)).content.decode()
    assert "Centrul Timiș MHPSS" in page and "Suceava Help" not in page
    client.post(_url("set_provider", referral), {"provider": provider_sv.pk})
    referral.refresh_from_db()
    assert referral.provider is None
    client.post(_url("set_provider", referral), {"provider": provider_tm.pk})
    referral.refresh_from_db()
    assert referral.provider == provider_tm
    assert AuditEvent.objects.filter(action="referral", details__event="set_provider").count() == 1


def test_set_provider_without_consent_is_refused(client, worker_tm, provider_tm):
    referral = _referral(worker_tm, consent_share_providers=False)
    client.force_login(worker_tm)
    page = client.get(_url("detail", referral)).content.decode()
    assert "Record consent" in page
    response = client.post(
        _url("set_provider", referral), {"provider": provider_tm.pk}, follow=True
    )
    assert (
        "consent to share data with service providers is not recorded" in response.content.decode()
    )
    referral.refresh_from_db()
    assert referral.provider is None


# ------------------------------------------------------------ summary for the provider


def test_summary_holds_what_the_provider_needs_and_nothing_else(client, worker_tm, provider_tm):
    worker_tm.organisation = "DGASPC Timiș"
    worker_tm.email = "ana@example.org"
    worker_tm.save()
    child = _child(
        worker_tm,
        concern_details="SECRET-CONCERN-TEXT",
        interviewer_notes="SECRET-NOTES-TEXT",
        caregiver_phone="+40 700 111 222",
        languages=["uk", "ru"],
    )
    referral = services.create_referral(
        child, worker_tm, service_type="mhpss", reason="Needs counselling", provider=provider_tm
    )
    client.force_login(worker_tm)
    response = client.get(_url("summary", referral))
    page = response.content.decode()
    assert response.status_code == 200
    for expected in (
        child.first_name,
        child.last_name,
        child.caregiver.first_name,
        "+40 700 111 222",
        "Ukrainian",
        "Needs counselling",
        "Centrul Timiș MHPSS",
        "Ana Popescu",
        "DGASPC Timiș",
        "ana@example.org",
        "data-print",  # the Print button (static/js/page.js)
    ):
        assert expected in page, expected
    assert "SECRET-CONCERN-TEXT" not in page
    assert "SECRET-NOTES-TEXT" not in page
    assert child.id_document_number not in page
    assert AuditEvent.objects.filter(action="referral", details__event="summary").count() == 1


def test_summary_is_refused_without_consent(client, worker_tm):
    referral = _referral(worker_tm, consent_share_providers=False)
    client.force_login(worker_tm)
    response = client.get(_url("summary", referral))
    page = response.content.decode()
    assert response.status_code == 403
    assert "has not agreed" in page
    assert referral.child.first_name not in page
    assert not AuditEvent.objects.filter(action="referral", details__event="summary").exists()


@pytest.mark.parametrize("persona", OUT_OF_SCOPE)
def test_summary_other_county_is_404(client, worker_tm, persona, request):
    referral = _referral(worker_tm)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url("summary", referral)).status_code == 404


def test_summary_wrong_method_is_405(client, worker_tm):
    referral = _referral(worker_tm)
    client.force_login(worker_tm)
    assert client.post(_url("summary", referral)).status_code == 405


def test_case_page_shows_each_referral_with_the_dates_of_its_changes(client, worker_tm):
    referral = _referral(worker_tm, days_ago=20)
    other = services.create_referral(
        referral.child, worker_tm, service_type="education", referred_on=TODAY
    )
    services.accept_referral(other, worker_tm, on=TODAY)
    services.complete_referral(other, worker_tm, on=TODAY)
    client.force_login(worker_tm)
    response = client.get(referral.child.get_absolute_url())
    page = response.content.decode()
    assert "pending too long" in page
    assert "accepted " in page and "service provided " in page
    assert referral.code in page and other.code in page


def test_refer_page_points_to_an_open_referral_to_the_same_service(client, worker_tm):
    child = _child(worker_tm, services_needed=["mhpss"])
    existing = Referral.objects.get(child=child)
    client.force_login(worker_tm)
    page = client.get(_refer_url(child, "mhpss")).content.decode()
    assert "already has an open referral to this service" in page
    assert existing.code in page
    page = client.get(_refer_url(child, "health")).content.decode()
    assert "already has an open referral" not in page


def test_the_referral_link_names_the_action_not_the_status(client, worker_tm, provider_tm):
    child = _child(worker_tm, services_needed=["health"])
    referral = Referral.objects.filter(child=child).get()
    client.force_login(worker_tm)
    client.cookies["django_language"] = "ro"
    page = client.get(child.get_absolute_url()).content.decode()
    link = f'<a href="{reverse("referrals:detail", args=[referral.code])}">'
    assert f'{link}Deschideți referirea <span class="code">{referral.code}' in page
    assert f"{link}Deschis " not in page
