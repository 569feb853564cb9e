"""Browsing the audit log: coordinators within their scope, read-only, field workers 403."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.log import record
from audit.models import Action, AuditEvent
from tests.factories import make_child

pytestmark = pytest.mark.django_db
URL = reverse("audit:list")


def shown(response) -> set[int]:
    return {e.pk for e in response.context["page"].object_list}


@pytest.fixture
def events(worker_tm, worker_sv):
    tm_case = make_child(worker_tm, seed=1)
    sv_case = make_child(worker_sv, seed=2)
    return {
        "tm_view": record(worker_tm, Action.VIEW_CASE, obj=tm_case),
        "sv_view": record(worker_sv, Action.VIEW_CASE, obj=sv_case),
        "tm_search": record(worker_tm, Action.SEARCH, county_code="RO-TM", filters={}),
        "tm_case": tm_case,
    }


def test_county_coordinator_sees_their_county_only(client, coord_tm, events):
    client.force_login(coord_tm)
    response = client.get(URL)
    assert response.status_code == 200
    ids = shown(response)
    assert events["tm_view"].pk in ids
    assert events["tm_search"].pk in ids
    assert events["sv_view"].pk not in ids
    assert all(e.county_id == "RO-TM" for e in response.context["page"].object_list)


def test_country_coordinator_sees_all(client, country, events):
    client.force_login(country)
    ids = shown(client.get(URL))
    assert {events["tm_view"].pk, events["sv_view"].pk} <= ids


def test_filters_by_action_user_code_and_date(client, country, events):
    client.force_login(country)
    assert shown(client.get(URL, {"action": "search"})) == {events["tm_search"].pk}
    by_user = shown(client.get(URL, {"username": "worker.sv"}))
    assert events["sv_view"].pk in by_user and events["tm_view"].pk not in by_user
    by_code = shown(client.get(URL, {"object_code": events["tm_case"].code.lower()}))
    assert events["tm_view"].pk in by_code and events["sv_view"].pk not in by_code
    today = timezone.localtime(events["tm_view"].at).date().isoformat()
    assert events["tm_view"].pk in shown(client.get(URL, {"date_from": today, "date_to": today}))
    assert shown(client.get(URL, {"date_to": "2022-01-01"})) == set()


@pytest.mark.parametrize("persona", ["worker_tm", "worker_sv"])
def test_field_workers_get_403(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


def test_nobody_can_change_the_log_through_this_page(client, country, events):
    client.force_login(country)
    before = AuditEvent.objects.count()
    assert client.post(URL, {"action": "view_case"}).status_code == 405
    assert client.delete(URL).status_code == 405
    assert AuditEvent.objects.count() == before


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_nav_links_the_log_for_coordinators_only(client, coord_tm, worker_tm):
    client.force_login(coord_tm)
    assert URL in client.get(reverse("cases:list")).content.decode()
    client.force_login(worker_tm)
    assert URL not in client.get(reverse("cases:list")).content.decode()


def test_details_are_shown_plainly_without_python_brackets(client, country):
    from audit.log import record
    from audit.models import Action

    record(
        country,
        Action.SEARCH,
        filters={"status": "open", "risk_level": "high"},
        results=3,
        assigned_to_id=None,
        name_search=True,
    )
    client.force_login(country)
    body = client.get(URL).content.decode()
    assert "filters: status=open, risk_level=high" in body
    assert "assigned to: —" in body
    assert "name_search: yes" in body
    assert "{&#x27;" not in body and "None" not in body


def test_ids_and_codes_are_shown_as_names_and_labels_while_stored_as_codes(
    client, country, coord_tm, worker_tm, worker_sv
):
    child = make_child(worker_tm, seed=3)
    assigned = record(
        coord_tm,
        Action.CHANGE_CASE,
        obj=child,
        event="assigned",
        assigned_to_id=worker_tm.pk,
        previous_assigned_to_id=None,
    )
    shared = record(coord_tm, Action.SHARE, obj=child, step="granted", user_id=worker_sv.pk)
    record(
        worker_tm,
        Action.CHANGE_CASE,
        obj=child,
        fields=["current_locality"],
        workflow_stage="referred",
        to_county="RO-SV",
    )
    client.force_login(country)
    body = client.get(URL).content.decode()
    assert f"assigned to: {worker_tm.username}" in body
    assert f"user: {worker_sv.username}" in body
    assert "answers changed: Town or commune" in body
    assert "workflow stage: Referred to services" in body
    assert "to county: Suceava" in body
    assert "assigned_to_id" not in body and "user_id" not in body
    assigned.refresh_from_db()
    shared.refresh_from_db()
    assert assigned.details["assigned_to_id"] == worker_tm.pk
    assert shared.details["user_id"] == worker_sv.pk


def test_user_names_are_resolved_for_the_whole_page_at_once(client, country, coord_tm, worker_tm):
    child = make_child(worker_tm, seed=4)
    record(coord_tm, Action.CHANGE_CASE, obj=child, assigned_to_id=worker_tm.pk)
    client.force_login(country)
    client.get(URL)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for _ in range(20):
        record(coord_tm, Action.CHANGE_CASE, obj=child, assigned_to_id=coord_tm.pk)
    with CaptureQueriesContext(connection) as many:
        body = client.get(URL).content.decode()
    assert body.count(f"assigned to: {coord_tm.username}") == 20
    assert len(many.captured_queries) == len(one.captured_queries)
