"""In Debian's Chromium: a county coordinator logs in through the real login page (password,
then the code of their phone), sees the home page of their county, and switches the
interface to Ukrainian."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.personas import PASSWORD, totp_code

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for people to look at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_logs_in_sees_the_county_and_switches_to_ukrainian(
    live_server, lookups_loaded, coord_tm, page
):
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.screenshot(path=SHOTS / "foundation-login.png")

    page.fill('input[name="username"]', "coord.tm")
    page.fill('input[name="password"]', PASSWORD)
    page.click('main button[type="submit"]')

    # A coordinator's second step: the six-digit code of the app on their phone.
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/\?next=%2F$"))
    page.get_by_label("Code").fill(totp_code(coord_tm.otp_device))
    page.click('main button[type="submit"]')

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_contain_text("Timiș")
    expect(page.locator(".whoami")).to_contain_text("Timiș")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.screenshot(path=SHOTS / "foundation-home-en.png", full_page=True)

    page.click('.langswitch button[value="uk"]')
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator('.langswitch button[value="uk"]')).to_have_attribute("aria-current", "true")
    expect(page.locator("h1")).to_contain_text("Timiș")  # still logged in, same county
    page.screenshot(path=SHOTS / "foundation-home-uk.png", full_page=True)

    # The choice sticks for the next pages.
    page.goto(f"{live_server.url}/accounts/password/")
    expect(page.locator("html")).to_have_attribute("lang", "uk")


def test_wrong_password_in_the_browser_shows_the_error(live_server, lookups_loaded, coord_tm, page):
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('input[name="username"]', "coord.tm")
    page.fill('input[name="password"]', "not-the-password")
    page.click('main button[type="submit"]')
    expect(page.locator('[role="alert"]')).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.screenshot(path=SHOTS / "foundation-login-error.png")


@pytest.mark.parametrize("persona", ["worker_tm", "coord_tm", "country"])
@pytest.mark.parametrize(("width", "height"), [(1024, 768), (390, 844)])
def test_home_page_of_each_role_fits_the_screen(
    live_server, lookups_loaded, persona, width, height, request, page, client
):
    """No sideways scrolling on a tablet or a phone (the dashboard charts used to overflow)."""
    from tests.factories import make_child

    user = request.getfixturevalue(persona)
    worker = request.getfixturevalue("worker_tm")
    for seed in range(3):
        make_child(worker, seed=seed)
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_be_visible()
    page.screenshot(path=SHOTS / f"qa2-home-{persona}-{width}.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{persona} at {width}px scrolls sideways by {overflow}px"
