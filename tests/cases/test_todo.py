"""The to-do lists of each role (cases/todo.py), their pages and the count in the navigation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape

from accounts.services import set_active, update_user
from cases import todo
from cases.models import Child, Transfer
from cases.services import caseload
from cases.services.assignment import assign_case
from cases.services.closure import approve_closure, close_case, reject_closure
from cases.services.followups import record_follow_up
from cases.services.sharing import share_case
from cases.services.transfer import request_transfer, transfer_case
from tests.cases._workflow import TODAY, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_counts(worker_tm, worker2_tm, coord_tm, worker_sv, coord_sv, country):
    """The cache may be Redis, shared with earlier runs whose users had the same ids."""
    users = [worker_tm.pk, worker2_tm.pk, coord_tm.pk, worker_sv.pk, coord_sv.pk, country.pk]
    todo.forget_counts(users)
    yield
    todo.forget_counts(users)


def page_url(section: str, **params) -> str:
    url = reverse("cases:todo", kwargs={"section": section})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def set_due(child: Child, days: int) -> Child:
    Child.objects.filter(pk=child.pk).update(next_follow_up_due=TODAY() + dt.timedelta(days=days))
    child.refresh_from_db()
    return child


# Field worker ---------------------------------------------------------------------------


def test_worker_sees_every_follow_up_soonest_first_paginated(client, worker_tm, worker2_tm):
    mine = [set_due(open_case(worker_tm, seed=i), days=i - 20) for i in range(30)]
    colleague = set_due(open_case(worker2_tm, seed=99), days=-5)
    client.force_login(worker_tm)
    first = client.get(page_url("follow-ups"))
    assert first.status_code == 200
    codes = [c.code for c in first.context["rows"]]
    assert codes == [c.code for c in mine[:25]]  # soonest (most overdue) first
    assert colleague.code not in first.content.decode()
    second = client.get(page_url("follow-ups", page=2))
    assert [c.code for c in second.context["rows"]] == [c.code for c in mine[25:]]
    # The link of each row is where the follow-up is recorded.
    assert reverse("cases:follow_up", kwargs={"code": mine[0].code}) in first.content.decode()


def test_each_follow_up_row_shows_its_case_escaped_and_marks_the_overdue_ones(
    client, worker_tm, settings
):
    evil = '<script>alert("x")</script>'
    late = set_due(open_case(worker_tm, seed=1, risk="high"), days=-1)
    Child.objects.filter(pk=late.pk).update(first_name=evil, last_name="O'Neil")
    today = set_due(open_case(worker_tm, seed=2), days=0)
    client.force_login(worker_tm)
    body = client.get(page_url("follow-ups")).content.decode()
    rows = re.findall(r"<tr[^>]*><td data-label=.*?</tr>", body, re.S)
    assert len(rows) == 2
    late_row, today_row = rows
    assert late_row.startswith('<tr class="overdue">') and 'badge alert">overdue<' in late_row
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#x27;Neil" in late_row
    assert "<script>" not in body
    assert f'<a href="{late.get_absolute_url()}">{late.code}</a>' in late_row
    assert reverse("cases:follow_up", kwargs={"code": late.code}) in late_row
    assert 'class="risk risk-high">High<' in late_row
    assert today_row.startswith("<tr><td") and "overdue" not in today_row
    assert formats.date_format(today.next_follow_up_due, "SHORT_DATE_FORMAT") in today_row
    # On a phone each value says what it is, in the worker's language.
    settings.LANGUAGE_CODE = "uk"
    worker_tm.language = "uk"
    worker_tm.save(update_fields=["language"])
    body = client.get(page_url("follow-ups")).content.decode()
    for heading in ("Case", "Name", "Risk", "Due"):
        assert f'data-label="{translation.gettext_noop(heading)}"' not in body
    with translation.override("uk"):
        labels = [translation.gettext(h) for h in ("Case", "Name", "Risk", "Due")]
    assert all(f'data-label="{escape(label)}"' in body for label in labels)


def test_a_list_page_and_its_length_are_read_in_one_query(client, worker_tm):
    mine = [set_due(open_case(worker_tm, seed=i), days=i - 20) for i in range(30)]
    client.force_login(worker_tm)
    client.get(page_url("follow-ups"))  # lookups cached, as in a running server
    with CaptureQueriesContext(connection) as queries:
        second = client.get(page_url("follow-ups", page=2))
    # Counting the list, then reading its page, read every case of the worker twice.
    assert not [q for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert [c.code for c in second.context["rows"]] == [c.code for c in mine[25:]]
    assert second.context["page"].paginator.count == 30
    assert '<span class="badge">30</span>' in second.content.decode()
    # A page past the end shows the last one; a page that is not a number, the first.
    assert client.get(page_url("follow-ups", page=9)).context["page"].number == 2
    assert client.get(page_url("follow-ups", page="x")).context["page"].number == 1
    assert client.get(page_url("follow-ups", page=0)).context["page"].number == 2


@pytest.mark.parametrize("number", ["99999999999999999999999", "9223372036854775807", "1e3"])
def test_a_page_number_beyond_any_list_shows_the_last_page(client, worker_tm, number):
    mine = [set_due(open_case(worker_tm, seed=i), days=i) for i in range(3)]
    client.force_login(worker_tm)
    response = client.get(page_url("follow-ups"), {"page": number})
    assert response.status_code == 200
    assert [c.code for c in response.context["rows"]] == [c.code for c in mine]


def test_an_empty_list_has_one_empty_page(client, worker_tm):
    client.force_login(worker_tm)
    response = client.get(page_url("follow-ups"))
    assert response.status_code == 200
    assert list(response.context["rows"]) == []
    assert response.context["page"].paginator.count == 0
    assert client.get(page_url("follow-ups", page=3)).context["page"].number == 1


def test_worker_count_is_follow_ups_of_the_week_and_what_is_new(
    client, worker_tm, coord_tm, worker2_tm
):
    set_due(open_case(worker_tm, seed=1), days=-3)
    set_due(open_case(worker_tm, seed=2), days=6)
    set_due(open_case(worker_tm, seed=3), days=30)  # listed, but not counted yet
    assigned = open_case(coord_tm, seed=4)
    set_due(assigned, days=40)
    assign_case(assigned, coord_tm, worker_tm)
    assert todo.count_for(worker_tm) == 3  # two due this week, one newly assigned
    client.force_login(worker_tm)
    page = client.get("/").content.decode()
    assert 'class="todo-link"' in page
    assert "To do <span" in page and '">3</span>' in page


def test_worker_home_shows_the_whole_schedule_and_counts_the_week(client, worker_tm):
    # More follow-ups than the home page lists: the block says how many are scheduled,
    # the navigation how many need doing this week.
    for i in range(todo.HOME_ROWS + 2):
        set_due(open_case(worker_tm, seed=i), days=-2 if i < 3 else 20 + i)
    client.force_login(worker_tm)
    page = client.get("/")
    block = next(b for b in page.context["todo"] if b.section.key == "follow-ups")
    assert block.count == todo.HOME_ROWS + 2
    assert len(block.rows) == todo.HOME_ROWS
    assert f"See all {todo.HOME_ROWS + 2}" in page.content.decode()
    assert todo.cached_count_for(worker_tm) == todo.count_for(worker_tm) == 3


def test_opening_an_assigned_case_takes_it_off_the_new_list(client, worker_tm, coord_tm):
    child = open_case(coord_tm, seed=4)
    assign_case(child, coord_tm, worker_tm)
    assert [n.child_id for n in todo.new_cases(worker_tm)] == [child.pk]
    client.force_login(worker_tm)
    assert client.get(child.get_absolute_url()).status_code == 200
    assert list(todo.new_cases(worker_tm)) == []


def test_a_shared_case_is_new_for_the_user_of_the_other_county(
    client, worker_tm, coord_tm, worker_sv
):
    child = open_case(worker_tm)
    share_case(child, coord_tm, worker_sv)
    client.force_login(worker_sv)
    response = client.get(page_url("new-cases"))
    assert child.code in response.content.decode()
    assert "shared with you" in response.content.decode()


def test_a_rejected_closure_comes_back_to_the_worker_who_asked(client, worker_tm, coord_tm):
    child = open_case(worker_tm, risk="high")
    close_case(child, worker_tm, "needs_met", TODAY())
    reject_closure(child, coord_tm, "Visit the family once more first")
    client.force_login(worker_tm)
    response = client.get(page_url("returned-closures"))
    page = response.content.decode()
    assert child.code in page and "Visit the family once more first" in page
    assert f"{child.get_absolute_url()}#workflow" in page


# County coordinator ---------------------------------------------------------------------


@pytest.fixture
def county_queue(worker_tm, worker2_tm, coord_tm, worker_sv):
    """A closure to approve and a transfer into Timiș, a stale high-risk case, a case
    nobody carries; and the same in Suceava, which Timiș must not see."""
    closing = open_case(worker_tm, risk="high", seed=1)
    close_case(closing, worker_tm, "needs_met", TODAY())
    incoming = open_case(worker_sv, seed=2)
    request_transfer(incoming, worker_sv, "RO-TM", reason="The family moved to Lugoj.")
    stale = open_case(worker2_tm, risk="high", seed=3, days_ago=30)
    orphan = open_case(coord_tm, seed=4)
    sv_closing = open_case(worker_sv, risk="high", seed=5)
    close_case(sv_closing, worker_sv, "needs_met", TODAY())
    sv_orphan = open_case(worker_sv, seed=6)
    return {
        "closing": closing,
        "incoming": incoming,
        "stale": stale,
        "orphan": orphan,
        "sv_closing": sv_closing,
        "sv_orphan": sv_orphan,
    }


def test_county_coordinator_sees_what_waits_in_the_county_only(client, coord_tm, county_queue):
    q = county_queue
    assert [c.child_id for c in todo.closures_to_approve(coord_tm)] == [q["closing"].pk]
    assert [t.child_id for t in todo.incoming_transfers(coord_tm)] == [q["incoming"].pk]
    stale = {c.pk for c in todo.high_risk_without_follow_up(coord_tm)}
    assert q["stale"].pk in stale and q["sv_closing"].pk not in stale
    # Registered 90 days ago too, but closing: the closure case is also high risk with no
    # follow-up, which is right: it is still open until approved.
    assert [c.pk for c in todo.unassigned(coord_tm)] == [q["orphan"].pk]
    client.force_login(coord_tm)
    home = client.get("/").content.decode()
    for key in ("closing", "incoming", "orphan"):
        assert q[key].code in home
    assert q["sv_closing"].code not in home and q["sv_orphan"].code not in home
    assert reverse("cases:accept_transfer", kwargs={"code": q["incoming"].code}) in home
    assert reverse("cases:assign", kwargs={"code": q["orphan"].code}) in home


def test_a_follow_up_takes_a_high_risk_case_off_the_list(coord_tm, worker2_tm, county_queue):
    stale = county_queue["stale"]
    record_follow_up(stale, worker2_tm, TODAY(), "phone", "", "high")
    assert stale.pk not in {c.pk for c in todo.high_risk_without_follow_up(coord_tm)}


def test_assigning_takes_a_case_off_the_unassigned_list(coord_tm, worker_tm, county_queue):
    assign_case(county_queue["orphan"], coord_tm, worker_tm)
    assert list(todo.unassigned(coord_tm)) == []


def test_overdue_follow_ups_per_worker_link_to_the_worker_list(client, coord_tm, worker_tm):
    set_due(open_case(worker_tm, seed=1), days=-2)
    client.force_login(coord_tm)
    response = client.get(page_url("overdue"))
    page = response.content.decode()
    assert f"{reverse('cases:overdue')}?worker={worker_tm.pk}" in page
    assert "Ana Popescu" in page


def test_the_transfer_list_shows_the_reason_without_the_name(client, coord_tm, county_queue):
    client.force_login(coord_tm)
    page = client.get(page_url("transfers")).content.decode()
    incoming = county_queue["incoming"]
    assert incoming.code in page and "The family moved to Lugoj." in page
    assert incoming.first_name not in page


def test_coordinator_count_is_closures_transfers_stale_high_risk_and_unassigned(
    coord_tm, county_queue
):
    # closing (also high risk without contact), incoming, stale, orphan
    assert todo.count_for(coord_tm) == 1 + 1 + 2 + 1


def test_the_navigation_count_costs_a_few_queries_and_is_cached(client, coord_tm, county_queue):
    with CaptureQueriesContext(connection) as queries:
        todo.cached_count_for(coord_tm)
    assert len(queries) <= 5
    with CaptureQueriesContext(connection) as queries:
        todo.cached_count_for(coord_tm)
    assert len(queries) == 0


def test_a_new_closure_request_is_counted_at_once_for_the_coordinator(
    coord_tm, worker_tm, django_capture_on_commit_callbacks
):
    assert todo.cached_count_for(coord_tm) == 0
    child = open_case(worker_tm, risk="high", days_ago=3)
    with django_capture_on_commit_callbacks(execute=True):
        close_case(child, worker_tm, "needs_met", TODAY())
    assert todo.cached_count_for(coord_tm) == 1


# Country coordinator --------------------------------------------------------------------


def test_country_coordinator_sees_every_county_and_late_transfers(
    client, country, county_queue, worker_sv
):
    q = county_queue
    closures = {c.child_id for c in todo.closures_to_approve(country)}
    assert closures == {q["closing"].pk, q["sv_closing"].pk}
    assert {c.pk for c in todo.unassigned(country)} == {q["orphan"].pk}
    assert list(todo.late_transfers(country)) == []
    Transfer.objects.update(requested_at=timezone.now() - dt.timedelta(days=8))
    assert [t.child_id for t in todo.late_transfers(country)] == [q["incoming"].pk]
    client.force_login(country)
    page = client.get(page_url("late-transfers")).content.decode()
    assert q["incoming"].code in page and "Timiș" in page
    one = client.get(page_url("closures", county="RO-SV"))
    assert [c.child_id for c in one.context["rows"]] == [q["sv_closing"].pk]


# Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "section"),
    [
        ("worker_tm", "closures"),
        ("worker_tm", "transfers"),
        ("worker_tm", "unassigned"),
        ("worker_tm", "high-risk"),
        ("worker_tm", "overdue"),
        ("coord_tm", "follow-ups"),
        ("coord_tm", "late-transfers"),
        ("country", "transfers"),
    ],
)
def test_a_list_of_another_role_is_refused(client, request, persona, section):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page_url(section)).status_code == 403


@pytest.mark.parametrize("persona", ["worker_tm", "coord_tm"])
@pytest.mark.parametrize("section", ["closures", "follow-ups", "unassigned"])
def test_another_countys_list_is_404_for_county_users(client, request, persona, section):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page_url(section, county="RO-SV")).status_code == 404


def test_unknown_list_and_unknown_county_are_404(client, country):
    client.force_login(country)
    assert client.get(page_url("nothing-here")).status_code == 404
    assert client.get(page_url("closures", county="RO-XX")).status_code == 404


def test_lists_answer_405_to_post_and_send_strangers_to_login(client, coord_tm):
    assert client.get(page_url("closures")).status_code == 302
    client.force_login(coord_tm)
    assert client.post(page_url("closures")).status_code == 405


def test_lists_are_never_cached(client, worker_tm):
    client.force_login(worker_tm)
    assert "no-store" in client.get(page_url("follow-ups"))["Cache-Control"]


# The county-wide lists, kept per county (issue 14) ---------------------------------------


def home_lists(user) -> dict:
    """What the home page shows of the kept lists: their counts and first rows."""
    blocks = {b.section.key: b for b in todo.home_blocks(user)}
    shown = {key: (blocks[key].count, [c.pk for c in blocks[key].rows]) for key in todo.KEPT_LISTS}
    shown["overdue"] = [(r.key, r.label, r.overdue) for r in blocks["overdue"].rows]
    return shown


def counted_now(user) -> dict:
    """The same from the lists' own pages and the caseload review, counted now."""
    shown = {}
    for key in todo.KEPT_LISTS:
        rows = todo.SECTIONS[key].rows(user, None)
        shown[key] = (rows.count(), [c.pk for c in rows[: todo.HOME_ROWS]])
    review = (
        caseload.rows_per_worker(user.county_id)
        if user.is_county_coordinator
        else caseload.rows_per_county()
    )
    shown["overdue"] = [(r.key, r.label, r.overdue) for r in review if r.overdue][: todo.HOME_ROWS]
    return shown


