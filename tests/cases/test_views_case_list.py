"""The case list: scope by role, filters, name search, sorting, paging, audit of searches."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from audit.models import AuditEvent
from cases.models import Child
from tests.factories import make_child

pytestmark = pytest.mark.django_db
URL = reverse("cases:list")


def listed(response) -> set[str]:
    return {c.code for c in response.context["page"].object_list}


def test_field_worker_sees_own_and_assigned_cases_only(client, worker_tm, worker2_tm, coord_tm):
    own = make_child(worker_tm, seed=1)
    colleague = make_child(worker2_tm, seed=2)
    assigned = make_child(coord_tm, seed=3)
    Child.objects.filter(pk=assigned.pk).update(assigned_to=worker_tm)
    client.force_login(worker_tm)
    response = client.get(URL)
    assert response.status_code == 200
    assert listed(response) == {own.code, assigned.code}
    assert colleague.code not in response.content.decode()
    assert "2 cases" in response.content.decode()


def test_county_coordinator_sees_the_county_and_shared_cases(
    client, coord_tm, worker_tm, worker_sv
):
    tm = make_child(worker_tm, seed=1)
    sv = make_child(worker_sv, seed=2)
    shared = make_child(worker_sv, seed=3)
    assign_perm("cases.view_child", coord_tm, shared)
    client.force_login(coord_tm)
    response = client.get(URL)
    assert listed(response) == {tm.code, shared.code}
    assert sv.code not in response.content.decode()
    assert response.context["paginator"].count == 2


def test_country_coordinator_sees_every_case_and_no_anonymous_record(
    client, country, worker_tm, worker_sv
):
    a = make_child(worker_tm, seed=1)
    b = make_child(worker_sv, seed=2)
    make_child(worker_tm, seed=3, consent_registration=False)
    client.force_login(country)
    response = client.get(URL)
    assert listed(response) == {a.code, b.code}


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_other_methods_are_not_allowed(client, worker_tm):
    client.force_login(worker_tm)
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


def test_filters_by_risk_status_stage_and_county(client, country, worker_tm, worker_sv):
    high = make_child(worker_tm, seed=1, uasc_status="unaccompanied", risk_level="high")
    low = make_child(worker_tm, seed=2, risk_level="low")
    sv = make_child(worker_sv, seed=3, risk_level="low")
    Child.objects.filter(pk=low.pk).update(status="closed", workflow_stage="closed")
    client.force_login(country)
    assert listed(client.get(URL, {"risk_level": "high"})) == {high.code}
    assert listed(client.get(URL, {"status": "closed"})) == {low.code}
    assert listed(client.get(URL, {"workflow_stage": "closed"})) == {low.code}
    assert listed(client.get(URL, {"current_county": "RO-SV"})) == {sv.code}
    assert listed(client.get(URL, {"risk_level": "low", "status": "open"})) == {sv.code}


def test_filters_overdue_uasc_concern_and_dates(client, coord_tm, worker_tm):
    overdue = make_child(worker_tm, seed=1, uasc_status="separated", protection_concerns=[])
    fine = make_child(worker_tm, seed=2, uasc_status="accompanied", protection_concerns=["neglect"])
    closed_late = make_child(worker_tm, seed=3, uasc_status="accompanied")
    today = timezone.localdate()
    Child.objects.filter(pk=overdue.pk).update(
        next_follow_up_due=today - dt.timedelta(days=3), registration_date=dt.date(2023, 1, 10)
    )
    Child.objects.filter(pk=fine.pk).update(
        next_follow_up_due=today + dt.timedelta(days=3), registration_date=dt.date(2023, 6, 1)
    )
    Child.objects.filter(pk=closed_late.pk).update(
        status="closed", next_follow_up_due=today - dt.timedelta(days=3)
    )
    client.force_login(coord_tm)
    response = client.get(URL, {"overdue": "on"})
    assert listed(response) == {overdue.code}
    assert "overdue" in response.content.decode()
    assert listed(client.get(URL, {"uasc_status": "separated"})) == {overdue.code}
    assert listed(client.get(URL, {"protection_concern": "neglect"})) == {fine.code}
    window = {"registered_from": "2023-05-01", "registered_to": "2023-06-30"}
    assert listed(client.get(URL, window)) == {fine.code}


def test_assigned_worker_filter_offers_only_users_of_the_county(
    client, coord_tm, worker_tm, worker2_tm, worker_sv
):
    mine = make_child(worker_tm, seed=1)
    Child.objects.filter(pk=mine.pk).update(assigned_to=worker2_tm)
    make_child(worker_tm, seed=2)
    client.force_login(coord_tm)
    response = client.get(URL)
    choices = {
        str(v) for v, _label in response.context["filter"].form.fields["assigned_to"].choices
    }
    assert str(worker2_tm.pk) in choices
    assert str(worker_sv.pk) not in choices
    assert listed(client.get(URL, {"assigned_to": worker2_tm.pk})) == {mine.code}
    # A user of another county is not a valid choice: the filter is ignored, not obeyed.
    response = client.get(URL, {"assigned_to": worker_sv.pk})
    assert "assigned_to" in response.context["filter"].form.errors


def _select(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}" id="id_{name}">(.*?)</select>', html, re.S).group(1)


def test_filter_selects_mark_the_choice_escape_names_and_follow_renames(
    client, coord_tm, worker_tm, worker2_tm
):
    worker2_tm.first_name, worker2_tm.last_name = "<b>Ana</b>", "O'Neil & Co"
    worker2_tm.save()
    client.force_login(coord_tm)
    for _visit in range(2):  # the second visit is served from the kept option lists
        html = client.get(URL, {"assigned_to": worker2_tm.pk, "risk_level": "high"}).content
        workers = _select(html.decode(), "assigned_to")
        assert f'<option value="{worker2_tm.pk}" selected>' in workers
        assert workers.count(" selected") == 1
        assert "&lt;b&gt;Ana&lt;/b&gt; O&#x27;Neil &amp; Co" in workers and "<b>" not in workers
        risks = _select(html.decode(), "risk_level")
        assert '<option value="high" selected>' in risks and risks.count(" selected") == 1
    plain = _select(client.get(URL).content.decode(), "assigned_to")
    assert '<option value="" selected>' in plain and plain.count(" selected") == 1
    worker2_tm.first_name = "Ana Maria"
    worker2_tm.save()
    worker_tm.first_name = worker_tm.last_name = ""
    worker_tm.save()
    renamed = _select(client.get(URL).content.decode(), "assigned_to")
    assert "Ana Maria O&#x27;Neil &amp; Co" in renamed and "&lt;b&gt;" not in renamed
    # Without a name, a user is offered by their username.
    assert f'<option value="{worker_tm.pk}">{worker_tm.username}</option>' in renamed


def _filter_form(response) -> str:
    html = response.content.decode()
    start = html.index('<form method="post"')
    form = html[start : html.index("</form>", start)]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", form)


def test_the_filters_kept_rendered_follow_the_role_language_lookups_and_choice(
    client, coord_tm, worker_tm, django_capture_on_commit_callbacks
):
    from lookups.models import Choice

    client.force_login(coord_tm)
    first = _filter_form(client.get(URL))
    assert _filter_form(client.get(URL)) == first  # the second visit from the kept filters
    # A coordinator's county filter comes first, a field worker's under "More filters".
    assert first.index('name="current_county"') < first.index("more-filters")
    client.force_login(worker_tm)
    worker_form = _filter_form(client.get(URL))
    assert worker_form.index('name="current_county"') > worker_form.index("more-filters")
    # Another language, then a lookup renamed: shown on the next visit.
    client.cookies["django_language"] = "uk"
    assert "Високий" in _select(
        _filter_form(client.get(URL, HTTP_ACCEPT_LANGUAGE="uk")), "risk_level"
    )
    Choice.objects.filter(list_name="risk_level", code="high").update(label_uk="Дуже високий")
    with django_capture_on_commit_callbacks(execute=True):
        Choice.objects.get(list_name="risk_level", code="high").save()  # as the admin does
    risks = _select(_filter_form(client.get(URL, HTTP_ACCEPT_LANGUAGE="uk")), "risk_level")
    assert "Дуже високий" in risks
    # A chosen filter is marked (rendered, not kept); the plain list is plain again.
    chosen = _select(_filter_form(client.get(URL, {"risk_level": "high"})), "risk_level")
    assert '<option value="high" selected>' in chosen
    plain = _select(_filter_form(client.get(URL)), "risk_level")
    assert " selected" not in plain.replace('<option value="" selected>', "")


def test_the_kept_filters_offer_each_county_its_own_workers_and_the_nation_all(
    client, coord_tm, worker_tm, coord_sv, worker_sv, country
):
    offered = {}
    for viewer in (coord_tm, coord_sv, country, coord_tm):
        client.force_login(viewer)
        offered[viewer.username] = _select(_filter_form(client.get(URL)), "assigned_to")
    assert f'value="{worker_tm.pk}"' in offered[coord_tm.username]
    assert f'value="{worker_sv.pk}"' not in offered[coord_tm.username]
    assert f'value="{worker_sv.pk}"' in offered[coord_sv.username]
    assert f'value="{worker_tm.pk}"' not in offered[coord_sv.username]
    assert {f'value="{worker_tm.pk}"', f'value="{worker_sv.pk}"'} <= set(
        re.findall(r'value="\d+"', offered[country.username])
    )


def test_a_login_keeps_the_filters_and_a_change_of_a_user_renders_them_again(client, worker_tm):
    from cases.filters import users_version
    from tests.personas import PASSWORD

    before = users_version()
    response = client.post(reverse("login"), {"username": worker_tm.username, "password": PASSWORD})
    assert response.status_code == 302 and client.get(URL).status_code == 200  # signed in
    assert users_version() == before
    worker_tm.last_name = "Renamed"
    worker_tm.save()
    assert users_version() != before


def test_without_the_shared_cache_the_filters_are_rendered_for_each_visit(
    client, coord_tm, worker_tm, settings
):
    client.force_login(coord_tm)
    unreachable = {
        "BACKEND": "primero_ro.redis_cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # nothing answers there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    with override_settings(CACHES={**settings.CACHES, "default": unreachable}):
        assert client.get(URL).status_code == 200
        worker_tm.last_name = "Unkept"
        worker_tm.save()  # its new token cannot be written either
        response = client.get(URL)
    assert response.status_code == 200
    assert "Unkept" in _select(_filter_form(response), "assigned_to")


def test_a_name_search_shows_the_typed_name_beside_the_kept_filters(client, coord_tm, worker_tm):
    client.force_login(coord_tm)
    plain = _filter_form(client.get(URL))
    assert "Clear filters" not in plain
    found = _filter_form(client.post(URL, {"q": '<b>"Olena"</b>', "per_page": "25"}, follow=True))
    assert 'value="&lt;b&gt;&quot;Olena&quot;&lt;/b&gt;"' in found and "<b>" not in found
    assert "Clear filters" in found
    # Everything else is the plain list's.
    assert _select(found, "risk_level") == _select(plain, "risk_level")
    assert _select(found, "assigned_to") == _select(plain, "assigned_to")


def test_name_search_across_scripts_and_spellings(client, coord_tm, worker_tm):
    target = make_child(
        worker_tm, seed=1, first_name="Oleksandr", last_name="Shevchenko", name_native=""
    )
    other = make_child(worker_tm, seed=2, first_name="Iryna", last_name="Melnyk", name_native="")
    client.force_login(coord_tm)
    for query in ("Shevchenko", "Олександр Шевченко", "alexandr shevcenko", "shevch"):
        response = client.post(URL, {"q": query}, follow=True)
        assert target.code in listed(response), query
        assert other.code not in listed(response), query


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_name_search_tolerates_a_typo_on_postgresql(client, coord_tm, worker_tm):
    target = make_child(
        worker_tm, seed=1, first_name="Oleksandr", last_name="Shevchenko", name_native=""
    )
    make_child(worker_tm, seed=2, first_name="Iryna", last_name="Melnyk", name_native="")
    client.force_login(coord_tm)
    response = client.post(URL, {"q": "Oleksndr Shevchenko"}, follow=True)
    assert listed(response) == {target.code}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_a_search_through_the_name_dictionary_lists_what_the_test_on_each_case_lists(
    client, coord_tm, worker_tm, worker2_tm
):
    """The list reads the distinct keys first (cases.models.NameKey); the same cases, in
    the same order, as the search test applied to every case of the scope."""
    from django.db.models import F, Q, Value

    from cases.filters import TrigramWordSimilarity, WordSimilar
    from cases.names import name_key

    names = [
        ("Oleksandr", "Shevchenko"),
        ("Oleksandr", "Shevchuk"),
        ("Olena", "Shevchenko"),
        ("Alina", "Shevchenko"),
        ("Iryna", "Melnyk"),
        ("Taras", "Bondarenko"),
        ("Oleksii", "Bondar"),
    ]
    for seed, (first, last) in enumerate(names):
        make_child(worker_tm, seed=seed, first_name=first, last_name=last, name_native="")
        make_child(worker2_tm, seed=seed + 20, first_name=first, last_name=last, name_native="")
    queries = (
        "Oleksndr Shevchenko",
        "Олена Шевченко",
        "shevch",
        "Bondarenkko",
        "Taras Bondarnko",
        "Melnik Irina",
        "ali",
    )

    def case_by_case(user, text):
        key = name_key(text)
        contains_all = Q()
        for word in key.split():
            contains_all &= Q(name_key__contains=word)
        return [
            child.code
            for child in Child.objects.visible_to(user)
            .filter(contains_all | Q(WordSimilar(F("name_key"), Value(key))))
            .annotate(rank=TrigramWordSimilarity(Value(key), F("name_key")))
            .order_by("-rank", "-registration_date", "-id")
        ]

    for user in (coord_tm, worker_tm):
        client.force_login(user)
        for text in queries:
            page = client.post(URL, {"q": text, "per_page": 100}, follow=True).context["page"]
            expected = case_by_case(user, text)
            assert [child.code for child in page.object_list] == expected, (user, text)
            assert expected, text


def test_search_by_case_code(client, coord_tm, worker_tm):
    target = make_child(worker_tm, seed=1)
    make_child(worker_tm, seed=2)
    client.force_login(coord_tm)
    assert listed(client.post(URL, {"q": target.code.lower()}, follow=True)) == {target.code}


def test_search_finds_nothing_out_of_scope(client, coord_tm, worker_sv):
    sv = make_child(worker_sv, seed=1, first_name="Taras", last_name="Bondarenko")
    client.force_login(coord_tm)
    assert listed(client.post(URL, {"q": "Bondarenko"}, follow=True)) == set()
    assert listed(client.post(URL, {"q": sv.code}, follow=True)) == set()


def test_a_field_workers_search_finds_their_own_and_assigned_cases_only(
    client, worker_tm, worker2_tm, coord_tm
):
    own = make_child(worker_tm, seed=1, first_name="Taras", last_name="Bondarenko")
    assigned = make_child(coord_tm, seed=2, first_name="Taras", last_name="Bondarenko")
    Child.objects.filter(pk=assigned.pk).update(assigned_to=worker_tm)
    colleague = make_child(worker2_tm, seed=3, first_name="Taras", last_name="Bondarenko")
    client.force_login(worker_tm)
    for query in ("Bondarenko", "Тарас Бондаренко", "Taras Bondarenkko"):
        found = listed(client.post(URL, {"q": query}, follow=True))
        assert found == {own.code, assigned.code}, query
    assert colleague.code not in found
    # The same cases as the independent count of the scope.
    assert found == set(Child.objects.visible_to(worker_tm).values_list("code", flat=True))


def test_a_search_is_audited_with_filter_codes_but_not_the_typed_name(client, coord_tm, worker_tm):
    make_child(worker_tm, seed=1, first_name="Oleksandr", last_name="Shevchenko")
    client.force_login(coord_tm)
    client.post(URL, {"q": "Shevchenko", "risk_level": "low"}, REMOTE_ADDR="10.0.0.7", follow=True)
    event = AuditEvent.objects.get(action="search")
    assert event.username == "coord.tm"
    assert event.county_id == "RO-TM"
    assert event.ip_address == "10.0.0.7"
    assert event.details["filters"] == {"risk_level": "low"}
    assert event.details["name_search"] is True
    assert "shevch" not in str(event.details).lower()


def test_browsing_without_filters_or_paging_is_not_a_search(client, coord_tm, worker_tm):
    for seed in range(3):
        make_child(worker_tm, seed=seed)
    client.force_login(coord_tm)
    client.get(URL)
    client.get(URL, {"per_page": 10, "sort": "name"})
    client.get(URL, {"risk_level": "low", "page": 2})
    assert not AuditEvent.objects.filter(action="search").exists()


def test_sorting(client, country, worker_tm):
    a = make_child(worker_tm, seed=1, first_name="Zlata", last_name="Zhuk", risk_level="low")
    b = make_child(worker_tm, seed=2, first_name="Andrii", last_name="Boiko", risk_level="low")
    c = make_child(
        worker_tm,
        seed=3,
        first_name="Ivan",
        last_name="Moroz",
        uasc_status="unaccompanied",
        risk_level="high",
    )
    Child.objects.filter(pk=a.pk).update(
        registration_date=dt.date(2023, 1, 1), next_follow_up_due=dt.date(2030, 1, 3)
    )
    Child.objects.filter(pk=b.pk).update(
        registration_date=dt.date(2023, 3, 1), next_follow_up_due=dt.date(2030, 1, 1)
    )
    Child.objects.filter(pk=c.pk).update(
        registration_date=dt.date(2023, 2, 1), next_follow_up_due=dt.date(2030, 1, 2)
    )
    client.force_login(country)

    def order(sort):
        response = client.get(URL, {"sort": sort} if sort else {})
        return [x.code for x in response.context["page"].object_list]

    assert order("") == [b.code, c.code, a.code]
    assert order("registration_date") == [a.code, c.code, b.code]
    assert order("name") == [b.code, c.code, a.code]
    assert order("risk")[0] == c.code
    assert order("next_follow_up") == [b.code, c.code, a.code]


def test_pagination_and_page_size(client, coord_tm, worker_tm):
    for seed in range(12):
        make_child(worker_tm, seed=seed)
    client.force_login(coord_tm)
    response = client.get(URL, {"per_page": 10, "page": 2})
    assert len(response.context["page"].object_list) == 2
    assert response.context["paginator"].count == 12
    assert "Page 2 of 2" in response.content.decode()
    # An unknown page size falls back to 25, never to an unbounded page.
    assert client.get(URL, {"per_page": 100000}).context["page_size"] == 25


@pytest.mark.parametrize("per_page", [10, 100])
def test_constant_number_of_queries_whatever_the_page_size(
    client, coord_tm, worker_tm, worker2_tm, django_assert_max_num_queries, per_page
):
    for seed in range(30):
        child = make_child(worker_tm, seed=seed)
        if seed % 2:
            Child.objects.filter(pk=child.pk).update(assigned_to=worker2_tm)
    client.force_login(coord_tm)
    client.get(URL)  # lookups cached, as in a running server
    location = client.post(URL, {"per_page": per_page, "q": "a", "risk_level": "low"})["Location"]
    # One of them: the coordinator's two-step login device (django-otp), checked per request.
    with django_assert_max_num_queries(13):
        response = client.get(location)
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"per_page": per_page})
    assert len(response.context["page"].object_list) == min(per_page, 30)


def test_labels_follow_the_language(client, coord_tm, worker_tm):
    make_child(worker_tm, seed=1, risk_level="low")
    client.force_login(coord_tm)
    client.cookies["django_language"] = "ro"
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="ro")
    body = response.content.decode()
    assert 'class="risk risk-low"' in body
    assert "Scăzut" in body


def test_a_name_search_lists_at_most_the_closest_matches(client, coord_tm, worker_tm, monkeypatch):
    from cases.views import case_list

    for seed in range(4):
        make_child(worker_tm, seed=seed, first_name="Taras", last_name="Bondarenko")
    monkeypatch.setattr(case_list, "SEARCH_LIMIT", 3)
    client.force_login(coord_tm)
    response = client.post(URL, {"q": "Bondarenko"}, follow=True)
    assert len(listed(response)) == 3
    assert "More than 3 cases match" in response.content.decode()
    assert AuditEvent.objects.get(action="search").details["results"] == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_a_search_from_the_form_lists_the_closest_names_first(client, coord_tm, worker_tm):
    exact = make_child(worker_tm, seed=1, first_name="Oleksandr", last_name="Shevchenko")
    close = make_child(worker_tm, seed=2, first_name="Oleksandr", last_name="Shevchuk")
    Child.objects.filter(pk=exact.pk).update(registration_date=dt.date(2022, 5, 1))
    Child.objects.filter(pk=close.pk).update(registration_date=dt.date(2023, 5, 1))
    client.force_login(coord_tm)
    # The form always sends its order and page size; the default order is by closeness.
    response = client.post(
        URL, {"q": "Oleksandr Shevchenko", "sort": "", "per_page": "25"}, follow=True
    )
    assert [c.code for c in response.context["page"].object_list][0] == exact.code
    assert "open" not in response.content.decode().split("more-filters")[1][:20]


def test_a_typed_name_never_appears_in_a_url(client, coord_tm, worker_tm):
    target = make_child(worker_tm, seed=1, first_name="Oleksandr", last_name="Shevchenko")
    client.force_login(coord_tm)
    response = client.post(URL, {"q": "Shevchenko", "risk_level": "high"})
    assert response.status_code == 302
    location = response["Location"]
    assert "shevch" not in location.lower()
    assert "risk_level=high" in location  # codes stay in the URL, dashboards link to them
    assert "s=" in location
    page = client.get(location)
    Child.objects.filter(pk=target.pk).update(risk_level="high")
    page = client.get(location)
    assert listed(page) == {target.code}
    body = page.content.decode()
    # The box shows the text; no link on the page (pages, sort) carries it.
    assert 'value="Shevchenko"' in body
    for href in re.findall(r'href="([^"]*)"', body):
        assert "shevch" not in href.lower(), href
    assert '<form method="post"' in body


def test_an_old_link_with_a_name_is_redirected_without_it(client, coord_tm, worker_tm):
    target = make_child(worker_tm, seed=1, first_name="Oleksandr", last_name="Shevchenko")
    client.force_login(coord_tm)
    response = client.get(URL, {"q": "Shevchenko", "status": "open"})
    assert response.status_code == 302
    assert "shevch" not in response["Location"].lower()
    assert "status=open" in response["Location"]
    assert listed(client.get(response["Location"])) == {target.code}


def test_a_stored_search_belongs_to_its_session(client, coord_tm, worker_tm):
    from django.test import Client

    make_child(worker_tm, seed=1, first_name="Oleksandr", last_name="Shevchenko")
    make_child(worker_tm, seed=2, first_name="Iryna", last_name="Melnyk")
    client.force_login(coord_tm)
    location = client.post(URL, {"q": "Shevchenko"})["Location"]
    other = Client()
    other.force_login(coord_tm)
    page = other.get(location)
    # Another session cannot read the text behind the id: the whole list, and a notice.
    assert len(listed(page)) == 2
    assert "This search has expired" in page.content.decode()
    assert "Shevchenko" not in page.content.decode().split("<form")[1].split("</form>")[0]


def test_a_filter_link_from_a_dashboard_still_works_by_get(client, coord_tm, worker_tm):
    make_child(worker_tm, seed=1, risk_level="high")
    make_child(worker_tm, seed=2, risk_level="low")
    client.force_login(coord_tm)
    response = client.get(URL, {"risk_level": "high"})
    assert response.status_code == 200
    assert len(listed(response)) == 1


def test_a_closed_case_shows_its_stage_once(client, worker_tm):
    child = make_child(worker_tm, seed=5)
    Child.objects.filter(pk=child.pk).update(status="closed", workflow_stage="closed")
    client.force_login(worker_tm)
    client.cookies["django_language"] = "ro"
    body = client.get(URL, {"status": "closed"}).content.decode()
    assert child.code in body
    assert "Închis" in body
    assert "(Închis)" not in body


def test_a_list_longer_than_the_count_cap_says_more_than_and_its_pages_still_link(
    client, coord_tm, worker_tm, monkeypatch
):
    from cases.views import case_list

    for seed in range(23):
        make_child(worker_tm, seed=seed)
    monkeypatch.setattr(case_list, "COUNT_CAP", 15)
    client.force_login(coord_tm)
    first = client.get(URL, {"per_page": 10})
    body = first.content.decode()
    assert "More than 15 cases" in body
    assert "23 cases" not in body
    assert "Page 1 of more than 1" in body
    assert ">Next<" in body
    assert ">Last<" not in body  # the end is not known yet
    second = client.get(URL, {"per_page": 10, "page": 2})
    assert len(listed(second)) == 10
    assert "Page 2 of more than 2" in second.content.decode()
    # The last page sees the end of the list: the exact count again.
    last = client.get(URL, {"per_page": 10, "page": 3})
    assert len(listed(last)) == 3
    assert "23 cases" in last.content.decode()
    assert "Page 3 of 3" in last.content.decode()
    # Every case is on exactly one page, in the list's order.
    pages = [first, second, last]
    codes = [c.code for page in pages for c in page.context["page"].object_list]
    assert sorted(codes) == sorted(
        Child.objects.visible_to(coord_tm).values_list("code", flat=True)
    )
    assert len(codes) == len(set(codes)) == 23
    # A page number past the end lands on the last page, with the exact count.
    beyond = client.get(URL, {"per_page": 10, "page": 50})
    assert beyond.context["page"].number == 3
    assert "23 cases" in beyond.content.decode()


def test_a_field_workers_list_is_read_once_and_pages_as_any_list(
    client, worker_tm, worker2_tm, monkeypatch
):
    from django.test.utils import CaptureQueriesContext

    from cases.views import case_list

    mine = [make_child(worker_tm, seed=seed) for seed in range(23)]
    make_child(worker2_tm, seed=99)
    client.force_login(worker_tm)
    client.get(URL)  # lookups cached, as in a running server
    with CaptureQueriesContext(connection) as queries:
        first = client.get(URL, {"per_page": 10})
    # The caseload's ids are read once, in order: no separate COUNT of the same cases.
    assert not [q for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert "23 cases" in first.content.decode()
    assert "Page 1 of 3" in first.content.decode()
    pages = [first] + [client.get(URL, {"per_page": 10, "page": n}) for n in (2, 3)]
    codes = [c.code for page in pages for c in page.context["page"].object_list]
    assert codes == [
        c.code for c in sorted(mine, key=lambda c: (c.registration_date, c.pk), reverse=True)
    ]
    assert client.get(URL, {"per_page": 10, "page": 50}).context["page"].number == 3
    assert client.get(URL, {"per_page": 10, "page": "x"}).context["page"].number == 1
    # A caseload beyond the cap still says "more than", and its pages still link.
    monkeypatch.setattr(case_list, "COUNT_CAP", 15)
    capped = client.get(URL, {"per_page": 10}).content.decode()
    assert "More than 15 cases" in capped
    assert ">Next<" in capped
    last = client.get(URL, {"per_page": 10, "page": 3})
    assert len(listed(last)) == 3
    assert "23 cases" in last.content.decode()


@pytest.mark.parametrize("persona", ["coord_tm", "worker_tm"])
def test_a_page_number_beyond_any_list_shows_the_last_page(
    client, request, worker_tm, monkeypatch, persona
):
    from cases.views import case_list

    for seed in range(23):
        make_child(worker_tm, seed=seed)
    monkeypatch.setattr(case_list, "COUNT_CAP", 15)  # a capped list, as a country's
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL, {"per_page": 10, "page": "99999999999999999999999"})
    assert response.status_code == 200
    assert response.context["page"].number == 3
    assert "23 cases" in response.content.decode()


def test_a_capped_count_is_audited_as_more_than(client, coord_tm, worker_tm, monkeypatch):
    from cases.views import case_list

    for seed in range(12):
        make_child(worker_tm, seed=seed, risk_level="low")
    monkeypatch.setattr(case_list, "COUNT_CAP", 5)
    client.force_login(coord_tm)
    client.get(URL, {"risk_level": "low", "per_page": 10})
    details = AuditEvent.objects.get(action="search").details
    assert details["results"] == 5
    assert details["results_capped"] is True


def test_the_capped_count_reads_in_romanian_and_ukrainian(client, coord_tm, worker_tm, monkeypatch):
    from cases.views import case_list

    for seed in range(12):
        make_child(worker_tm, seed=seed)
    monkeypatch.setattr(case_list, "COUNT_CAP", 10)
    client.force_login(coord_tm)
    for language, count, page in (
        ("ro", "Peste 10 cazuri", "Pagina 1 din peste 1"),
        ("uk", "Понад 10 справ", "Сторінка 1 з понад 1"),
    ):
        client.cookies["django_language"] = language
        body = client.get(URL, {"per_page": 10}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert count in body, language
        assert page in body, language


def test_each_row_shows_its_case_escaped_with_its_follow_up_and_stage(client, worker_tm):
    today = timezone.localdate()
    late = make_child(worker_tm, seed=1, first_name='<b onmouseover="x">Ivan</b>')
    Child.objects.filter(pk=late.pk).update(
        next_follow_up_due=today - dt.timedelta(days=2), assigned_to=None
    )
    # Closed before it reached the closure stage: the stage, then the status in brackets.
    closed = make_child(worker_tm, seed=2)
    Child.objects.filter(pk=closed.pk).update(
        status="closed", workflow_stage="assessed", next_follow_up_due=today
    )
    client.force_login(worker_tm)
    client.cookies["django_language"] = "ro"
    body = client.get(URL).content.decode()
    rows = {
        code: row
        for row in re.findall(r"<tr[ >].*?</tr>", body, re.S)
        for code in re.findall(r'href="/cases/([^/"]+)/"', row)
    }
    assert "<b onmouseover" not in body
    assert "&lt;b onmouseover=&quot;x&quot;&gt;Ivan&lt;/b&gt;" in rows[late.code]
    assert rows[late.code].startswith('<tr class="overdue">')
    assert '<span class="overdue-flag">întârziată</span>' in rows[late.code]
    assert '<span class="muted">—</span>' in rows[late.code]  # assigned to no one
    assert 'class="overdue"' not in rows[closed.code]  # a closed case is never overdue
    assert '<span class="muted">(Închis)</span>' in rows[closed.code]
    # On a phone the rows are stacked without the table's head: each value says what it is.
    assert re.search(
        r'<td data-label="[^"]+">\d\d\.\d\d\.\d{4} <span class="overdue-flag">', rows[late.code]
    )
    assert len(re.findall(r"<td[^>]* data-label=", rows[late.code])) == 9
