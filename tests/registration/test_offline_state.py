"""GET /register/offline/state/: what the browser keeps for working offline — the
signed-in user, the token of the sends, the language, and the worker's own recent cases
(codes and names only), never cached, the look at those cases audited by code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Child
from tests.factories import make_child
from tests.registration.offline_helpers import STATE

pytestmark = pytest.mark.django_db


def test_the_state_holds_the_user_token_language_and_own_recent_cases(
    client, worker_tm, worker2_tm
):
    mine = make_child(worker_tm, first_name="Oleksandr", last_name="Shevchenko")
    make_child(worker2_tm, seed=2, first_name="Petro")  # a colleague's: not in the list
    old = make_child(worker_tm, seed=3, first_name="Vasyl")
    Child.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=91))
    worker_tm.language = "uk"
    worker_tm.save(update_fields=["language"])
    client.force_login(worker_tm)

    response = client.get(STATE)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    state = response.json()
    assert state["user"] == worker_tm.pk
    assert state["language"] == "uk"
    assert len(state["csrf"]) >= 32
    assert state["recent"] == [
        {
            "code": mine.code,
            "first_name": "Oleksandr",
            "last_name": "Shevchenko",
            "name_native": mine.name_native,
            "date_of_birth": mine.date_of_birth.isoformat(),
        }
    ]


def test_a_case_moved_to_another_county_leaves_the_list(client, worker_tm, country):
    from cases.services.transfer import transfer_case

    moved = make_child(worker_tm)
    transfer_case(moved, country, "RO-SV")
    client.force_login(worker_tm)

    assert client.get(STATE).json()["recent"] == []


def test_the_look_at_the_recent_cases_is_audited_by_code_only(client, worker_tm):
    child = make_child(worker_tm, first_name="Oleksandr")
    client.force_login(worker_tm)

    client.get(STATE)

    event = AuditEvent.objects.get(action="view_case", details__page="registration_offline_state")
    assert event.username == "worker.tm" and event.county_id == "RO-TM"
    assert event.details["case_codes"] == [child.code]
    assert event.details["results"] == 1
    assert "Oleksandr" not in str(event.details)


def test_signed_out_the_state_answers_login(client):
    response = client.get(STATE)
    assert response.status_code == 403
    assert response.json() == {"status": "login"}


def test_the_state_is_read_only(client, worker_tm):
    client.force_login(worker_tm)
    assert client.post(STATE).status_code == 405