def _follow_up(q, p):
    record_follow_up(q["stale"], p["worker2_tm"], TODAY(), "phone", "", "high")


def _assign(q, p):
    assign_case(q["orphan"], p["coord_tm"], p["worker_tm"])


def _approve_closure(q, p):
    approve_closure(q["closing"], p["coord_tm"])


def _transfer(q, p):
    transfer_case(q["sv_orphan"], p["country"], "RO-TM")


def _worker_made_inactive(q, p):
    # The stale case was registered by worker2 and never assigned: nobody carries it now.
    set_active(p["coord_tm"], p["worker2_tm"], False)


def _worker_moved(q, p):
    w = p["worker2_tm"]
    update_user(
        p["country"],
        w,
        first_name=w.first_name,
        last_name=w.last_name,
        email=w.email,
        organisation=w.organisation,
        role=w.role,
        county_code="RO-SV",
    )


@pytest.fixture
def people(worker_tm, worker2_tm, coord_tm, worker_sv, coord_sv, country):
    return locals()


@pytest.fixture
def overdue_queue(county_queue):
    set_due(county_queue["stale"], days=-3)
    set_due(county_queue["sv_orphan"], days=-1)
    return county_queue


@pytest.mark.parametrize(
    "change",
    [_follow_up, _assign, _approve_closure, _transfer, _worker_made_inactive, _worker_moved],
)
def test_kept_lists_are_right_right_after_each_change(
    change, people, overdue_queue, django_capture_on_commit_callbacks
):
    coordinators = [people["coord_tm"], people["coord_sv"], people["country"]]
    before = {u.username: home_lists(u) for u in coordinators}  # now kept in the cache
    assert before == {u.username: counted_now(u) for u in coordinators}
    with django_capture_on_commit_callbacks(execute=True):
        change(overdue_queue, people)
    for user in coordinators:
        user.refresh_from_db()
    after = {u.username: home_lists(u) for u in coordinators}
    assert after == {u.username: counted_now(u) for u in coordinators}
    assert after != before  # each change moves some list: a stale cache would fail here


