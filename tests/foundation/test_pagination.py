"""Every paginated list uses templates/includes/pagination.html: the links keep the list's
filters, change only the page, and say where the user is."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.log import record
from audit.models import Action
from referrals.services import create_provider
from tests.cases._workflow import open_case
from tests.factories import make_child
from tests.personas import make_user

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="pagination".*?</nav>', re.S)
LINK = re.compile(r'<a class="button" href="([^"]*)"[^>]*>\s*([^<]+?)\s*</a>')


def pagination_links(response) -> dict[str, dict[str, list[str]]]:
    """{"Next": {"page": ["2"], ...}, ...} of the page's one pagination bar."""
    bars = NAV.findall(response.content.decode())
    assert len(bars) == 1
    return {
        label: parse_qs(html.unescape(href).removeprefix("?"))
        for href, label in LINK.findall(bars[0])
    }


def test_case_list_links_keep_filters_and_page_size(client, coord_tm, worker_tm):
    for seed in range(12):
        make_child(worker_tm, seed=seed, risk_level="low")
    client.force_login(coord_tm)
    first = client.get(reverse("cases:list"), {"risk_level": "low", "per_page": 10})
    assert "Page 1 of 2" in first.content.decode()
    links = pagination_links(first)
    assert set(links) == {"Next", "Last"}
    assert links["Next"] == {"risk_level": ["low"], "per_page": ["10"], "page": ["2"]}

    second = client.get(reverse("cases:list"), {"risk_level": "low", "per_page": 10, "page": 2})
    links = pagination_links(second)
    assert set(links) == {"First", "Previous"}
    assert links["Previous"] == {"risk_level": ["low"], "per_page": ["10"], "page": ["1"]}
    assert len(second.context["page"].object_list) == 2


def test_one_page_has_no_pagination_bar(client, coord_tm, worker_tm):
    make_child(worker_tm, seed=1)
    client.force_login(coord_tm)
    assert not NAV.search(client.get(reverse("cases:list")).content.decode())


def test_audit_log_links_keep_the_action_filter(client, coord_tm):
    for _ in range(51):
        record(coord_tm, Action.SEARCH, county_code="RO-TM")
    client.force_login(coord_tm)
    response = client.get(reverse("audit:list"), {"action": Action.SEARCH})
    assert "Page 1 of 2" in response.content.decode()
    assert pagination_links(response)["Next"] == {"action": [Action.SEARCH], "page": ["2"]}


def test_user_list_links_keep_the_search(client, coord_tm):
    for number in range(51):
        make_user(f"ana{number:02}", Role.FIELD_WORKER, "RO-TM")
    client.force_login(coord_tm)
    response = client.get(reverse("user_list"), {"q": "ana"})
    assert "Page 1 of 2" in response.content.decode()
    links = pagination_links(response)
    assert links["Last"] == {"q": ["ana"], "page": ["2"]}


def test_provider_directory_links_keep_the_county(client, coord_tm):
    for number in range(26):
        create_provider(
            {
                "name": f"Provider {number:02}",
                "kind": "private",
                "county": "RO-TM",
                "service_types": ["health"],
            },
            coord_tm,
        )
    client.force_login(coord_tm)
    response = client.get(reverse("referrals:providers"), {"county": "RO-TM"})
    assert "Page 1 of 2" in response.content.decode()
    assert pagination_links(response)["Next"] == {"county": ["RO-TM"], "page": ["2"]}


def test_overdue_list_links_keep_the_worker(client, coord_tm, worker_tm):
    for seed in range(51):
        open_case(worker_tm, risk="high", days_ago=30, seed=seed)
    client.force_login(coord_tm)
    response = client.get(reverse("cases:overdue"), {"worker": worker_tm.pk})
    assert "Page 1 of 2" in response.content.decode()
    links = pagination_links(response)
    assert links["Next"] == {"worker": [str(worker_tm.pk)], "page": ["2"]}
