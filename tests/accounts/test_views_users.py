"""The user-management pages under /accounts/users/: county coordinators manage the field
workers of their county, the country coordinator everyone, field workers nobody (403);
a user outside the viewer's scope answers 404."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

from accounts.models import Role, User
from audit.models import Action, AuditEvent
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

USERS = "/accounts/users/"
STRONG = "ochi-verzi-la-granita-77"


def new_user_data(**overrides) -> dict:
    data = {
        "username": "ion.tm",
        "first_name": "Ion",
        "last_name": "Pop",
        "email": "ion@example.org",
        "role": Role.FIELD_WORKER,
        "county": "RO-TM",
        "organisation": "DGASPC Timiș",
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(overrides)
    return data


def edit_data(user: User, **overrides) -> dict:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organisation": user.organisation,
        "role": user.role,
        "county": user.county_id or "",
    }
    data.update(overrides)
    return data


def user_events():
    return AuditEvent.objects.filter(action=Action.USER_CHANGE).order_by("id")


def listed(response) -> list[str]:
    return [u.username for u in response.context["page"].object_list]


# --- the list ---------------------------------------------------------------------------


def test_county_coordinator_lists_the_field_workers_of_their_county(
    client, coord_tm, worker_tm, worker2_tm, worker_sv, coord_sv, country
):
    client.force_login(coord_tm)
    response = client.get(USERS)
    assert response.status_code == 200
    assert listed(response) == ["worker.tm", "worker2.tm"]
    assert b"Popescu" in response.content
    assert b"worker.sv" not in response.content and b"coord.sv" not in response.content


def test_country_coordinator_lists_everyone_and_filters(
    client, country, coord_tm, worker_tm, worker2_tm, worker_sv, coord_sv
):
    client.force_login(country)
    assert listed(client.get(USERS)) == [
        "coord.sv",
        "coord.tm",
        "country",
        "worker.sv",
        "worker.tm",
        "worker2.tm",
    ]
    assert listed(client.get(USERS, {"role": "county_coordinator"})) == ["coord.sv", "coord.tm"]
    assert listed(client.get(USERS, {"county": "RO-SV"})) == ["coord.sv", "worker.sv"]
    worker2_tm.is_active = False
    worker2_tm.save()
    assert listed(client.get(USERS, {"county": "RO-TM", "active": "no"})) == ["worker2.tm"]
    assert "worker2.tm" not in listed(client.get(USERS, {"active": "yes"}))


def test_search_by_username_or_name(client, coord_tm, worker_tm, worker2_tm):
    client.force_login(coord_tm)
    assert listed(client.get(USERS, {"q": "popescu"})) == ["worker.tm"]
    assert listed(client.get(USERS, {"q": "ana pop"})) == ["worker.tm"]
    assert listed(client.get(USERS, {"q": "worker2"})) == ["worker2.tm"]
    assert listed(client.get(USERS, {"q": "nobody"})) == []


def test_county_coordinator_filters_cannot_widen_the_scope(client, coord_tm, worker_tm, worker_sv):
    client.force_login(coord_tm)
    response = client.get(USERS, {"county": "RO-SV", "role": "county_coordinator"})
    assert listed(response) == ["worker.tm"]
    assert "county" not in response.context["form"].fields


def test_list_marks_a_locked_out_user(client, coord_tm, worker_tm, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "worker.tm", "password": "wrong-password"})
    client.force_login(coord_tm)
    assert b"Locked out" in client.get(USERS).content


def test_nav_shows_users_to_coordinators_only(client, coord_tm, worker_tm):
    client.force_login(coord_tm)
    assert f'href="{USERS}"'.encode() in client.get("/").content
    client.force_login(worker_tm)
    assert f'href="{USERS}"'.encode() not in client.get("/").content


# --- roles and scope on every page ------------------------------------------------------

PAGES = [
    ("get", USERS),
    ("get", USERS + "new/"),
    ("post", USERS + "new/"),
    ("get", USERS + "worker2.tm/"),
    ("get", USERS + "worker2.tm/edit/"),
    ("post", USERS + "worker2.tm/edit/"),
    ("post", USERS + "worker2.tm/active/"),
    ("get", USERS + "worker2.tm/password/"),
    ("post", USERS + "worker2.tm/password/"),
    ("post", USERS + "worker2.tm/unlock/"),
]


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_field_workers_get_403_everywhere(client, worker_tm, worker2_tm, method, url):
    client.force_login(worker_tm)
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_anonymous_is_sent_to_login(client, worker2_tm, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


USER_PAGES = [
    ("get", ""),
    ("get", "edit/"),
    ("post", "edit/"),
    ("post", "active/"),
    ("get", "password/"),
    ("post", "password/"),
    ("post", "unlock/"),
]


@pytest.mark.parametrize("target", ["worker.sv", "coord.sv", "coord.tm", "country", "nobody"])
@pytest.mark.parametrize(("method", "suffix"), USER_PAGES)
def test_county_coordinator_gets_404_outside_their_field_workers(
    client, coord_tm, worker_sv, coord_sv, country, method, suffix, target
):
    client.force_login(coord_tm)
    data = {"active": "0", "first_name": "X", "role": "field_worker", "county": "RO-TM"}
    response = getattr(client, method)(f"{USERS}{target}/{suffix}", data)
    assert response.status_code == 404
    for user in (coord_tm, worker_sv, coord_sv, country):
        user.refresh_from_db()
        assert user.is_active and user.first_name != "X"
    assert not user_events().exists()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", USERS),
        ("post", USERS + "worker.tm/"),
        ("put", USERS + "new/"),
        ("get", USERS + "worker.tm/active/"),
        ("get", USERS + "worker.tm/unlock/"),
        ("delete", USERS + "worker.tm/edit/"),
    ],
)
def test_wrong_method_is_405(client, coord_tm, worker_tm, method, url):
    client.force_login(coord_tm)
    assert getattr(client, method)(url).status_code == 405


# --- create -----------------------------------------------------------------------------


def test_county_coordinator_creates_a_field_worker_who_can_log_in(client, coord_tm):
    client.force_login(coord_tm)
    form = client.get(USERS + "new/")
    assert form.status_code == 200
    assert [v for v, _label in form.context["form"].fields["role"].choices] == ["field_worker"]
    response = client.post(USERS + "new/", new_user_data())
    assert response.status_code == 302
    assert response["Location"] == USERS + "ion.tm/"
    user = User.objects.get(username="ion.tm")
    assert (user.role, user.county_id, user.organisation, user.email) == (
        Role.FIELD_WORKER,
        "RO-TM",
        "DGASPC Timiș",
        "ion@example.org",
    )
    assert (user.first_name, user.last_name) == ("Ion", "Pop")
    detail = client.get(response["Location"])
    assert b"User ion.tm created." in detail.content
    event = user_events().get()
    assert event.details["event"] == "created" and event.details["username"] == "ion.tm"
    assert event.user == coord_tm and event.county_id == "RO-TM"
    assert STRONG not in str(event.details)

    client.logout()
    login = client.post("/accounts/login/", {"username": "ion.tm", "password": STRONG})
    assert login.status_code == 302


@pytest.mark.parametrize(
    "overrides",
    [
        {"role": "county_coordinator"},
        {"role": "country_coordinator", "county": ""},
        {"county": "RO-SV"},
    ],
)
def test_forged_post_cannot_create_a_coordinator_or_another_county(client, coord_tm, overrides):
    client.force_login(coord_tm)
    response = client.post(USERS + "new/", new_user_data(**overrides))
    assert response.status_code == 200
    field = next(iter(overrides))
    assert field in response.context["form"].errors
    assert not User.objects.filter(username="ion.tm").exists()
    assert not user_events().exists()


def test_country_coordinator_creates_a_county_coordinator(client, country):
    client.force_login(country)
    response = client.post(
        USERS + "new/",
        new_user_data(username="coord.cj", role="county_coordinator", county="RO-CJ"),
    )
    assert response.status_code == 302
    user = User.objects.get(username="coord.cj")
    assert user.is_county_coordinator and user.county_id == "RO-CJ"


def test_weak_password_is_shown_next_to_the_field_and_the_typed_values_are_kept(client, coord_tm):
    client.force_login(coord_tm)
    response = client.post(
        USERS + "new/", new_user_data(password1="password123", password2="password123")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "This password is too common." in form.errors["password2"]
    html = response.content.decode()
    field = html.split('id="field-password2"', 1)[1].split('id="field-', 1)[0]
    assert "This password is too common." in field
    assert 'value="ion.tm"' in html and 'value="Pop"' in html and 'value="ion@example.org"' in html
    assert "password123" not in html  # passwords are never sent back to the browser
    assert not User.objects.filter(username="ion.tm").exists()


def test_password_like_the_username_and_mismatch_are_refused(client, country):
    client.force_login(country)
    response = client.post(
        USERS + "new/",
        new_user_data(
            username="mariana.ionescu", password1="mariana.ionescu1", password2="mariana.ionescu1"
        ),
    )
    assert "too similar" in " ".join(response.context["form"].errors["password2"])
    response = client.post(USERS + "new/", new_user_data(password2=STRONG + "x"))
    assert "didn’t match" in " ".join(response.context["form"].errors["password2"])
    assert User.objects.filter(username__in=["mariana.ionescu", "ion.tm"]).count() == 0


def test_existing_username_and_missing_county_are_refused(client, country, worker_tm):
    client.force_login(country)
    response = client.post(USERS + "new/", new_user_data(username="Worker.TM"))
    assert "already exists" in " ".join(response.context["form"].errors["username"])
    response = client.post(USERS + "new/", new_user_data(county=""))
    assert "need a county" in " ".join(response.context["form"].errors["county"])
    assert User.objects.count() == 2


# --- detail and edit --------------------------------------------------------------------


def test_detail_shows_the_user_and_the_actions(client, coord_tm, worker_tm):
    client.force_login(coord_tm)
    response = client.get(USERS + "worker.tm/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ana Popescu" in html and "Timiș" in html
    assert f'action="{USERS}worker.tm/active/"' in html
    assert f'href="{USERS}worker.tm/edit/"' in html
    assert f'href="{USERS}worker.tm/password/"' in html
    assert "Unlock the login" not in html  # nothing to unlock


def test_county_coordinator_edits_a_field_worker(client, coord_tm, worker_tm):
    client.force_login(coord_tm)
    form = client.get(USERS + "worker.tm/edit/")
    assert form.status_code == 200
    assert 'value="Popescu"' in form.content.decode()
    response = client.post(
        USERS + "worker.tm/edit/",
        edit_data(worker_tm, last_name="Popescu-Ionescu", organisation="Terre des Hommes"),
    )
    assert response.status_code == 302
    worker_tm.refresh_from_db()
    assert worker_tm.last_name == "Popescu-Ionescu"
    assert worker_tm.organisation == "Terre des Hommes"
    event = user_events().get()
    assert event.details["changed"] == ["last_name", "organisation"]
    assert "Popescu" not in str(event.details)


@pytest.mark.parametrize(
    "overrides",
    [{"role": "county_coordinator"}, {"role": "country_coordinator"}, {"county": "RO-SV"}],
)
def test_forged_edit_cannot_promote_or_move_a_field_worker(client, coord_tm, worker_tm, overrides):
    client.force_login(coord_tm)
    response = client.post(
        USERS + "worker.tm/edit/", edit_data(worker_tm, first_name="Changed", **overrides)
    )
    assert response.status_code == 200
    assert next(iter(overrides)) in response.context["form"].errors
    worker_tm.refresh_from_db()
    assert (worker_tm.role, worker_tm.county_id, worker_tm.first_name) == (
        Role.FIELD_WORKER,
        "RO-TM",
        "Ana",
    )
    assert not user_events().exists()


def test_country_coordinator_promotes_and_moves_a_user(client, country, worker_tm):
    client.force_login(country)
    response = client.post(
        USERS + "worker.tm/edit/",
        edit_data(worker_tm, role="county_coordinator", county="RO-SV"),
    )
    assert response.status_code == 302
    worker_tm.refresh_from_db()
    assert (worker_tm.role, worker_tm.county_id) == (Role.COUNTY_COORDINATOR, "RO-SV")
    event = user_events().get()
    assert (event.details["role_before"], event.details["county_before"]) == (
        "field_worker",
        "RO-TM",
    )


def test_country_coordinator_cannot_change_their_own_role(client, country):
    client.force_login(country)
    response = client.post(
        USERS + "country/edit/", edit_data(country, role="field_worker", county="RO-TM")
    )
    assert response.status_code == 200
    assert "your own role" in " ".join(response.context["form"].errors["role"])
    country.refresh_from_db()
    assert country.is_country_coordinator


# --- deactivate, reactivate -------------------------------------------------------------


def test_deactivated_user_cannot_log_in_and_loses_their_session(client, coord_tm, worker_tm):
    from django.test import Client

    worker_client = Client()
    worker_client.force_login(worker_tm)
    assert worker_client.get("/").status_code == 200

    client.force_login(coord_tm)
    response = client.post(USERS + "worker.tm/active/", {"active": "0"})
    assert response.status_code == 302
    assert response["Location"] == USERS + "worker.tm/"
    page = client.get(response["Location"]).content.decode()
    assert "deactivated: they can no longer log in" in page
    assert "Reactivate" in page
    worker_tm.refresh_from_db()
    assert not worker_tm.is_active
    assert User.objects.filter(username="worker.tm").exists()  # never deleted

    assert worker_client.get("/").status_code == 302  # the open session is over
    login = Client().post("/accounts/login/", {"username": "worker.tm", "password": PASSWORD})
    assert login.status_code == 200
    assert "_auth_user_id" not in login.client.session

    client.post(USERS + "worker.tm/active/", {"active": "1"})
    worker_tm.refresh_from_db()
    assert worker_tm.is_active
    assert [e.details["event"] for e in user_events()] == ["deactivated", "reactivated"]
    login = Client().post("/accounts/login/", {"username": "worker.tm", "password": PASSWORD})
    assert login.status_code == 302


def test_nobody_deactivates_themselves(client, country):
    client.force_login(country)
    page = client.get(USERS + "country/").content.decode()
    assert f'action="{USERS}country/active/"' not in page
    response = client.post(USERS + "country/active/", {"active": "0"}, follow=True)
    assert "You cannot deactivate your own account." in response.content.decode()
    country.refresh_from_db()
    assert country.is_active
    assert Session.objects.exists()


def test_active_needs_a_value(client, coord_tm, worker_tm):
    client.force_login(coord_tm)
    assert client.post(USERS + "worker.tm/active/", {"active": "maybe"}).status_code == 400
    worker_tm.refresh_from_db()
    assert worker_tm.is_active


# --- password ---------------------------------------------------------------------------


def test_coordinator_sets_a_new_password(client, coord_tm, worker_tm):
    client.force_login(coord_tm)
    assert client.get(USERS + "worker.tm/password/").status_code == 200
    response = client.post(
        USERS + "worker.tm/password/", {"new_password1": STRONG, "new_password2": STRONG}
    )
    assert response.status_code == 302
    worker_tm.refresh_from_db()
    assert worker_tm.check_password(STRONG)
    event = user_events().get()
    assert event.details["event"] == "password_set"
    assert STRONG not in str(event.details)


def test_the_other_users_sessions_end_but_not_the_coordinators_own(client, country, worker_tm):
    from django.test import Client

    worker_client = Client()
    worker_client.force_login(worker_tm)
    client.force_login(country)
    client.post(USERS + "worker.tm/password/", {"new_password1": STRONG, "new_password2": STRONG})
    assert worker_client.get("/").status_code == 302
    own = client.post(
        USERS + "country/password/", {"new_password1": STRONG, "new_password2": STRONG}
    )
    assert own.status_code == 302
    assert client.get(USERS).status_code == 200  # still logged in
    country.refresh_from_db()
    assert country.check_password(STRONG)


def test_weak_new_password_is_refused_next_to_the_field(client, coord_tm, worker_tm):
    client.force_login(coord_tm)
    response = client.post(
        USERS + "worker.tm/password/",
        {"new_password1": "4815162342", "new_password2": "4815162342"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    field = html.split('id="field-new_password2"', 1)[1]
    assert "This password is entirely numeric." in field
    worker_tm.refresh_from_db()
    assert worker_tm.check_password(PASSWORD)
    assert not user_events().exists()


# --- unlock -----------------------------------------------------------------------------


def test_unlock_clears_an_axes_lockout(client, coord_tm, worker_tm, settings):
    from django.test import Client

    tablet = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        tablet.post("/accounts/login/", {"username": "worker.tm", "password": "wrong-password"})
    locked = tablet.post("/accounts/login/", {"username": "worker.tm", "password": PASSWORD})
    assert locked.status_code == 429

    client.force_login(coord_tm)
    page = client.get(USERS + "worker.tm/").content.decode()
    assert "the login is locked" in page and "Unlock the login" in page
    response = client.post(USERS + "worker.tm/unlock/", follow=True)
    assert "Failed logins of worker.tm cleared" in response.content.decode()
    assert "Locked out" not in response.content.decode()
    assert user_events().get().details["event"] == "unlocked"

    again = tablet.post("/accounts/login/", {"username": "worker.tm", "password": PASSWORD})
    assert again.status_code == 302
