"""The home page per role: a field worker's cases and follow-ups due, a county
coordinator's county counts, the country coordinator's national counts by county."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import CaseStatus, Child
from tests.factories import make_child

pytestmark = pytest.mark.django_db


def set_case(child: Child, **fields) -> Child:
    Child.objects.filter(pk=child.pk).update(**fields)
    child.refresh_from_db()
    return child


def block(response, key: str):
    """A to-do block of the home page (cases/todo.py) by its section key."""
    return next(b for b in response.context["todo"] if b.section.key == key)


@pytest.fixture
def today():
    return timezone.localdate()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_answers_405_to_post(client, worker_tm):
    client.force_login(worker_tm)
    assert client.post("/").status_code == 405


def test_field_worker_sees_own_follow_ups_due_not_a_colleagues(
    client, worker_tm, worker2_tm, today
):
    overdue = set_case(
        make_child(worker_tm, seed=1), next_follow_up_due=today - dt.timedelta(days=3)
    )
    later = set_case(
        make_child(worker_tm, seed=2), next_follow_up_due=today + dt.timedelta(days=10)
    )
    closed = set_case(make_child(worker_tm, seed=3), status=CaseStatus.CLOSED)
    colleague = set_case(
        make_child(worker2_tm, seed=4), next_follow_up_due=today - dt.timedelta(days=1)
    )
    client.force_login(worker_tm)
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "My cases" in page
    due = [c.code for c in block(response, "follow-ups").rows]
    assert due == [overdue.code, later.code]  # soonest first, closed cases left out
    assert overdue.full_name in page
    assert colleague.code not in page
    assert closed.code not in page
    counts = response.context["counts"]
    assert counts["open"] == 2
    assert counts["closed"] == 1
    assert counts["overdue"] == 1
    assert 'class="overdue"' in page


def test_the_home_schedule_and_figures_agree_with_the_follow_up_list(
    client, worker_tm, worker2_tm, today
):
    def case(seed: int, days: int | None, risk: str = "low", **fields) -> Child:
        when = None if days is None else today + dt.timedelta(days=days)
        child = make_child(worker_tm, seed=seed)
        return set_case(child, next_follow_up_due=when, risk_level=risk, **fields)

    # Three overdue, three within the week, one later; the sixth at high risk.
    scheduled = [case(i, d) for i, d in enumerate((-3, -2, -1, 0, 2, 10))]
    scheduled.insert(5, case(6, 5, risk="high"))
    case(20, None)  # open, nothing scheduled
    case(21, -40, status=CaseStatus.CLOSED)  # a stale date on a closed case
    set_case(make_child(worker2_tm, seed=23), next_follow_up_due=today - dt.timedelta(days=9))
    client.force_login(worker_tm)
    response = client.get("/")
    schedule = block(response, "follow-ups")
    assert [c.code for c in schedule.rows] == [c.code for c in scheduled[:5]]
    assert schedule.count == 7
    listed = client.get("/cases/todo/follow-ups/").context["page"]
    assert listed.paginator.count == 7
    assert [c.code for c in listed.object_list] == [c.code for c in scheduled]
    assert response.context["counts"] == {
        "total": 9,
        "open": 8,
        "closed": 1,
        "high_risk": 1,
        "overdue": 3,
        "follow_ups": 7,
        "follow_ups_soon": 6,
    }


def test_a_worker_without_cases_sees_zeros_and_an_empty_schedule(client, worker_tm):
    client.force_login(worker_tm)
    response = client.get("/")
    assert response.status_code == 200
    assert list(block(response, "follow-ups").rows) == []
    assert set(response.context["counts"].values()) == {0}


def test_field_worker_sees_a_case_newly_assigned_by_the_coordinator(client, worker_tm, coord_tm):
    from cases.services.assignment import assign_case

    assigned = assign_case(make_child(coord_tm, seed=5), coord_tm, worker_tm)
    client.force_login(worker_tm)
    response = client.get("/")
    assert [n.child.code for n in block(response, "new-cases").rows] == [assigned.code]
    assert "Newly assigned or shared with me" in response.content.decode()
    assert response.context["counts"]["open"] == 1


def test_the_home_page_looks_at_the_workers_unseen_notices_once(client, worker_tm, coord_tm):
    """Each block of notices (new cases, returned closures) used to ask on its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.services.assignment import assign_case

    client.force_login(worker_tm)
    for assigned in (False, True):
        if assigned:
            assign_case(make_child(coord_tm, seed=5), coord_tm, worker_tm)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/")
        looks = [q for q in ctx.captured_queries if 'FROM "cases_notification"' in q["sql"]]
        # With nothing unseen, one look; with a new case, that look and the block's rows.
        assert len(looks) == (2 if assigned else 1), [q["sql"] for q in looks]
        assert len(block(response, "new-cases").rows) == (1 if assigned else 0)
        assert list(block(response, "returned-closures").rows) == []


def test_field_worker_with_nothing_due_is_told_so(client, worker_tm):
    client.force_login(worker_tm)
    response = client.get("/")
    assert "No follow-up is due." in response.content.decode()
    assert response.context["counts"]["open"] == 0


def test_county_coordinator_sees_the_county_counts_not_the_other_county(
    client, coord_tm, worker_tm, worker2_tm, worker_sv, today
):
    make_child(worker_tm, seed=1, risk_level="high")
    set_case(make_child(worker2_tm, seed=2), next_follow_up_due=today - dt.timedelta(days=2))
    set_case(make_child(worker_tm, seed=3), status=CaseStatus.CLOSED)
    for seed in range(10, 15):
        make_child(worker_sv, seed=seed)
    client.force_login(coord_tm)
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cases in Timiș" in page
    counts = response.context["counts"]
    assert counts["total"] == 3
    assert counts["open"] == 2
    assert counts["closed"] == 1
    assert counts["overdue"] >= 1
    assert "Suceava" not in page.split("</header>", 1)[1]


def test_country_coordinator_sees_national_counts_by_county(client, country, worker_tm, worker_sv):
    make_child(worker_tm, seed=1)
    make_child(worker_tm, seed=2)
    set_case(make_child(worker_sv, seed=3), status=CaseStatus.CLOSED)
    client.force_login(country)
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cases in Romania" in page
    counts = response.context["counts"]
    assert (counts["total"], counts["open"], counts["closed"]) == (3, 2, 1)
    body = page.split("</header>", 1)[1]
    assert "Timiș" in body and "Suceava" in body  # counts shown county by county


def test_anonymous_statistical_records_are_not_counted_as_cases(client, coord_tm, worker_tm):
    make_child(worker_tm, seed=1)
    record = make_child(worker_tm, seed=2)
    set_case(record, anonymous=True)
    client.force_login(coord_tm)
    assert client.get("/").context["counts"]["total"] == 1
