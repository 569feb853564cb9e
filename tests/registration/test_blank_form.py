"""The blank registration form is kept rendered (issue 14: the 56 questions and their
option lists cost more than the rest of the page). What it shows must still be each
worker's: their county pre-selected, their language, the lookups as edited now, and a
pre-filled form is never the blank one."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from lookups.models import Choice
from registration.forms import RegistrationForm
from tests.factories import make_child

pytestmark = pytest.mark.django_db


def form_page(client, url="/register/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def selected(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_each_worker_gets_their_own_county_preselected(client, worker_tm, worker_sv):
    client.force_login(worker_tm)
    assert selected(form_page(client), "registration_county") == ["RO-TM"]
    client.force_login(worker_sv)
    page = form_page(client)
    assert selected(page, "registration_county") == ["RO-SV"]
    assert selected(page, "current_county") == ["RO-SV"]


def test_each_page_carries_a_submission_token_of_its_own(client, worker_tm):
    client.force_login(worker_tm)
    tokens = {
        re.search(r'name="submission_token" value="([^"]+)"', form_page(client)).group(1)
        for _ in range(3)
    }
    assert len(tokens) == 3


@pytest.mark.parametrize("language", ["uk", "ro"])
def test_the_form_speaks_the_language_of_the_worker(client, worker_tm, language):
    client.force_login(worker_tm)
    english = form_page(client)
    worker_tm.language = language
    worker_tm.save()
    page = form_page(client)
    with translation.override(language):
        label = str(RegistrationForm().fields["uasc_status"].label)
    with translation.override("en"):
        label_en = str(RegistrationForm().fields["uasc_status"].label)
    assert label != label_en
    assert label in page and label not in english


def test_a_lookup_edited_in_the_admin_shows_at_the_next_page(
    client, worker_tm, django_capture_on_commit_callbacks
):
    client.force_login(worker_tm)
    assert "Unaccompanied (edited)" not in form_page(client)
    choice = Choice.objects.get(list_name="uasc_status", code="unaccompanied")
    choice.label_en = "Unaccompanied (edited)"
    with django_capture_on_commit_callbacks(execute=True):  # the admin's commit
        choice.save()
    assert "Unaccompanied (edited)" in form_page(client)


def test_a_form_prefilled_from_the_previous_child_is_not_the_blank_one(client, worker_tm):
    client.force_login(worker_tm)
    form_page(client)  # the blank form, kept
    previous = make_child(worker_tm, seed=3)
    page = form_page(client, f"/register/?after={previous.code}")
    assert re.search(rf'name="last_name"[^>]*value="{previous.last_name}"', page)


def test_the_offline_page_keeps_its_own_form(client, worker_tm):
    client.force_login(worker_tm)
    online = form_page(client)
    offline = form_page(client, "/register/offline/form/uk/")
    assert 'data-offline-page="true"' in offline and 'data-offline-page="true"' not in online
    with translation.override("uk"):
        label = str(RegistrationForm().fields["uasc_status"].label)
    assert label in offline
    assert selected(offline, "registration_county") == ["RO-TM"]
