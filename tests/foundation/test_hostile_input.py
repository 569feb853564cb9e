"""The inputs issue 11 found answering 500 (items 8 to 10) now answer a page a person can
act on: a NUL byte gets the translated 400 page wherever it is, a 10,000-character
username the login form's message, and a referral whose history has no user its page."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt

from referrals.models import Referral
from tests.factories import make_child
from tests.url_inventory import all_patterns, build_world, path_of, real_kwargs

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(worker_tm, worker2_tm, coord_tm):
    return build_world(worker_tm, worker2_tm, coord_tm)


def _is_the_400_page(response) -> bool:
    return response.status_code == 400 and "The request could not be read" in (
        response.content.decode()
    )


def test_a_nul_in_any_path_parameter_answers_the_400_page(client, world, country):
    client.raise_request_exception = False
    client.force_login(country)
    with_params = [p for p in all_patterns() if p.params and not p.is_admin]
    assert len(with_params) >= 10
    for pattern in with_params:
        kwargs = real_kwargs(pattern, world)
        for name in pattern.params:
            url = path_of(pattern, {**kwargs, name: kwargs[name] + "\x00"})
            for method in (client.get, client.post):
                response = method(url)
                assert response.status_code == 400, (url, response.status_code)
    assert _is_the_400_page(client.get("/cases/C-%00/"))


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("country", "/cases/overdue/?county=%00"),
        ("country", "/cases/caseload/?county=%00"),
        ("coord_tm", "/cases/overdue/?county=RO-TM%00"),
        ("worker_tm", "/register/?after=%00"),
        ("worker_tm", "/cases/?q=Ana%00"),
    ],
)
def test_a_nul_in_a_query_parameter_answers_the_400_page(client, request, persona, url):
    client.raise_request_exception = False
    client.force_login(request.getfixturevalue(persona))
    assert _is_the_400_page(client.get(url))


def test_a_nul_in_the_hidden_caregiver_field_answers_the_400_page_and_saves_nothing(
    client, worker_tm
):
    from cases.models import Child

    client.raise_request_exception = False
    client.force_login(worker_tm)
    before = Child.objects.count()
    response = client.post("/register/", {"existing_caregiver": "\x00", "first_name": "Ana"})
    assert _is_the_400_page(response)
    assert Child.objects.count() == before


def test_a_nul_in_the_session_cookie_answers_the_400_page(client):
    client.raise_request_exception = False
    client.cookies["sessionid"] = "abcdefgh\x00"
    assert _is_the_400_page(client.get("/"))


def test_the_400_page_speaks_the_users_language(client, worker_tm):
    client.raise_request_exception = False
    client.force_login(worker_tm)
    client.post("/i18n/setlang/", {"language": "uk", "next": "/"})
    response = client.get("/cases/C-%00/")
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="uk">' in page
    assert "The request could not be read" not in page


def test_a_10000_character_username_gets_the_form_message_and_no_attempt_row(client):
    client.raise_request_exception = False
    response = client.post("/accounts/login/", {"username": "a" * 10_000, "password": "x"})
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_a_referral_whose_history_has_no_user_shows_its_page(client, worker_tm):
    # The registration (and an import run by the worker) writes referral history outside a
    # request, so simple-history has no user for those rows: all 22 demo referrals.
    child = make_child(worker_tm, consent_share_providers=True, services_needed=["mhpss"])
    referral = Referral.objects.get(child=child)
    assert referral.history.filter(history_user__isnull=True).exists()
    client.force_login(worker_tm)
    response = client.get(f"/referrals/{referral.code}/")
    assert response.status_code == 200
    assert "<td>—</td>" in response.content.decode()
