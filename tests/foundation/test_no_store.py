"""Pages of a signed-in user are never kept by a browser or a proxy (issue 11, item 6):
a middleware makes it the default, so every URL of the resolver is checked, not a list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.url_inventory import PERSONAS, all_patterns, build_world, path_of, real_kwargs

pytestmark = pytest.mark.django_db

# The eleven pages the probe of issue 11 found cacheable, by URL name.
NAMED_IN_THE_ISSUE = [
    "home",
    "cases:overdue",
    "cases:transfers",
    "referrals:list",
    "cases:follow_up",
    "cases:assessment",
    "cases:close",
    "cases:reopen",
    "cases:assign",
    "cases:transfer",
    "cases:share",
]


def _never_stored(response) -> bool:
    cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "no-cache", "private"} <= cache_control and "max-age=0" in cache_control


@pytest.fixture
def world(worker_tm, worker2_tm, coord_tm, worker_sv, coord_sv, country):
    return build_world(worker_tm, worker2_tm, coord_tm)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_get_of_a_signed_in_user_is_never_stored(client, request, world, persona):
    client.force_login(request.getfixturevalue(persona))
    client.raise_request_exception = False
    patterns = all_patterns()
    names = {p.name for p in patterns}
    assert set(NAMED_IN_THE_ISSUE) <= names
    stored = []
    for pattern in patterns:
        if pattern.name in ("logout", "admin:logout"):
            continue  # GET is refused, and signing out would end the check
        response = client.get(path_of(pattern, real_kwargs(pattern, world)))
        if not _never_stored(response):
            stored.append(f"{pattern.name} {response.status_code} {response.get('Cache-Control')}")
    assert stored == []


def test_the_pages_named_in_the_issue_answer_200_and_are_never_stored(client, world, coord_tm):
    from cases.services.closure import close_case
    from tests.cases._workflow import TODAY

    client.force_login(coord_tm)
    patterns = {p.name: p for p in all_patterns()}

    def get(name):
        pattern = patterns[name]
        return client.get(path_of(pattern, real_kwargs(pattern, world)))

    for name in NAMED_IN_THE_ISSUE:
        if name == "cases:reopen":
            continue  # only a closed case can be reopened: below
        response = get(name)
        assert response.status_code == 200, name
        assert _never_stored(response), (name, response.get("Cache-Control"))
    close_case(world.case, coord_tm, "needs_met", TODAY())
    response = get("cases:reopen")
    assert response.status_code == 200
    assert _never_stored(response)


def test_a_signed_out_page_keeps_its_own_caching(client):
    # The health check is polled by the load balancer; nothing personal, no header forced.
    response = client.get(reverse("health"))
    assert "no-store" not in response.get("Cache-Control", "")
