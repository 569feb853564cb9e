"""In Debian's Chromium: a county coordinator creates a field worker of their county (a weak
password first, refused next to the field), and the new worker logs in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role, User
from tests.personas import PASSWORD, totp_code

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for people to look at
STRONG = "ochi-verzi-la-granita-77"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_coordinator_creates_a_field_worker(
    live_server, lookups_loaded, coord_tm, worker_tm, browser
):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('input[name="username"]', "coord.tm")
    page.fill('input[name="password"]', PASSWORD)
    page.click('main button[type="submit"]')
    # A coordinator's second step: the code of their phone.
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    page.get_by_label("Code").fill(totp_code(coord_tm.otp_device))
    page.click('main button[type="submit"]')
    expect(page).to_have_url(f"{live_server.url}/")

    page.get_by_role("navigation").get_by_role("link", name="Users", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Users · Timiș")
    expect(page.locator("table.user-list")).to_contain_text("worker.tm")
    page.screenshot(path=SHOTS / "users-list.png", full_page=True)

    page.get_by_role("link", name="Create a user").click()
    page.get_by_label("Username").fill("ion.tm")
    page.get_by_label("First name").fill("Ion")
    page.get_by_label("Last name").fill("Pop")
    page.get_by_label("Email").fill("ion@example.org")
    expect(page.get_by_label("Role")).to_have_value("field_worker")
    expect(page.get_by_label("County")).to_have_value("RO-TM")
    page.get_by_label("Organisation").fill("DGASPC Timiș")
    page.get_by_label("Initial password", exact=True).fill("password123")
    page.get_by_label("Initial password again").fill("password123")
    page.get_by_role("button", name="Create the user").click()

    expect(page.locator("#field-password2 .error")).to_contain_text("too common")
    expect(page.get_by_label("Username")).to_have_value("ion.tm")
    expect(page.get_by_label("Last name")).to_have_value("Pop")
    page.screenshot(path=SHOTS / "users-create-weak-password.png", full_page=True)
    assert not User.objects.filter(username="ion.tm").exists()

    page.get_by_label("Initial password", exact=True).fill(STRONG)
    page.get_by_label("Initial password again").fill(STRONG)
    page.get_by_role("button", name="Create the user").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/users/ion.tm/")
    expect(page.locator(".messages")).to_contain_text("User ion.tm created.")
    expect(page.locator("dl.summary")).to_contain_text("Field worker")
    expect(page.locator("dl.summary")).to_contain_text("Timiș")
    page.screenshot(path=SHOTS / "users-created.png", full_page=True)

    user = User.objects.get(username="ion.tm")
    assert (user.role, user.county_id) == (Role.FIELD_WORKER, "RO-TM")

    # The new field worker logs in with the password the coordinator gave them.
    other = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB")
    worker_page = other.new_page()
    worker_page.goto(f"{live_server.url}/accounts/login/")
    worker_page.fill('input[name="username"]', "ion.tm")
    worker_page.fill('input[name="password"]', STRONG)
    worker_page.click('main button[type="submit"]')
    expect(worker_page).to_have_url(f"{live_server.url}/")
    expect(worker_page.locator(".whoami")).to_contain_text(re.compile("Ion Pop"))
    expect(worker_page.get_by_role("navigation").get_by_role("link", name="Users")).to_have_count(0)
    other.close()
    context.close()
