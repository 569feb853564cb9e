"""The main menu: each role's links, the page the user is on, the to-do count, in the
user's language. Its links are kept rendered per role, language and page (issue 14):
one process serves every role."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import make_child

pytestmark = pytest.mark.django_db


def menu(client, url: str) -> str:
    page = client.get(url).content.decode()
    return re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', page, re.S).group(1)


def current(nav: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"[^>]*aria-current="page"', nav)


def test_each_role_gets_its_own_links_from_one_process(client, worker_tm, coord_tm):
    client.force_login(coord_tm)
    coordinator = menu(client, reverse("cases:list"))
    client.force_login(worker_tm)
    worker = menu(client, reverse("cases:list"))
    for link in ("audit:list", "cases:transfers", "reporting:list", "imports:index"):
        assert reverse(link) in coordinator
        assert reverse(link) not in worker
    assert reverse("emergency:request") in worker


def test_the_page_the_user_is_on_is_marked(client, worker_tm):
    client.force_login(worker_tm)
    assert current(menu(client, reverse("cases:list"))) == [reverse("cases:list")]
    assert current(menu(client, reverse("referrals:list"))) == [reverse("referrals:list")]
    assert current(menu(client, reverse("registration:register"))) == [
        reverse("registration:register")
    ]


def test_the_links_speak_the_users_language(client, worker_tm):
    client.force_login(worker_tm)
    english = menu(client, reverse("cases:list"))
    worker_tm.language = "ro"
    worker_tm.save()
    romanian = menu(client, reverse("cases:list"))
    assert "Register a child" in english and "Register a child" not in romanian


def test_the_to_do_count_follows_the_cases(client, worker_tm, coord_tm):
    from cases import todo

    client.force_login(worker_tm)
    before = re.search(r'class="badge[^"]*"[^>]*>(\d+)<', menu(client, "/")).group(1)
    child = make_child(coord_tm, seed=4)
    child.assigned_to = worker_tm
    child.next_follow_up_due = child.registration_date
    child.save()
    todo.forget_counts([worker_tm.pk])
    after = re.search(r'class="badge[^"]*"[^>]*>(\d+)<', menu(client, "/")).group(1)
    assert int(after) == int(before) + 1
