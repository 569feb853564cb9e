"""`make run`'s demo data: users of every role who log in with the printed password and
see only their county's children; a second run creates nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from cases.models import Child
from home.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS

pytestmark = pytest.mark.django_db


def _logs_in(client, username, password) -> bool:
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302 and response["Location"] == "/"


@pytest.fixture
def seeded():
    out = StringIO()
    call_command("seed_demo", children=24, stdout=out)
    return out.getvalue()


def test_every_printed_user_logs_in_and_sees_only_their_county(seeded, client):
    assert f"password for all: {DEMO_PASSWORD}" in seeded
    assert Child.objects.count() == 24
    for username, _role, county, _org in DEMO_USERS:
        assert username in seeded
        assert _logs_in(client, username, DEMO_PASSWORD), username
        user = User.objects.get(username=username)
        visible = Child.objects.visible_to(user)
        if county is None:
            assert visible.count() == 24
        else:
            counties = set(visible.values_list("current_county_id", flat=True))
            assert counties <= {county}, username
        client.logout()
    assert _logs_in(client, "admin", DEMO_PASSWORD)


def test_each_county_has_children_and_workers_share_them_out(seeded):
    for county in ("RO-TM", "RO-SV", "RO-B"):
        assert Child.objects.filter(current_county_id=county).exists(), county


def test_users_share_one_hash_but_a_wrong_password_still_fails(seeded, client):
    assert len(set(User.objects.values_list("password", flat=True))) == 1
    assert not _logs_in(client, "worker.timis", "demo-password-2027")
    assert _logs_in(client, "worker.timis", DEMO_PASSWORD)


def test_a_second_run_creates_nothing(seeded):
    out = StringIO()
    call_command("seed_demo", children=24, stdout=out)
    assert "already present" in out.getvalue()
    assert Child.objects.count() == 24
    assert User.objects.count() == len(DEMO_USERS) + 1
