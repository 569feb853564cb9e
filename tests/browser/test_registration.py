"""Registration in Chromium: a family of three children in Romanian and in Ukrainian,
conditional questions, the suggested risk, the draft, and duplicates across counties."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import Child
from registration.models import PendingSibling
from tests.factories import make_child

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/shots"  # noqa: S108 - where the team looks at screenshots
TODAY = timezone.localdate()
# The drafts in the browser (static/js/drafts.js): one encrypted entry per user.
DRAFT_ENTRIES = "Object.keys(localStorage).filter(k => k.startsWith('registration-draft'))"
DRAFT_VALUES = f"{DRAFT_ENTRIES}.map(k => localStorage.getItem(k))"


@pytest.fixture
def tablet(page: Page) -> Page:
    page.set_viewport_size({"width": 1024, "height": 768})
    os.makedirs(SHOTS, exist_ok=True)
    return page


def login(page: Page, live_server, client, user, lang: str = "en") -> None:
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url},
        ]
    )


def choose(page: Page, name: str, value: str) -> None:
    page.locator(f'input[name="{name}"][value="{value}"]').check()


def fill_child(page: Page, first: str, dob: dt.date, sex: str) -> None:
    page.fill('[name="first_name"]', first)
    choose(page, "sex", sex)
    page.fill('[name="date_of_birth"]', dob.isoformat())
    choose(page, "date_of_birth_estimated", "no")
    page.select_option('[name="id_document_type"]', "birth_certificate")
    page.fill('[name="id_document_number"]', f"BC-{first}")
    page.select_option('[name="education_status"]', "ua_online")
    choose(page, "has_disability", "no")
    choose(page, "risk_level", "low")


def fill_mother_as_caregiver(page: Page) -> None:
    """Section C: the child is with the parents, the mother Iryna Kovalenko answers."""
    page.select_option('[name="care_arrangement"]', "parents")
    choose(page, "uasc_status", "accompanied")
    page.fill('[name="caregiver_first_name"]', "Iryna")
    page.fill('[name="caregiver_last_name"]', "Kovalenko")
    page.select_option('[name="caregiver_relationship"]', "mother")
    choose(page, "caregiver_sex", "female")
    page.fill('[name="caregiver_date_of_birth"]', "1985-04-03")
    page.select_option('[name="caregiver_id_document_type"]', "passport")
    page.fill('[name="caregiver_phone"]', "067 123 45 67")
    choose(page, "caregiver_is_legal_guardian", "yes")
    page.select_option('[name="caregiver_ability_to_care"]', "yes")


def add_accompanying_children(page: Page, rows: list[tuple[str, str, int]]) -> None:
    """Question 36: (first name, sex, age) of each child travelling with the first one, all
    Kovalenko with their mother; one row is there, the button adds the next."""
    page.locator('[data-add-row="accompanying_children"]').click()
    for i, (first, sex, age) in enumerate(rows):
        prefix = f"accompanying_children-{i}-"
        page.fill(f'[name="{prefix}first_name"]', first)
        page.fill(f'[name="{prefix}last_name"]', "Kovalenko")
        page.select_option(f'[name="{prefix}sex"]', sex)
        page.fill(
            f'[name="{prefix}date_of_birth"]', TODAY.replace(year=TODAY.year - age).isoformat()
        )
        page.select_option(f'[name="{prefix}relationship"]', "mother")


def register_family(page: Page, live_server, *, female: str, male: str) -> list[Child]:
    page.goto(f"{live_server.url}/register/")
    # A. Interview and consent
    page.select_option('[name="registration_place"]', "border_crossing")
    page.select_option('[name="entry_point"]', "SIRET")
    page.fill('[name="entry_date"]', (TODAY - dt.timedelta(days=1)).isoformat())
    choose(page, "consent_registration", "yes")
    expect(page.locator("#consent-notice")).to_be_hidden()
    page.select_option('[name="consent_given_by"]', "caregiver")
    choose(page, "consent_share_providers", "yes")
    choose(page, "interpreter_used", "no")
    expect(page.locator("#field-interpreter_language")).to_be_hidden()
    # B. The child (lookup labels in the page's language)
    expect(page.locator("#field-sex")).to_contain_text(female)
    expect(page.locator("#field-sex")).to_contain_text(male)
    page.fill('[name="last_name"]', "Kovalenko")
    page.fill('[name="name_native"]', "Дарина Коваленко")
    fill_child(page, "Daryna", TODAY.replace(year=TODAY.year - 12), "female")
    page.locator('input[name="languages"][value="uk"]').check()
    # C. Care arrangement and the caregiver
    fill_mother_as_caregiver(page)
    # D. Two more children in the group: one row is there, the button adds the next.
    rows = [("Bohdan", "male", 7), ("Zlata", "female", 3)]
    add_accompanying_children(page, rows)
    choose(page, "family_in_ukraine", "yes")
    choose(page, "tracing_requested", "no")
    # E. Location and movement
    page.fill('[name="current_locality"]', "Lugoj")
    page.select_option('[name="accommodation_type"]', "rented")
    choose(page, "planned_stay", "transit")
    expect(page.locator("#field-destination_country")).to_be_visible()
    choose(page, "planned_stay", "stay")
    expect(page.locator("#field-destination_country")).to_be_hidden()
    page.screenshot(path=f"{SHOTS}/registration-form-{female}.png", full_page=True)
    page.click("#save-registration")
    expect(page.locator(".case-code")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/registration-done-{female}.png")

    # The two others, each pre-filled from the previous registration.
    for first, sex, age in rows:
        page.locator("#household-pending a", has_text=first).click()
        expect(page.locator('[name="first_name"]')).to_have_value(first)
        expect(page.locator('[name="current_locality"]')).to_have_value("Lugoj")
        expect(page.locator('input[name="existing_caregiver"]:checked')).to_have_count(1)
        expect(page.locator("#field-caregiver_first_name")).to_be_hidden()
        fill_child(page, first, TODAY.replace(year=TODAY.year - age), sex)
        page.fill('[name="name_native"]', "")
        page.click("#save-registration")
        expect(page.locator(".case-code")).to_be_visible()
    return list(Child.objects.order_by("created_at"))


@pytest.mark.parametrize(
    ("lang", "female", "male", "low"),
    [("ro", "Feminin", "Masculin", "Scăzut"), ("uk", "Жіноча", "Чоловіча", "Низький")],
)
def test_register_a_family_of_three(
    lookups_loaded, tablet, live_server, client, worker_tm, lang, female, male, low
):
    login(tablet, live_server, client, worker_tm, lang)
    children = register_family(tablet, live_server, female=female, male=male)
    assert [c.first_name for c in children] == ["Daryna", "Bohdan", "Zlata"]
    assert len({c.household_id for c in children}) == 1 and children[0].household_id
    assert len({c.caregiver_id for c in children}) == 1 and children[0].caregiver_id
    assert children[0].caregiver.phone == "+380671234567"
    assert all(c.first_follow_up_due == TODAY + dt.timedelta(days=60) for c in children)
    assert not PendingSibling.objects.filter(registered_child=None).exists()
    # Each confirmation cleared the draft of its form.
    assert tablet.evaluate(DRAFT_ENTRIES) == []
    tablet.goto(f"{live_server.url}/register/done/{children[-1].code}/")
    expect(tablet.locator("#registration-done")).to_contain_text(low)


def test_suggested_risk_and_consent_notice_follow_the_answers(
    lookups_loaded, tablet, live_server, client, worker_tm
):
    login(tablet, live_server, client, worker_tm)
    tablet.goto(f"{live_server.url}/register/")
    suggestion = tablet.locator("#risk-suggested-label")
    expect(suggestion).to_have_text("Low")
    choose(tablet, "has_disability", "yes")
    expect(suggestion).to_have_text("Medium")
    expect(tablet.locator("#field-disability_details")).to_be_visible()
    tablet.locator('input[name="protection_concerns"][value="trafficking"]').check()
    expect(suggestion).to_have_text("High")
    expect(tablet.locator("#field-concern_details")).to_be_visible()
    choose(tablet, "risk_level", "medium")
    expect(tablet.locator("#field-risk_justification")).to_be_visible()
    choose(tablet, "uasc_status", "unaccompanied")
    expect(tablet.locator("#caregiver-block")).to_be_hidden()
    choose(tablet, "consent_registration", "no")
    expect(tablet.locator("#consent-notice")).to_be_visible()
    expect(tablet.locator("#field-first_name")).to_be_hidden()
    tablet.screenshot(path=f"{SHOTS}/registration-no-consent.png")


def test_a_draft_survives_a_reload_and_an_expired_session(
    lookups_loaded, tablet, live_server, client, worker_tm
):
    login(tablet, live_server, client, worker_tm)
    tablet.goto(f"{live_server.url}/register/")
    tablet.fill('[name="first_name"]', "Sofiia")
    tablet.fill('[name="interviewer_notes"]', "Tired after the night at the border")
    # The session expires; the worker presses save and lands on the login page.
    tablet.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    tablet.click("#save-registration")
    expect(tablet).to_have_url(re.compile(r"/accounts/login/"))
    assert not Child.objects.exists()
    login(tablet, live_server, client, worker_tm)
    tablet.goto(f"{live_server.url}/register/")
    expect(tablet.locator("#draft-banner")).to_be_visible()
    tablet.click("#draft-restore")
    expect(tablet.locator('[name="first_name"]')).to_have_value("Sofiia")
    expect(tablet.locator('[name="interviewer_notes"]')).to_have_value(
        "Tired after the night at the border"
    )
    # Kept encrypted: the name is not in the browser's storage in clear.
    tablet.wait_for_function(f"{DRAFT_ENTRIES}.length === 1")
    assert "Sofiia" not in str(tablet.evaluate(DRAFT_VALUES))


def test_out_of_county_worker_sees_a_duplicate_warning_without_details(
    lookups_loaded, tablet, live_server, client, worker_tm, worker_sv
):
    existing = make_child(
        worker_tm,
        first_name="Oleksandr",
        last_name="Shevchenko",
        name_native="Олександр Шевченко",
        date_of_birth=dt.date(2014, 5, 9),
        date_of_birth_estimated=False,
    )
    login(tablet, live_server, client, worker_sv)
    tablet.goto(f"{live_server.url}/register/")
    choose(tablet, "consent_registration", "yes")
    tablet.fill('[name="first_name"]', "Alexandr")
    tablet.fill('[name="last_name"]', "Shevcenko")
    tablet.fill('[name="date_of_birth"]', "2014-05-09")
    tablet.locator('[name="date_of_birth"]').dispatch_event("change")
    panel = tablet.locator("#duplicates-panel")
    expect(panel).to_contain_text("A possible match is registered in a caseload you cannot open")
    expect(panel).to_contain_text("Timiș")
    assert existing.code not in panel.inner_text()
    assert "Oleksandr" not in panel.inner_text()
    panel.scroll_into_view_if_needed()
    tablet.screenshot(path=f"{SHOTS}/registration-duplicate-other-county.png")


def test_log_out_forgets_the_drafts_but_an_expired_session_keeps_them(
    lookups_loaded, tablet, live_server, client, worker_tm
):
    # Tablets at border points are shared: "Log out" must not leave a family's data behind.
    login(tablet, live_server, client, worker_tm)
    tablet.goto(f"{live_server.url}/register/")
    tablet.fill('[name="first_name"]', "Sofiia")
    tablet.fill('[name="interviewer_notes"]', "Sleeps at the transit centre")
    tablet.wait_for_function(f"{DRAFT_ENTRIES}.length === 1")
    tablet.get_by_role("button", name="Log out").click()
    tablet.wait_for_load_state()
    assert tablet.evaluate(DRAFT_ENTRIES) == []
    login(tablet, live_server, client, worker_tm)
    tablet.goto(f"{live_server.url}/register/")
    expect(tablet.locator("#draft-banner")).to_be_hidden()
    tablet.screenshot(path=f"{SHOTS}/qa35-registration-after-logout.png")

    # An expiry is not a logout: the draft stays (the other test restores it).
    tablet.fill('[name="first_name"]', "Maksym")
    tablet.wait_for_function(f"{DRAFT_ENTRIES}.length === 1")
    tablet.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    tablet.goto(f"{live_server.url}/register/")
    expect(tablet).to_have_url(re.compile(r"/accounts/login/"))
    assert len(tablet.evaluate(DRAFT_ENTRIES)) == 1


def test_without_consent_no_empty_section_is_left(
    lookups_loaded, tablet, live_server, client, worker_tm
):
    login(tablet, live_server, client, worker_tm)
    tablet.goto(f"{live_server.url}/register/")
    expect(tablet.locator("#section-D")).to_be_visible()
    choose(tablet, "consent_registration", "no")
    expect(tablet.locator("#section-D")).to_be_hidden()
    choose(tablet, "consent_registration", "yes")
    expect(tablet.locator("#section-D")).to_be_visible()
    # The rows of the groups are labelled for those who cannot see the column headings.
    expect(tablet.get_by_label("Relationship to the caregiver")).to_have_count(1)
