"""In Debian's Chromium: a county coordinator without a phone logs in, is taken to the
enrolment page before anything else, scans (here: reads) the key, types the app's code, keeps
the backup codes, and reaches the page asked for; the next login asks for a code, and a backup
code works once."""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.models import Role
from audit.models import Action, AuditEvent
from tests.personas import PASSWORD, make_user

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for people to look at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from_key(typed_key: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed from the page (base32)."""
    text = typed_key.replace(" ", "")
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def password_step(page, base: str, username: str, next_path: str = "/") -> None:
    page.goto(f"{base}{next_path}")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('main button[type="submit"]')


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (390, 844)])
def test_coordinator_enrols_a_phone_and_logs_in_with_codes(
    live_server, lookups_loaded, browser, width, height
):
    SHOTS.mkdir(exist_ok=True)
    user = make_user("coord.cj", Role.COUNTY_COORDINATOR, "RO-CJ", first_name="Ioana")
    # Created without a phone, as by `manage.py add_user`.
    user.totpdevice_set.all().delete()
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()

    password_step(page, base, "coord.cj", "/cases/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/enrol/\?next=%2Fcases%2F$"))
    expect(page.locator("h1")).to_have_text("Set up two-step login")
    expect(page.locator("nav.mainnav a")).to_have_count(0)  # nothing else before this step
    qr = page.locator("svg.qr-code")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["x"] + box["width"] <= width  # scannable, on screen
    page.screenshot(path=SHOTS / f"two-factor-enrol-{width}.png", full_page=True)

    page.get_by_text("Cannot scan? Type this key instead").click()
    key = page.locator("#otp-secret").inner_text()
    page.get_by_label("Code").fill("000000")
    page.click('main button[type="submit"]')
    expect(page.locator("#field-code .error")).to_contain_text("This code is not right")
    page.wait_for_timeout(1500)  # django-otp makes the next try wait a second after a wrong one

    page.get_by_label("Code").fill(code_from_key(key, steps_ahead=1))
    page.click('main button[type="submit"]')
    expect(page.locator("h1")).to_have_text("Backup codes")
    codes = page.locator("ul.backup-codes code").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path=SHOTS / f"two-factor-backup-codes-{width}.png", full_page=True)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page).to_have_url(f"{base}/cases/")
    expect(page.locator(".whoami")).to_contain_text("Ioana")

    # Log out; the next login asks for a code at once.
    page.get_by_role("button", name="Log out").click()
    password_step(page, base, "coord.cj")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    page.screenshot(path=SHOTS / f"two-factor-verify-{width}.png", full_page=True)
    page.get_by_label("Code").fill(code_from_key(key, steps_ahead=2))
    page.click('main button[type="submit"]')
    expect(page).to_have_url(f"{base}/")

    # Without the phone: a backup code, once.
    page.get_by_role("button", name="Log out").click()
    password_step(page, base, "coord.cj")
    page.get_by_label("Code").fill(codes[0])
    page.click('main button[type="submit"]')
    expect(page).to_have_url(f"{base}/")
    page.get_by_role("button", name="Log out").click()
    password_step(page, base, "coord.cj")
    page.get_by_label("Code").fill(codes[0])
    page.click('main button[type="submit"]')
    expect(page.locator("#field-code .error")).to_contain_text("already used")
    context.close()

    events = list(
        AuditEvent.objects.filter(action=Action.TWO_FACTOR)
        .order_by("id")
        .values_list("details__event", flat=True)
    )
    assert events == ["enrolled", "verified", "backup_code_used"]
