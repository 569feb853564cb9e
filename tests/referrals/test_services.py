import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Child
from referrals import services
from referrals.models import Referral, ServiceProvider
from tests.factories import make_child
from tests.referrals.conftest import make_provider

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _child(user, **overrides):
    overrides.setdefault("consent_share_providers", True)
    overrides.setdefault("services_needed", [])
    return make_child(user, **overrides)


def test_create_referral_writes_row_history_audit_and_moves_the_workflow(worker_tm, provider_tm):
    child = _child(worker_tm)
    assert child.workflow_stage == "registered"
    referral = services.create_referral(
        child,
        worker_tm,
        service_type="mhpss",
        reason="Nightmares since the journey",
        provider=provider_tm,
    )
    referral.refresh_from_db()
    assert referral.status == "pending"
    assert referral.referred_on == TODAY
    assert referral.provider == provider_tm
    assert referral.created_by == worker_tm == referral.updated_by
    assert referral.history.count() == 1
    assert referral.history.first().history_user == worker_tm
    event = AuditEvent.objects.get(action="referral")
    assert event.object_code == child.code
    assert event.county_id == "RO-TM"
    assert event.details == {
        "event": "create",
        "referral": referral.code,
        "service_type": "mhpss",
        "provider": provider_tm.code,
        "status": "pending",
    }
    # Codes only: no free text of the referral in the audit log.
    assert "Nightmares" not in str(event.details)
    child.refresh_from_db()
    assert child.workflow_stage == "referred"


def test_create_referral_leaves_a_later_stage_alone(worker_tm):
    child = _child(worker_tm)
    Child.objects.filter(pk=child.pk).update(workflow_stage="follow_up")
    child.refresh_from_db()
    services.create_referral(child, worker_tm, service_type="health")
    child.refresh_from_db()
    assert child.workflow_stage == "follow_up"


@pytest.mark.parametrize(
    ("referred_on", "message"),
    [
        (TODAY + dt.timedelta(days=1), "future"),
        (dt.date(2022, 1, 1), "before the registration date"),
    ],
)
def test_referral_date_outside_the_case_is_refused(worker_tm, referred_on, message):
    child = _child(worker_tm, registration_date=dt.date(2023, 5, 1))
    with pytest.raises(ValidationError, match=message):
        services.create_referral(child, worker_tm, service_type="health", referred_on=referred_on)
    assert not Referral.objects.exists()


def test_unknown_service_type_is_refused(worker_tm):
    child = _child(worker_tm)
    with pytest.raises(ValidationError):
        services.create_referral(child, worker_tm, service_type="astrology")


def test_closed_case_gets_no_new_referral(worker_tm):
    child = _child(worker_tm)
    Child.objects.filter(pk=child.pk).update(status="closed")
    child.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.create_referral(child, worker_tm, service_type="health")


def test_provider_without_consent_is_refused_and_nothing_saved(worker_tm, provider_tm):
    child = _child(worker_tm, consent_share_providers=False)
    with pytest.raises(ValidationError, match="consent"):
        services.create_referral(child, worker_tm, service_type="mhpss", provider=provider_tm)
    assert not Referral.objects.exists()
    referral = services.create_referral(child, worker_tm, service_type="mhpss")
    with pytest.raises(ValidationError, match="consent"):
        services.set_provider(referral, provider_tm, worker_tm)
    referral.refresh_from_db()
    assert referral.provider is None


def test_other_county_provider_only_where_the_service_is_not_offered_locally(
    worker_tm, provider_tm, provider_sv
):
    child = _child(worker_tm)
    # mhpss is offered in Timiș: the Suceava provider is refused.
    with pytest.raises(ValidationError, match="child's county offers this service"):
        services.create_referral(child, worker_tm, service_type="mhpss", provider=provider_sv)
    # legal_documentation is offered only in Suceava: allowed.
    referral = services.create_referral(
        child, worker_tm, service_type="legal_documentation", provider=provider_sv
    )
    assert referral.provider == provider_sv
    options = services.provider_options(child, "mhpss")
    assert options.local == [provider_tm] and options.elsewhere == []
    options = services.provider_options(child, "legal_documentation")
    assert options.local == [] and options.elsewhere == [provider_sv]


def test_inactive_provider_or_one_without_the_service_is_refused(worker_tm, provider_tm):
    child = _child(worker_tm)
    with pytest.raises(ValidationError, match="does not offer"):
        services.create_referral(child, worker_tm, service_type="education", provider=provider_tm)
    services.set_provider_active(provider_tm, False, None)
    provider_tm.refresh_from_db()
    with pytest.raises(ValidationError, match="no longer active"):
        services.create_referral(child, worker_tm, service_type="mhpss", provider=provider_tm)


