"""The coordinators' dashboards on the home page: statistics scope, figures, links."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from cases.models import Child
from reporting import dashboard
from tests.reporting.dataset import close, kid

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def population(worker_tm, worker_sv, coord_sv, today):
    """Timiș: two open cases (one high risk, overdue), one closed, one anonymous record,
    one duplicate; Suceava: one case, shared with nobody in Timiș but the coordinator."""
    month = today.replace(day=1)
    c = {
        "tm_high": kid(
            worker_tm,
            reg=month,
            county="RO-TM",
            sex="female",
            age=8,
            uasc="unaccompanied",
            concerns=("trafficking",),
            seed=1,
        ),
        "tm_low": kid(worker_tm, reg=month, county="RO-TM", sex="male", age=3, seed=2),
        "tm_closed": kid(
            worker_tm,
            reg=month - dt.timedelta(days=40),
            county="RO-TM",
            sex="male",
            age=15,
            concerns=("neglect",),
            seed=3,
        ),
        "tm_anon": kid(
            worker_tm, reg=month, county="RO-TM", sex="female", age=8, consent=False, seed=4
        ),
        "tm_dup": kid(worker_tm, reg=month, county="RO-TM", sex="female", age=8, seed=5),
        "sv": kid(
            worker_sv, reg=month, county="RO-SV", sex="male", age=10, concerns=("neglect",), seed=6
        ),
    }
    close(c["tm_closed"], month, "needs_met")
    close(c["tm_dup"], month, "duplicate")
    Child.objects.filter(pk=c["tm_high"].pk).update(next_follow_up_due=today - dt.timedelta(days=3))
    return c


def test_county_statistics_scope_is_the_county_not_the_shared_cases(coord_tm, population, today):
    # A Suceava case shared with the Timiș coordinator: they may open it, but it is not
    # a Timiș statistic.
    assign_perm("view_child", coord_tm, population["sv"])
    assert Child.objects.visible_to(coord_tm).filter(pk=population["sv"].pk).exists()

    counts = dashboard.case_counts(coord_tm, today)
    assert counts["open"] == 2  # tm_high, tm_low (not the anonymous record, not Suceava)
    # tm_closed and the duplicate: the closed cases its link lists (the case list shows
    # records closed as duplicates among the closed cases).
    assert counts["closed"] == 2
    assert counts["high_risk"] == 1
    assert counts["overdue"] == 1

    months = dict(dashboard.monthly_registrations(coord_tm, today))
    # Registrations include the anonymous record, not the duplicate, not Suceava.
    assert months[today.replace(day=1)] == 3
    assert sum(months.values()) == 4
    assert dashboard.by_sex_age(coord_tm) == {
        ("female", "6-13"): 2,
        ("male", "0-5"): 1,
        ("male", "14-17"): 1,
    }
    assert dict(dashboard.by_concern(coord_tm)) == {"trafficking": 1, "neglect": 1}
    assert dashboard.open_by_risk(coord_tm) == {"high": 1, "low": 1}


def test_country_statistics_are_national(country, population, today):
    counts = dashboard.case_counts(country, today)
    assert counts["open"] == 3
    assert dict(dashboard.by_county(country)) == {"RO-TM": 4, "RO-SV": 1}
    assert dict(dashboard.by_concern(country)) == {"neglect": 2, "trafficking": 1}


def test_field_worker_has_no_statistics(worker_tm, population):
    assert not dashboard.statistics_scope(worker_tm).exists()


def test_dashboard_queries_do_not_grow_with_the_cases(
    coord_tm, population, today, django_assert_max_num_queries
):
    from lookups import registry

    registry.codes("sex")  # the lookup labels are read once per process
    # One aggregate per figure: counts, months, sex x age, concerns, risk.
    with django_assert_max_num_queries(5):
        dashboard.build(coord_tm, today)


def links(page: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', page)]


def test_county_coordinator_home_shows_the_dashboard_with_links(client, coord_tm, population):
    client.force_login(coord_tm)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<svg") == 4  # months, sex x age, concerns, risk (no county chart)
    hrefs = links(page)
    case_list = reverse("cases:list")
    assert f"{case_list}?current_county=RO-TM&status=open" in hrefs
    assert f"{case_list}?current_county=RO-TM&status=open&overdue=1" in hrefs
    assert f"{case_list}?current_county=RO-TM&protection_concern=trafficking" in hrefs
    assert f"{case_list}?current_county=RO-TM&status=open&risk_level=high" in hrefs
    assert any("registered_from=" in h and "registered_to=" in h for h in hrefs)
    assert "RO-SV" not in " ".join(hrefs)


def test_a_dashboard_link_opens_the_matching_cases(client, coord_tm, population):
    client.force_login(coord_tm)
    page = client.get(reverse("home")).content.decode()
    overdue = next(h for h in links(page) if "overdue=1" in h)
    listed = client.get(overdue).content.decode()
    assert population["tm_high"].code in listed
    assert population["tm_low"].code not in listed
    concern = next(h for h in links(page) if "protection_concern=trafficking" in h)
    listed = client.get(concern).content.decode()
    assert population["tm_high"].code in listed
    assert population["tm_closed"].code not in listed


def test_country_coordinator_home_has_the_county_chart(client, country, population):
    client.force_login(country)
    page = client.get(reverse("home")).content.decode()
    assert page.count("<svg") == 5
    hrefs = links(page)
    assert f"{reverse('cases:list')}?current_county=RO-SV" in hrefs
    assert f"{reverse('cases:list')}?status=open" in hrefs


def test_field_worker_keeps_the_case_centred_home(client, worker_tm, population):
    client.force_login(worker_tm)
    page = client.get(reverse("home")).content.decode()
    assert "<svg" not in page
    assert "Follow-ups due" in page


def test_every_case_figure_and_risk_bar_is_the_number_its_link_lists(
    client, coord_tm, country, population, today
):
    """Follow each link: the case list shows as many cases as the figure says (the
    duplicate is a closed case there, so the dashboard counts it among the closed)."""
    for user in (coord_tm, country):
        client.force_login(user)
        board = dashboard.build(user, today)
        pairs = [(f.value, f.href) for f in board.figures]
        risks = dashboard.open_by_risk(user)
        pairs += [
            (risks.get(code, 0), dashboard.case_list_url(user, status="open", risk_level=code))
            for code in ("high", "medium", "low")
        ]
        page = client.get(reverse("home")).content.decode()
        for value, href in pairs:
            assert href in links(page)
            listed = client.get(href).context["paginator"].count
            assert listed == value, (user.username, href)
        closed = next(f for f in board.figures if "status=closed" in f.href)
        assert closed.value == 2  # Suceava has no closed case


def test_dashboard_says_what_its_registration_charts_count(client, coord_tm, population):
    client.force_login(coord_tm)
    page = client.get(reverse("home")).content.decode()
    assert "anonymous records included" in page
    assert "count the cases that their links list" in page
