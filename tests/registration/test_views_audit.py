"""Every look at a case is audited (roles.md), including the pages of registration that
show one: the confirmation page and the form pre-filled from the previous child."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from tests.registration.helpers import post_data

pytestmark = pytest.mark.django_db


def _register(client, **overrides):
    response = client.post("/register/", post_data(**overrides))
    assert response.status_code == 302
    return response["Location"]


def test_the_confirmation_page_records_a_look_at_the_case(client, worker_tm):
    client.force_login(worker_tm)
    done_url = _register(client)
    code = done_url.rstrip("/").split("/")[-1]
    assert not AuditEvent.objects.filter(action="view_case").exists()

    assert client.get(done_url).status_code == 200

    event = AuditEvent.objects.get(action="view_case", object_code=code)
    assert event.username == worker_tm.username
    assert event.county_id == "RO-TM"
    assert event.details == {"page": "registration_done"}
    assert event.ip_address == "127.0.0.1"


def test_the_form_prefilled_from_the_previous_child_records_a_look_at_it(client, worker_tm):
    client.force_login(worker_tm)
    code = _register(client).rstrip("/").split("/")[-1]

    page = client.get(f"/register/?after={code}").content.decode()

    assert 'value="Shevchenko"' in page  # the previous child's last name is shown
    event = AuditEvent.objects.get(action="view_case", object_code=code)
    assert event.details == {"page": "registration_prefill"}
    # A blank form shows no case: nothing to audit.
    client.get("/register/")
    assert AuditEvent.objects.filter(action="view_case").count() == 1


def test_no_audit_event_when_the_case_is_not_yours(client, worker_tm, worker_sv):
    client.force_login(worker_tm)
    done_url = _register(client)
    client.force_login(worker_sv)
    assert client.get(done_url).status_code == 404
    assert not AuditEvent.objects.filter(action="view_case").exists()


def test_audit_details_hold_no_personal_data(client, worker_tm):
    client.force_login(worker_tm)
    done_url = _register(client, interviewer_notes="Secret note")
    client.get(done_url)
    for event in AuditEvent.objects.all():
        text = repr(event.details)
        for personal in ("Oleksandr", "Shevchenko", "Olena", "Secret", "FX123456", "+40"):
            assert personal not in text


def test_the_duplicate_panel_is_audited_as_a_search_without_the_typed_name(
    client, worker_tm, worker_sv
):
    client.force_login(worker_tm)
    code = _register(client).rstrip("/").split("/")[-1]
    # Nothing shown, nothing to audit.
    client.post(
        "/register/duplicates/", post_data(first_name="Maria", last_name="Popa", name_native="")
    )
    assert not AuditEvent.objects.filter(action="search").exists()

    page = client.post("/register/duplicates/", post_data(first_name="Olexandr")).content
    assert code in page.decode()
    event = AuditEvent.objects.get(action="search")
    assert event.details == {
        "page": "registration_duplicates",
        "name_search": True,
        "results": 1,
        "case_codes": [code],
    }
    assert "Olexandr" not in repr(event.details)

    # Out of scope: the match is counted, its code is not written down for this user.
    client.force_login(worker_sv)
    client.post("/register/", post_data(first_name="Alexandr", current_county="RO-SV"))
    event = AuditEvent.objects.filter(action="search").latest("pk")
    assert (event.username, event.details["results"], event.details["case_codes"]) == (
        worker_sv.username,
        1,
        [],
    )
