"""The information sheet for families (issue 15 item 1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from information.forms import FIELDS
from information.models import InformationSheet

pytestmark = pytest.mark.django_db

EDIT = reverse("information:edit")


def page(lang: str) -> str:
    return reverse("information:sheet_lang", kwargs={"lang": lang})


@pytest.mark.parametrize(
    "lang, words",
    [
        ("uk", ["Ваші права", "Як довго", "DGASPC"]),
        ("ru", ["Ваши права", "Как долго", "DGASPC"]),
        ("ro", ["Drepturile dumneavoastră", "Cât timp", "ANSPDCP"]),
        ("en", ["Your rights", "For how long", "Whom to contact"]),
    ],
)
def test_public_page_in_four_languages_without_login(client, lang, words):
    response = client.get(page(lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for word in words:
        assert word in html
    # The QR code leads to this same public page.
    assert "<svg" in html and "qr-code" in html
    assert f"http://testserver{page(lang)}" in html


def test_every_right_is_named_in_english(client):
    html = client.get(page("en")).content.decode()
    for needed in ("see everything", "corrected", "erased", "who sees", "five years", "DGASPC"):
        assert needed.lower() in html.lower()


def test_unknown_language_is_404_and_no_language_picks_one(client):
    assert client.get(page("de")).status_code == 404
    response = client.get(reverse("information:sheet"))
    assert response.status_code == 302 and response.url == page("en")


def test_wrong_method(client, country):
    assert client.post(page("uk")).status_code == 405
    client.force_login(country)
    assert client.put(EDIT).status_code == 405


def test_consent_step_links_to_the_sheet(client, worker_tm):
    client.force_login(worker_tm)
    html = client.get(reverse("registration:register")).content.decode()
    for lang in ("uk", "ru", "ro", "en"):
        assert page(lang) in html


def test_country_coordinator_edits_each_language(client, country):
    client.force_login(country)
    form = client.get(EDIT)
    assert form.status_code == 200
    data = {name: getattr(InformationSheet.current(), name) for name in FIELDS}
    data["body_ru"] = "Что мы записываем\nНовый текст для семьи."
    data["title_uk"] = "Інформація для родини (нова)"
    assert client.post(EDIT, data).status_code == 302
    assert "Новый текст для семьи." in client.get(page("ru")).content.decode()
    assert "Інформація для родини (нова)" in client.get(page("uk")).content.decode()
    event = AuditEvent.objects.get(action="info_sheet")
    assert event.username == "country" and sorted(event.details["fields"]) == [
        "body_ru",
        "title_uk",
    ]


def test_english_is_required_and_an_empty_language_falls_back_to_it(client, country):
    client.force_login(country)
    data = {name: getattr(InformationSheet.current(), name) for name in FIELDS}
    bad = {**data, "body_en": ""}
    response = client.post(EDIT, bad)
    assert response.status_code == 400
    assert InformationSheet.current().body_en == data["body_en"]
    assert client.post(EDIT, {**data, "body_ro": "", "title_ro": ""}).status_code == 302
    assert "Your rights" in client.get(page("ro")).content.decode()


@pytest.mark.parametrize("persona", ["worker_tm", "coord_tm"])
def test_other_roles_get_403(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    before = InformationSheet.current().body_en
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, {"body_en": "x", "title_en": "x"}).status_code == 403
    assert InformationSheet.current().body_en == before
    assert not AuditEvent.objects.filter(action="info_sheet").exists()