def test_a_change_in_one_county_leaves_the_others_kept_lists(
    people, overdue_queue, django_capture_on_commit_callbacks
):
    coord_tm, coord_sv = people["coord_tm"], people["coord_sv"]
    tm_before, sv_before = home_lists(coord_tm), home_lists(coord_sv)
    with django_capture_on_commit_callbacks(execute=True):
        # The follow-up is no longer overdue once the contact is recorded.
        record_follow_up(
            overdue_queue["sv_orphan"], people["worker_sv"], TODAY(), "phone", "", "low"
        )
    with CaptureQueriesContext(connection) as queries:
        tm_after = home_lists(coord_tm)
    assert tm_after == tm_before
    assert not [q for q in queries if "ROW_NUMBER" in q["sql"].upper()]  # not counted again
    sv_after = home_lists(coord_sv)
    assert sv_after != sv_before and sv_after == counted_now(coord_sv)


def test_home_page_shows_the_kept_lists_after_a_change(
    client, people, overdue_queue, django_capture_on_commit_callbacks
):
    coord_tm = people["coord_tm"]
    client.force_login(coord_tm)
    assert overdue_queue["orphan"].code in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assign_case(overdue_queue["orphan"], coord_tm, people["worker_tm"])
    assert overdue_queue["orphan"].code not in client.get("/").content.decode()
    assert todo.count_for(coord_tm) == todo.cached_count_for(coord_tm)
