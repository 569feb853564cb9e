"""On a shared tablet, an unsaved registration belongs to the worker who typed it: after a
session that ended without "Log out", the next worker is not offered it and cannot read
it; the first worker gets it back when they log in again (static/js/drafts.js)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_registration import DRAFT_ENTRIES, SHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORED = (
    "Object.fromEntries(Object.keys(localStorage).filter(k => k.startsWith('registration-draft'))"
    ".map(k => [k, localStorage.getItem(k)]))"
)


@pytest.fixture
def tablet(page: Page) -> Page:
    page.set_viewport_size({"width": 1024, "height": 768})
    os.makedirs(SHOTS, exist_ok=True)
    return page


# What the next user's page would have to do to read another's entry: its own key fails.
DECRYPT_WITH_THIS_PAGES_KEY = """async (entry) => {
  const el = document.getElementById("draft-banner");
  const b64 = (t) => Uint8Array.from(atob(t.replace(/-/g, "+").replace(/_/g, "/")
      + "===".slice((t.length + 3) % 4)), c => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", b64(el.dataset.draftKey), "AES-GCM",
      false, ["decrypt"]);
  const sealed = JSON.parse(entry.value);
  try {
    await crypto.subtle.decrypt({name: "AES-GCM", iv: b64(sealed.iv),
        additionalData: new TextEncoder().encode(entry.store)}, key, b64(sealed.data));
    return "read";
  } catch (e) { return "refused"; }
}"""
# The page's own read of the drafts has finished when a read queued after it has.
SETTLED = """() => window.PrimeroDrafts
  && window.PrimeroDrafts.open(document.getElementById("draft-banner")).read()"""


def test_the_next_worker_is_not_offered_and_cannot_read_the_draft_of_the_first(
    lookups_loaded, tablet, live_server, client, worker_tm, worker2_tm
):
    register = f"{live_server.url}/register/"
    login(tablet, live_server, client, worker_tm)
    tablet.goto(register)
    key_of_a = tablet.locator("#draft-banner").get_attribute("data-draft-key")
    tablet.fill('[name="first_name"]', "Sofiia")
    tablet.fill('[name="interviewer_notes"]', "Sleeps at the transit centre")
    tablet.wait_for_function(f"{DRAFT_ENTRIES}.length === 1")

    # The session ends without "Log out" (expired, or the browser's cookies cleared), and
    # the next worker logs in on the same tablet.
    tablet.context.clear_cookies()
    login(tablet, live_server, client, worker2_tm)
    tablet.goto(register)
    tablet.evaluate(SETTLED)
    expect(tablet.locator("#draft-banner")).to_be_hidden()
    expect(tablet.locator('[name="first_name"]')).to_have_value("")

    stored = tablet.evaluate(STORED)
    assert len(stored) == 1
    [(store_of_a, sealed)] = stored.items()
    for typed in ("Sofiia", "transit"):
        assert typed not in sealed
    assert key_of_a not in sealed  # the key is never stored in the browser
    assert tablet.locator("#draft-banner").get_attribute("data-draft-store") != store_of_a
    entry = {"store": store_of_a, "value": sealed}
    assert tablet.evaluate(DECRYPT_WITH_THIS_PAGES_KEY, entry) == "refused"

    # The second worker's own draft is kept apart from the first's.
    tablet.fill('[name="first_name"]', "Petro")
    tablet.wait_for_function(f"{DRAFT_ENTRIES}.length === 2")
    tablet.screenshot(path=f"{SHOTS}/drafts-second-worker.png")

    # The first worker comes back: their draft is offered and restored, not the other's.
    tablet.context.clear_cookies()
    login(tablet, live_server, client, worker_tm)
    tablet.goto(register)
    expect(tablet.locator("#draft-banner")).to_be_visible()
    assert tablet.evaluate(DECRYPT_WITH_THIS_PAGES_KEY, entry) == "read"
    tablet.click("#draft-restore")
    expect(tablet.locator('[name="first_name"]')).to_have_value("Sofiia")
    expect(tablet.locator('[name="interviewer_notes"]')).to_have_value(
        "Sleeps at the transit centre"
    )
    assert "Sleeps" not in str(tablet.evaluate(STORED))
    tablet.screenshot(path=f"{SHOTS}/drafts-first-worker-back.png")


def test_a_page_without_a_signed_in_user_keeps_no_draft(lookups_loaded, tablet, live_server):
    tablet.goto(f"{live_server.url}/accounts/login/")
    assert tablet.evaluate("typeof window.PrimeroDrafts") == "undefined"
    assert tablet.evaluate(DRAFT_ENTRIES) == []
