import pytest
from django.urls import reverse

from cases.services.assignment import assign_case
from tests.cases._workflow import open_case

pytestmark = pytest.mark.django_db

URL = reverse("cases:caseload")


@pytest.fixture
def cases(worker_tm, worker2_tm, coord_tm, worker_sv):
    open_case(worker_tm, risk="high", days_ago=100, seed=1)
    c = open_case(coord_tm, risk="low", days_ago=5, seed=2)
    assign_case(c, coord_tm, worker2_tm)
    open_case(worker_sv, risk="medium", days_ago=3, seed=3)


def rows(response):
    return [(r.label, r.open_cases, r.high_risk, r.overdue) for r in response.context["rows"]]


def test_county_coordinator_sees_each_worker_of_the_county(client, cases, coord_tm):
    client.force_login(coord_tm)
    response = client.get(URL)
    assert response.status_code == 200
    assert rows(response) == [("Ana Popescu", 1, 1, 1), ("worker2.tm", 1, 0, 0)]
    page = response.content.decode()
    assert "worker.sv" not in page
    assert "Caseload review" in page


def test_country_coordinator_sees_counties_side_by_side(client, cases, country):
    client.force_login(country)
    response = client.get(URL)
    assert rows(response) == [("Suceava", 1, 0, 0), ("Timiș", 2, 1, 1)]
    assert response.context["total"].open_cases == 3
    detail = client.get(URL, {"county": "RO-TM"})
    assert [r[0] for r in rows(detail)] == ["Ana Popescu", "worker2.tm"]
    assert client.get(URL, {"county": "RO-XX"}).status_code == 404


def test_field_worker_sees_only_their_row(client, cases, worker_tm):
    client.force_login(worker_tm)
    response = client.get(URL)
    assert rows(response) == [("Ana Popescu", 1, 1, 1)]
    assert "worker2.tm" not in response.content.decode()
    assert client.get(URL, {"county": "RO-TM"}).status_code == 403
    assert client.get(URL, {"county": "RO-SV"}).status_code == 404


def test_county_coordinator_cannot_see_another_county(client, cases, coord_sv):
    client.force_login(coord_sv)
    assert client.get(URL, {"county": "RO-TM"}).status_code == 404
    assert [r[0] for r in rows(client.get(URL))] == ["worker.sv"]


def test_constant_queries_whatever_the_number_of_cases(
    client, cases, coord_tm, worker_tm, django_assert_max_num_queries
):
    for seed in range(10, 20):
        open_case(worker_tm, seed=seed)
    client.force_login(coord_tm)
    client.get(URL)  # the menu's to-do count (a few COUNTs, cases/todo.py) is then cached
    # One of them: the coordinator's two-step login device (django-otp), checked per request.
    with django_assert_max_num_queries(9):
        client.get(URL)


def test_wrong_method_and_login(client, coord_tm):
    assert client.get(URL).status_code == 302
    client.force_login(coord_tm)
    assert client.post(URL).status_code == 405


def test_nav_links_follow_the_role(client, worker_tm, coord_tm):
    client.force_login(worker_tm)
    page = client.get(URL).content.decode()
    assert f'href="{URL}"' in page
    assert 'href="/cases/transfers/"' not in page
    client.force_login(coord_tm)
    assert 'href="/cases/transfers/"' in client.get(URL).content.decode()
