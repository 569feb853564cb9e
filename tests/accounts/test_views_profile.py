"""The profile page: who the user is, and the e-mails they want (issue 12)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.preferences import EmailKind, EmailPreferences, wants_email

pytestmark = pytest.mark.django_db
URL = reverse("profile")


def test_strangers_are_sent_to_login(client):
    assert client.get(URL).status_code == 302


def test_a_worker_sees_the_kinds_of_their_role_with_the_defaults(client, worker_tm):
    client.force_login(worker_tm)
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "A case is assigned to me" in page
    assert "A transfer into my county is requested" not in page  # coordinators' kind
    assert response.context["form"].fields["enabled"].initial == [
        EmailKind.CASE_ASSIGNED,
        EmailKind.CASE_SHARED,
        EmailKind.CLOSURE_DECIDED,
    ]  # the digest is opt-in
    assert "No e-mail address is recorded for you" in page


def test_turning_a_kind_off_and_the_digest_on(client, worker_tm):
    worker_tm.email = "ana@example.org"
    worker_tm.save()
    client.force_login(worker_tm)
    response = client.post(
        URL, {"enabled": [EmailKind.CLOSURE_DECIDED, EmailKind.FOLLOW_UP_DIGEST]}
    )
    assert response.status_code == 302
    assert not wants_email(worker_tm, EmailKind.CASE_ASSIGNED)
    assert wants_email(worker_tm, EmailKind.FOLLOW_UP_DIGEST)
    assert wants_email(worker_tm, EmailKind.CLOSURE_DECIDED)
    assert "Your e-mail choices were saved." in client.get(URL).content.decode()


def test_a_coordinator_cannot_switch_a_kind_not_offered_to_them(client, coord_tm):
    client.force_login(coord_tm)
    response = client.post(URL, {"enabled": [EmailKind.FOLLOW_UP_DIGEST]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not EmailPreferences.objects.exists()


def test_everybody_reaches_the_profile_from_the_top_bar(client, country):
    client.force_login(country)
    assert f'href="{URL}"' in client.get("/").content.decode()


def test_profile_answers_405_to_put(client, worker_tm):
    client.force_login(worker_tm)
    assert client.put(URL).status_code == 405
