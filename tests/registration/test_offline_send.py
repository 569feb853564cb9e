"""POST /register/offline/send/: a registration typed offline is created exactly once
however often it is sent, refused with the form's messages, or held back for the
worker's answer about possible duplicates (docs/offline-server.md)."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
from django.test import Client

from audit.models import AuditEvent
from cases.models import Child
from registration.models import OfflineSubmission, PendingSibling
from tests.factories import make_child
from tests.registration.helpers import with_children
from tests.registration.offline_helpers import SEND, STATE, TYPED_AT, offline_data, send

pytestmark = pytest.mark.django_db


def _children(**filters) -> int:
    return Child.objects.filter(**filters).count()


# Created once ---------------------------------------------------------------------------


def test_a_queued_registration_is_created_and_its_resend_answers_the_same_code(client, worker_tm):
    client.force_login(worker_tm)
    data = offline_data()

    first = send(client, data)
    again = send(client, data)

    assert first["status"] == "created" and first["replayed"] is False
    assert first["key"] == data["offline_key"]
    child = Child.objects.get(first_name="Oleksandr")
    assert first["code"] == child.code and first["url"] == f"/cases/{child.code}/"
    assert child.created_by == worker_tm and child.caregiver.first_name == "Olena"
    assert again == {**first, "replayed": True}
    assert _children() == 1
    stored = OfflineSubmission.objects.get()
    assert (stored.key, stored.user, stored.child, stored.linked) == (
        uuid.UUID(data["offline_key"]),
        worker_tm,
        child,
        False,
    )
    assert stored.typed_at.isoformat() == "2026-11-30T07:15:00+00:00"


def test_entries_typed_in_one_cached_page_are_separate_children(client, worker_tm):
    """The page cached for offline use holds one submission token for every entry typed
    in it: the key, not the token, says which registration it is."""
    client.force_login(worker_tm)
    token = str(uuid.uuid4())
    one = send(client, offline_data(submission_token=token))
    two = send(
        client,
        offline_data(
            submission_token=token, first_name="Iryna", name_native="", date_of_birth="2012-01-05"
        ),
    )

    assert one["status"] == two["status"] == "created", (one, two)
    assert one["code"] != two["code"]
    assert _children() == 2
    assert str(Child.objects.get(first_name="Iryna").submission_token) != token


# Refused --------------------------------------------------------------------------------


def test_a_refused_registration_keeps_nothing_and_can_be_sent_again_fixed(client, worker_tm):
    client.force_login(worker_tm)
    data = offline_data(first_name="", date_of_birth="2040-01-01")

    answer = send(client, data)

    assert answer["status"] == "refused" and answer["key"] == data["offline_key"]
    assert answer["errors"]["first_name"] == ["This field is required."]
    assert answer["errors"]["date_of_birth"] == ["The date cannot be in the future."]
    assert _children() == 0 and not OfflineSubmission.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["offline_sync", "create_case"]).exists()

    fixed = send(client, {**data, "first_name": "Oleksandr", "date_of_birth": "2016-03-14"})
    assert fixed["status"] == "created" and fixed["replayed"] is False
    assert _children() == 1


def test_refusal_messages_are_in_the_workers_language_with_the_rows_of_the_groups(
    client, worker_tm
):
    worker_tm.language = "uk"
    worker_tm.save(update_fields=["language"])
    client.force_login(worker_tm)
    row = {"first_name": "Микола", "last_name": "Shevchenko", "sex": "male"}
    data = with_children(offline_data(last_name=""), [{**row, "date_of_birth": "2019-01-02"}])

    answer = send(client, data)

    assert answer["status"] == "refused"
    assert answer["errors"]["last_name"] == ["Це поле обов'язкове."]
    assert answer["errors"]["accompanying_children-0-first_name"] == [
        "Напишіть ім'я латиницею, як його пише родина; написання з документів "
        "(напр. кирилицею) внесіть у поле повного імені, як у документах дитини."
    ]
    assert _children() == 0


def test_the_offline_fields_refused_in_romanian(client, worker_tm):
    worker_tm.language = "ro"
    worker_tm.save(update_fields=["language"])
    client.force_login(worker_tm)

    answer = send(client, offline_data(typed_at="yesterday"))

    assert answer["status"] == "refused"
    assert answer["errors"] == {
        "offline_typed_at": ["Ora la care a fost completată această înregistrare nu este validă."]
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("offline_key", "not-a-uuid"),
        ("offline_key", ""),
        ("offline_typed_at", "2026-13-45T99:00:00"),
        ("offline_typed_at", "9" * 40),
        ("offline_duplicates", "maybe"),
        ("offline_after", "garbage"),
    ],
)
def test_bad_offline_fields_are_refused_not_a_server_error(client, worker_tm, field, value):
    client.force_login(worker_tm)
    answer = send(client, {**offline_data(), field: value})
    assert answer["status"] == "refused"
    assert list(answer["errors"]) == [field]
    assert _children() == 0 and not OfflineSubmission.objects.exists()


@pytest.mark.parametrize(
    "garbage",
    [
        {},
        {"accompanying_children-TOTAL_FORMS": "lots", "consent_registration": "yes"},
        {"accompanying_adults-TOTAL_FORMS": "1000"},
        {"date_of_birth": "0000-00-00", "registration_date": "<script>"},
        {"languages": ["x" * 5000]},
        {"existing_caregiver": "C" * 200, "household": "' OR 1=1 --"},
    ],
)
def test_garbage_is_refused_with_messages_never_a_server_error(client, worker_tm, garbage):
    client.force_login(worker_tm)
    data = {**offline_data(), **garbage} if garbage else {"offline_key": str(uuid.uuid4())}
    if not garbage:
        data["offline_typed_at"] = TYPED_AT
    answer = send(client, data)
    assert answer["status"] == "refused"
    assert answer["errors"]
    assert _children() == 0


# Possible duplicates --------------------------------------------------------------------


@pytest.fixture
def registered(worker_tm):
    """Oleksandr Shevchenko, already registered online by worker.tm."""
    from tests.registration.helpers import post_data

    data = post_data()
    return make_child(
        worker_tm,
        first_name=data["first_name"],
        last_name=data["last_name"],
        date_of_birth=dt.date.fromisoformat(data["date_of_birth"]),
    )


def test_possible_duplicates_hold_the_registration_until_the_worker_confirms(
    client, worker_tm, registered
):
    client.force_login(worker_tm)
    data = offline_data()

    held = send(client, data)

    assert held["status"] == "duplicates"
    assert held["duplicates"] == [
        {
            "code": registered.code,
            "name": "Oleksandr Shevchenko",
            "date_of_birth": registered.date_of_birth.isoformat(),
            "county": "Timiș",
            "visible": True,
            "url": f"/cases/{registered.code}/",
        }
    ]
    assert _children() == 1 and not OfflineSubmission.objects.exists()
    search = AuditEvent.objects.get(action="search")
    assert search.details["page"] == "registration_offline"
    assert search.details["case_codes"] == [registered.code]

    confirmed = send(client, {**data, "offline_duplicates": "confirm"})
    assert confirmed["status"] == "created" and confirmed["code"] != registered.code
    assert _children() == 2


def test_linking_to_the_existing_child_creates_nothing_and_is_audited(
    client, worker_tm, registered
):
    client.force_login(worker_tm)
    data = offline_data(offline_duplicates=f"link:{registered.code}")

    linked = send(client, data)
    again = send(client, data)

    assert linked == {
        "status": "linked",
        "key": data["offline_key"],
        "code": registered.code,
        "url": f"/cases/{registered.code}/",
        "replayed": False,
    }
    assert again == {**linked, "replayed": True}
    assert _children() == 1
    event = AuditEvent.objects.get(action="offline_sync")
    assert event.object_code == registered.code
    assert event.details["outcome"] == "linked"
    assert event.details["offline_key"] == data["offline_key"]


def test_a_duplicate_in_a_caseload_the_worker_cannot_open_shows_only_its_county(
    client, worker_tm, worker_sv
):
    from tests.registration.helpers import post_data

    other = make_child(
        worker_sv,
        first_name="Oleksandr",
        last_name="Shevchenko",
        date_of_birth=dt.date.fromisoformat(post_data()["date_of_birth"]),
    )
    client.force_login(worker_tm)

    held = send(client, offline_data())

    assert held["duplicates"] == [
        {
            "code": "",
            "name": "",
            "date_of_birth": "",
            "county": "Suceava",
            "visible": False,
            "url": "",
        }
    ]
    assert other.code not in str(held)


@pytest.mark.parametrize("code", ["other-county", "ZZZZZZZZ", ""])
def test_linking_to_a_code_the_worker_may_not_open_is_refused(client, worker_tm, worker_sv, code):
    other = make_child(worker_sv)
    code = other.code if code == "other-county" else code
    client.force_login(worker_tm)

    answer = send(client, offline_data(offline_duplicates=f"link:{code}"))

    assert answer["status"] == "refused"
    assert answer["errors"] == {
        "offline_duplicates": [
            "This record cannot be linked: it does not exist or you may not open it."
        ]
    }
    assert other.code not in str(answer)
    assert not OfflineSubmission.objects.exists()
    assert not AuditEvent.objects.filter(action="offline_sync").exists()


# The next child of the household --------------------------------------------------------


def test_the_next_child_joins_the_household_and_caregiver_of_the_earlier_entry(client, worker_tm):
    client.force_login(worker_tm)
    sibling = {
        "first_name": "Mykola",
        "last_name": "Shevchenko",
        "sex": "male",
        "date_of_birth": "2019-01-02",
        "relationship": "mother",
    }
    first = offline_data()
    second = offline_data(
        first_name="Mykola",
        name_native="Микола Шевченко",
        date_of_birth="2019-01-02",
        offline_after=first["offline_key"],
        # Typed again on the device: the caregiver linked is the first child's.
        caregiver_first_name="Olena",
    )

    assert send(client, second)["status"] == "waiting"
    assert _children() == 0 and not OfflineSubmission.objects.exists()

    one = send(client, with_children(first, [sibling]))
    two = send(client, second)

    assert one["status"] == two["status"] == "created", (one, two)
    older, younger = Child.objects.get(code=one["code"]), Child.objects.get(code=two["code"])
    assert younger.household_id == older.household_id is not None
    assert younger.caregiver_id == older.caregiver_id
    assert PendingSibling.objects.get(household=older.household).registered_child == younger


def test_the_next_child_cannot_join_a_family_queued_by_another_worker(
    client, worker_tm, worker2_tm
):
    client.force_login(worker_tm)
    first = offline_data()
    send(client, first)
    client.force_login(worker2_tm)

    answer = send(client, offline_data(first_name="Mykola", offline_after=first["offline_key"]))

    assert answer["status"] == "refused"
    assert answer["errors"] == {
        "offline_after": ["The earlier registration of this family cannot be used."]
    }
    assert _children() == 1


# Who may send ---------------------------------------------------------------------------


def test_a_signed_out_send_answers_login_and_stores_nothing(client):
    response = client.post(SEND, offline_data())
    assert response.status_code == 403
    assert response.json() == {"status": "login"}
    assert _children() == 0


def test_another_user_replaying_the_key_learns_nothing_of_the_case(client, worker_tm, worker2_tm):
    client.force_login(worker_tm)
    data = offline_data()
    code = send(client, data)["code"]
    client.force_login(worker2_tm)

    answer = send(client, {**data, "first_name": "Petro"})

    assert answer["status"] == "refused"
    assert answer["errors"] == {
        "__all__": ["This registration was already sent from another account."]
    }
    assert code not in str(answer)
    assert _children() == 1 and not Child.objects.filter(first_name="Petro").exists()


def test_the_send_needs_the_csrf_token_of_the_state(worker_tm):
    client = Client(enforce_csrf_checks=True)
    client.force_login(worker_tm)
    data = offline_data()

    assert client.post(SEND, data).status_code == 403
    token = client.get(STATE).json()["csrf"]
    response = client.post(SEND, data, headers={"X-CSRFToken": token})

    assert response.status_code == 200 and response.json()["status"] == "created"


def test_the_send_is_post_only_and_never_cached(client, worker_tm):
    client.force_login(worker_tm)
    assert client.get(SEND).status_code == 405
    response = client.post(SEND, offline_data())
    assert "no-store" in response["Cache-Control"]


# Audit ----------------------------------------------------------------------------------


def test_the_synced_registration_is_audited_with_when_it_was_typed_and_arrived(
    client, worker_tm, coord_tm
):
    client.force_login(worker_tm)
    data = offline_data(typed_at="2026-11-30T09:15:00+02:00")
    code = send(client, data)["code"]
    send(client, data)  # a replay is not a second registration

    event = AuditEvent.objects.get(action="offline_sync")
    assert (event.username, event.object_code, event.county_id) == (
        "worker.tm",
        code,
        "RO-TM",
    )
    assert event.details["typed_at"] == "2026-11-30T09:15:00+02:00"
    arrived = OfflineSubmission.objects.get().arrived_at
    assert event.details["arrived_at"] == arrived.isoformat()
    assert event.details["offline_key"] == data["offline_key"]
    assert event.details["outcome"] == "created"
    assert AuditEvent.objects.filter(action="create_case", object_code=code).count() == 1
    assert "Oleksandr" not in str(event.details)

    client.force_login(coord_tm)
    page = client.get("/audit/", {"action": "offline_sync"}).content.decode()
    assert "Sent a registration typed offline" in page
    assert "typed on the device: 2026-11-30 09:15 (UTC+02:00)" in page
    assert "outcome: new record" in page


def test_a_session_past_its_lifetime_answers_login_not_the_login_page(client, worker_tm, settings):
    """After the absolute session lifetime the queue must hear "login" (and keep the
    entry), not receive the login page as if it were the answer."""
    from accounts.middleware import SESSION_STARTED_KEY

    client.force_login(worker_tm)
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()

    response = client.post(SEND, offline_data())

    assert response.status_code == 403
    assert response.json() == {"status": "login"}
    assert _children() == 0
    assert client.post(SEND, offline_data()).json() == {"status": "login"}  # signed out
