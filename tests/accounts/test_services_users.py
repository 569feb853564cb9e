"""User management services: who manages whom (User.objects.manageable_by), what each
coordinator may grant, and the audit trail of every change, with no password in it."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from accounts import services
from accounts.models import Role, User
from audit.models import Action, AuditEvent
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

STRONG = "ochi-verzi-la-granita-77"


def usernames(qs) -> set[str]:
    return set(qs.values_list("username", flat=True))


def user_events():
    return AuditEvent.objects.filter(action=Action.USER_CHANGE).order_by("id")


def test_county_coordinator_manages_only_the_field_workers_of_their_county(
    worker_tm, worker2_tm, coord_tm, worker_sv, coord_sv, country
):
    assert usernames(User.objects.manageable_by(coord_tm)) == {"worker.tm", "worker2.tm"}
    assert usernames(User.objects.manageable_by(coord_sv)) == {"worker.sv"}


def test_country_coordinator_manages_everyone_and_field_workers_nobody(
    worker_tm, coord_tm, worker_sv, coord_sv, country
):
    assert usernames(User.objects.manageable_by(country)) == {
        "worker.tm",
        "coord.tm",
        "worker.sv",
        "coord.sv",
        "country",
    }
    assert not User.objects.manageable_by(worker_tm).exists()


def test_a_deactivated_coordinator_manages_nobody(worker_tm, coord_tm):
    coord_tm.is_active = False
    assert not User.objects.manageable_by(coord_tm).exists()


def test_manager_still_creates_users_like_django(db):
    user = User.objects.create_user("plain", password=STRONG, role=Role.COUNTRY_COORDINATOR)
    assert user.check_password(STRONG)


def test_county_coordinator_creates_a_field_worker_of_their_county_with_an_audit_event(coord_tm):
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.3")
    user = services.create_user(
        "ion.tm",
        STRONG,
        Role.FIELD_WORKER,
        "RO-TM",
        organisation="DGASPC Timiș",
        first_name="Ion",
        last_name="Pop",
        email="ion@example.org",
        actor=coord_tm,
        request=request,
    )
    assert user.check_password(STRONG)
    assert (user.role, user.county_id, user.email) == (
        Role.FIELD_WORKER,
        "RO-TM",
        "ion@example.org",
    )
    event = user_events().get()
    assert event.username == "coord.tm"
    assert event.county_id == "RO-TM"
    assert event.ip_address == "10.1.2.3"
    assert event.details["event"] == "created"
    assert event.details["username"] == "ion.tm"
    assert event.details["role"] == "field_worker"
    assert STRONG not in str(event.details)
    assert "Ion" not in str(event.details) and "ion@example.org" not in str(event.details)


@pytest.mark.parametrize(
    ("role", "county"),
    [
        (Role.COUNTY_COORDINATOR, "RO-TM"),
        (Role.COUNTRY_COORDINATOR, None),
        (Role.FIELD_WORKER, "RO-SV"),
    ],
)
def test_county_coordinator_cannot_grant_more_than_a_field_worker_of_their_county(
    coord_tm, role, county
):
    with pytest.raises(PermissionDenied):
        services.create_user("x.tm", STRONG, role, county, actor=coord_tm)
    assert not User.objects.filter(username="x.tm").exists()
    assert not user_events().exists()


def test_country_coordinator_creates_a_county_coordinator(country):
    user = services.create_user("coord.cj", STRONG, Role.COUNTY_COORDINATOR, "RO-CJ", actor=country)
    assert user.is_county_coordinator and user.county_id == "RO-CJ"


def test_command_line_creation_is_audited_as_system(db):
    services.create_user("napcra", STRONG, Role.COUNTRY_COORDINATOR)
    event = user_events().get()
    assert event.username == "system" and event.user is None
    assert event.details["username"] == "napcra"


def test_create_errors_are_keyed_by_field(country):
    with pytest.raises(ValidationError) as info:
        services.create_user("new", "short", Role.FIELD_WORKER, None, actor=country)
    errors = info.value.message_dict
    assert "reserved" in " ".join(errors["username"])
    assert "needs a county" in " ".join(errors["county"])
    assert "too short" in " ".join(errors["password"])
    assert not User.objects.filter(username="new").exists()


def test_invalid_characters_in_a_username_are_refused(country):
    with pytest.raises(ValidationError, match="Enter a valid username"):
        services.create_user("ion pop/x", STRONG, Role.COUNTRY_COORDINATOR, actor=country)


def test_update_changes_role_and_county_and_audits_codes_only(country, worker_tm):
    services.update_user(
        country,
        worker_tm,
        first_name="Ana-Maria",
        last_name="Popescu",
        email="ana@example.org",
        organisation="Salvați Copiii",
        role=Role.COUNTY_COORDINATOR,
        county_code="RO-SV",
    )
    worker_tm.refresh_from_db()
    assert (worker_tm.role, worker_tm.county_id) == (Role.COUNTY_COORDINATOR, "RO-SV")
    assert worker_tm.first_name == "Ana-Maria" and worker_tm.organisation == "Salvați Copiii"
    event = user_events().get()
    assert event.details["event"] == "updated"
    assert event.details["changed"] == ["county", "email", "first_name", "organisation", "role"]
    assert event.details["role_before"] == "field_worker"
    assert event.details["county_before"] == "RO-TM"
    assert event.county_id == "RO-SV"
    assert "Ana-Maria" not in str(event.details) and "ana@example.org" not in str(event.details)


def test_update_without_change_writes_nothing(coord_tm, worker_tm):
    services.update_user(
        coord_tm,
        worker_tm,
        first_name=worker_tm.first_name,
        last_name=worker_tm.last_name,
        email="",
        organisation="",
        role=Role.FIELD_WORKER,
        county_code="RO-TM",
    )
    assert not user_events().exists()


@pytest.mark.parametrize(
    ("role", "county"),
    [(Role.COUNTY_COORDINATOR, "RO-TM"), (Role.FIELD_WORKER, "RO-SV")],
)
def test_county_coordinator_cannot_promote_or_move_a_field_worker(
    coord_tm, worker_tm, role, county
):
    with pytest.raises(PermissionDenied):
        services.update_user(
            coord_tm,
            worker_tm,
            first_name="",
            last_name="",
            email="",
            organisation="",
            role=role,
            county_code=county,
        )
    worker_tm.refresh_from_db()
    assert (worker_tm.role, worker_tm.county_id, worker_tm.first_name) == (
        Role.FIELD_WORKER,
        "RO-TM",
        "Ana",
    )


def test_county_coordinator_cannot_touch_another_county_or_a_coordinator(
    coord_tm, worker_sv, coord_sv
):
    for target in (worker_sv, coord_sv):
        with pytest.raises(PermissionDenied):
            services.set_active(coord_tm, target, False)
        with pytest.raises(PermissionDenied):
            services.set_password_for(coord_tm, target, STRONG)
        with pytest.raises(PermissionDenied):
            services.unlock_user(coord_tm, target)
        target.refresh_from_db()
        assert target.is_active and target.check_password(PASSWORD)


def test_country_coordinator_cannot_change_their_own_role(country):
    with pytest.raises(ValidationError, match="your own role"):
        services.update_user(
            country,
            country,
            first_name="",
            last_name="",
            email="",
            organisation="",
            role=Role.FIELD_WORKER,
            county_code="RO-TM",
        )
    country.refresh_from_db()
    assert country.is_country_coordinator


def test_deactivated_user_cannot_log_in_and_reactivation_restores_it(coord_tm, worker_tm):
    request = RequestFactory().post("/accounts/login/")
    services.set_active(coord_tm, worker_tm, False)
    assert authenticate(request, username="worker.tm", password=PASSWORD) is None
    services.set_active(coord_tm, worker_tm, True)
    assert authenticate(request, username="worker.tm", password=PASSWORD) == worker_tm
    assert [e.details["event"] for e in user_events()] == ["deactivated", "reactivated"]


def test_nobody_deactivates_themselves(country):
    with pytest.raises(ValidationError, match="your own account"):
        services.set_active(country, country, False)
    country.refresh_from_db()
    assert country.is_active
    assert not user_events().exists()


def test_set_password_validates_and_audits_without_the_password(coord_tm, worker_tm):
    with pytest.raises(ValidationError, match="too common"):
        services.set_password_for(coord_tm, worker_tm, "password123")
    worker_tm.refresh_from_db()
    assert worker_tm.check_password(PASSWORD)
    services.set_password_for(coord_tm, worker_tm, STRONG)
    worker_tm.refresh_from_db()
    assert worker_tm.check_password(STRONG)
    event = user_events().get()
    assert event.details["event"] == "password_set"
    assert STRONG not in str(event.details) and "password123" not in str(event.details)


def test_unlock_clears_the_axes_lockout(client, coord_tm, worker_tm, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "worker.tm", "password": "wrong-password"})
    assert services.locked_out_usernames(["worker.tm", "worker2.tm"]) == {"worker.tm"}
    assert services.recent_login_failures("worker.tm") == settings.AXES_FAILURE_LIMIT
    locked = client.post("/accounts/login/", {"username": "worker.tm", "password": PASSWORD})
    assert locked.status_code == 429

    assert services.unlock_user(coord_tm, worker_tm) >= 1
    assert services.recent_login_failures("worker.tm") == 0
    again = client.post("/accounts/login/", {"username": "worker.tm", "password": PASSWORD})
    assert again.status_code == 302
    assert user_events().get().details["event"] == "unlocked"
