"""In Debian's Chromium: a county coordinator logs in and finds, without searching, the
closure and the transfer that wait for them; the pages at 1024 px and on a phone (390 px)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.services.closure import close_case
from cases.services.transfer import request_transfer
from tests.cases._workflow import TODAY, open_case
from tests.personas import PASSWORD, make_user, totp_code

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for people to look at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, live_server, user, width: int = 1024, height: int = 768):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('input[name="username"]', user.username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('main button[type="submit"]')
    if getattr(user, "otp_device", None):  # a coordinator's second step: their phone's code
        expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
        page.get_by_label("Code").fill(totp_code(user.otp_device))
        page.click('main button[type="submit"]')
    expect(page).to_have_url(f"{live_server.url}/")
    return context, page


def test_county_coordinator_sees_the_closure_and_the_transfer_waiting(
    live_server, lookups_loaded, browser
):
    SHOTS.mkdir(exist_ok=True)
    worker = make_user("worker.tm", "field_worker", "RO-TM", first_name="Ana", last_name="Pop")
    coord = make_user("coord.tm", "county_coordinator", "RO-TM", first_name="Ioana")
    worker_sv = make_user("worker.sv", "field_worker", "RO-SV")
    closing = open_case(worker, risk="high", first_name="Olena", last_name="Melnyk")
    close_case(closing, worker, "needs_met", TODAY())
    moving = open_case(worker_sv, seed=2, first_name="Taras", last_name="Bondar")
    request_transfer(
        moving,
        worker_sv,
        "RO-TM",
        reason="The family moved in with the grandmother in Lugoj.",
        new_locality="Lugoj",
    )

    context, page = _login(browser, live_server, coord)
    nav_count = page.locator(".mainnav .todo-link .badge")
    expect(nav_count).to_have_text("3")  # closure, transfer, the high-risk case without contact
    closures = page.locator("#todo-closures")
    expect(closures).to_contain_text(closing.code)
    expect(closures).to_contain_text("Olena Melnyk")
    transfers = page.locator("#todo-transfers")
    expect(transfers).to_contain_text(moving.code)
    expect(transfers).to_contain_text("grandmother in Lugoj")
    expect(transfers).not_to_contain_text("Taras")
    page.screenshot(path=SHOTS / "todo-coordinator-1024.png", full_page=True)

    # The transfer's entry leads to the decision, with the context the request carries.
    transfers.get_by_role("link", name="Decide").click()
    expect(page.locator(".transfer-context")).to_contain_text("Lugoj")
    page.screenshot(path=SHOTS / "todo-transfer-decide-1024.png", full_page=True)
    page.get_by_role("button", name="Accept the transfer").click()
    expect(page.locator("h1")).to_contain_text("Taras")

    # The closure's entry leads to the case, where it is approved; then nothing waits.
    page.goto(f"{live_server.url}/")
    page.locator("#todo-closures").get_by_role("link", name="Decide").click()
    page.get_by_role("button", name="Approve the closure").click()
    expect(page.locator(".messages")).to_contain_text("The closure was approved")
    page.goto(f"{live_server.url}/")
    expect(page.locator("#todo-closures")).to_contain_text("No closure waits for approval.")
    expect(page.locator("#todo-transfers")).to_contain_text("No transfer is waiting for you.")
    context.close()

    # On a phone: the to-do fits the screen (no sideways scroll).
    phone, page = _login(browser, live_server, worker, width=390, height=844)
    page.screenshot(path=SHOTS / "todo-worker-390.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.goto(f"{live_server.url}/accounts/profile/")
    page.screenshot(path=SHOTS / "profile-390.png", full_page=True)
    phone.close()