def test_status_goes_pending_accepted_completed_with_dates_and_history(
    worker_tm, coord_tm, provider_tm
):
    child = _child(worker_tm)
    referral = services.create_referral(
        child, worker_tm, service_type="mhpss", referred_on=TODAY - dt.timedelta(days=10)
    )
    referral = services.set_provider(referral, provider_tm, worker_tm)
    referral = services.accept_referral(referral, coord_tm, on=TODAY - dt.timedelta(days=5))
    assert referral.status == "accepted"
    assert referral.accepted_on == TODAY - dt.timedelta(days=5)
    referral = services.complete_referral(referral, worker_tm, on=TODAY)
    referral.refresh_from_db()
    assert referral.status == "completed"
    assert referral.closed_on == TODAY
    assert referral.updated_by == worker_tm
    statuses = list(referral.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == ["pending", "pending", "accepted", "completed"]
    users = [h.history_user for h in referral.history.order_by("history_date")]
    assert users[2] == coord_tm
    events = list(
        AuditEvent.objects.filter(action="referral")
        .order_by("id")
        .values_list("details__event", flat=True)
    )
    assert events == ["create", "set_provider", "accept", "complete"]


def test_out_of_order_changes_are_refused(worker_tm):
    child = _child(worker_tm)
    referral = services.create_referral(
        child, worker_tm, service_type="health", referred_on=TODAY - dt.timedelta(days=3)
    )
    with pytest.raises(ValidationError, match="must be accepted before"):
        services.complete_referral(referral, worker_tm)
    with pytest.raises(ValidationError, match="before the referral date"):
        services.accept_referral(referral, worker_tm, on=TODAY - dt.timedelta(days=4))
    with pytest.raises(ValidationError, match="future"):
        services.accept_referral(referral, worker_tm, on=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="before the referral date"):
        services.decline_referral(referral, worker_tm, on=TODAY - dt.timedelta(days=4))
    referral = services.accept_referral(referral, worker_tm, on=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="Only a pending"):
        services.decline_referral(referral, worker_tm)
    with pytest.raises(ValidationError, match="before the acceptance date"):
        services.complete_referral(referral, worker_tm, on=TODAY - dt.timedelta(days=2))
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert referral.closed_on is None


def test_declined_and_completed_are_final(worker_tm, provider_tm):
    child = _child(worker_tm)
    referral = services.create_referral(child, worker_tm, service_type="mhpss")
    referral = services.decline_referral(referral, worker_tm)
    assert referral.status == "declined"
    assert referral.closed_on == TODAY
    for change in (services.accept_referral, services.complete_referral):
        with pytest.raises(ValidationError, match="can no longer change"):
            change(referral, worker_tm)
    with pytest.raises(ValidationError, match="can no longer change"):
        services.set_provider(referral, provider_tm, worker_tm)


def test_record_provider_consent_sets_the_answer_with_history_and_audit(worker_tm):
    child = _child(worker_tm, consent_share_providers=False)
    version = child.version
    before = child.history.count()
    services.record_provider_consent(child, worker_tm)
    child.refresh_from_db()
    assert child.consent_share_providers is True
    assert child.version == version + 1
    assert child.updated_by == worker_tm
    assert child.history.count() == before + 1
    assert child.history.first().history_user == worker_tm
    event = AuditEvent.objects.get(action="change_case", object_code=child.code)
    assert event.details == {"field": "consent_share_providers", "value": "yes"}
    # Twice is harmless: no second change.
    services.record_provider_consent(child, worker_tm)
    assert child.history.count() == before + 1


def test_registration_services_become_pending_referrals_counted_by_service(worker_tm):
    child = _child(worker_tm, services_needed=["health", "alternative_care"])
    rows = Referral.objects.filter(child=child)
    assert sorted(rows.values_list("service_type", flat=True)) == ["alternative_care", "health"]
    assert {r.referred_on for r in rows} == {child.registration_date}
    assert {r.status for r in rows} == {"pending"}


def test_provider_services_keep_history(coord_tm):
    provider = make_provider("RO-TM", ("health",))
    services.update_provider(
        provider,
        {
            "name": "Spital",
            "kind": "institutional",
            "county": "RO-TM",
            "service_types": ["health", "health"],
        },
        coord_tm,
    )
    provider.refresh_from_db()
    assert provider.name == "Spital"
    assert provider.service_types == ["health"]
    assert provider.history.first().history_user == coord_tm
    with pytest.raises(ValidationError):
        services.update_provider(
            provider,
            {"name": "X", "kind": "nope", "county": "RO-TM", "service_types": ["health"]},
            coord_tm,
        )


def test_pending_more_than_14_days_is_flagged(worker_tm):
    child = _child(worker_tm)
    old = services.create_referral(
        child, worker_tm, service_type="health", referred_on=TODAY - dt.timedelta(days=15)
    )
    fresh = services.create_referral(
        child, worker_tm, service_type="health", referred_on=TODAY - dt.timedelta(days=14)
    )
    assert services.is_pending_too_long(old)
    assert not services.is_pending_too_long(fresh)


def test_demo_providers_are_seeded_once():
    from referrals.demo import DEMO_PROVIDERS, seed_providers

    assert seed_providers() == len(DEMO_PROVIDERS)
    assert seed_providers() == 0
    assert set(
        services.offering(ServiceProvider.objects.all(), "alternative_care").values_list(
            "county_id", flat=True
        )
    ) == {"RO-TM", "RO-SV", "RO-B"}
