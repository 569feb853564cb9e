"""Offline registration in Chromium (issue 13, docs/offline.md): the network switched off
with context.set_offline, a browser profile kept on disk and the browser restarted, the
registrations sent when the connection returns, each created once.

Run with a live server port of the offline helpers' range, e.g.
`pytest tests/browser/test_offline_registration.py --liveserver=localhost:8111`:
service workers need a secure context, which http://localhost is."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from cases.models import Child
from registration.models import PendingSibling
from tests.browser import chromium
from tests.browser.test_registration import (
    add_accompanying_children,
    choose,
    fill_child,
    fill_mother_as_caregiver,
)
from tests.factories import make_child
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/shots"  # noqa: S108 - where the team looks at screenshots
TODAY = timezone.localdate()
CACHE = "primero-offline-v1"
# Every record of the queue in IndexedDB, as stored (encrypted), whoever it belongs to.
ALL_RECORDS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("primero-offline", 1);
  open.onsuccess = () => {
    const request = open.result.transaction("queue").objectStore("queue").getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  };
  open.onerror = () => reject(open.error);
})"""


@pytest.fixture
def profile(tmp_path, playwright):
    """A Chromium profile on disk: start() opens the browser on it, again after a close."""

    class Profile:
        context: BrowserContext | None = None

        def start(self, width: int = 1024, height: int = 768) -> Page:
            self.context = playwright.chromium.launch_persistent_context(
                str(tmp_path / "profile"),
                executable_path=chromium.EXECUTABLE,
                args=chromium.FLAGS,
                viewport={"width": width, "height": height},
            )
            self.context.set_default_timeout(30_000)
            page = self.context.pages[0] if self.context.pages else self.context.new_page()
            page.on("dialog", lambda dialog: dialog.accept())
            # Shown when a test fails (pytest keeps what is printed).
            page.on("console", lambda message: print("console:", message.type, message.text))
            page.on("pageerror", lambda error: print("page error:", error))
            return page

        def close(self) -> None:
            if self.context is not None:
                self.context.close()
                self.context = None

    found = Profile()
    os.makedirs(SHOTS, exist_ok=True)
    yield found
    found.close()


def log_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('[name="username"]', user.username)
    page.fill('[name="password"]', PASSWORD)
    page.click('#login-form button[type="submit"]')
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    # The key is unlocked by the first page after the login.
    page.wait_for_function("window.PrimeroOffline && window.PrimeroOffline.key !== null")


def ready_for_offline(page: Page, live_server, lang: str) -> None:
    """The worker opened the app online: the service worker runs and the offline page of
    each language is kept."""
    page.goto(f"{live_server.url}/register/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()  # a page opened before the worker was active is not controlled
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_function("window.PrimeroOffline && window.PrimeroOffline.key !== null")
    page.evaluate("PrimeroOffline.cacheForOffline(true)")
    kept = page.evaluate(
        f"caches.open('{CACHE}').then(c => c.keys()).then(k => k.map(r => new URL(r.url).pathname))"
    )
    assert {f"/register/offline/form/{code}/" for code in ("ro", "uk", "en")} <= set(kept)
    settings = page.evaluate(
        f"caches.open('{CACHE}').then(c => c.match('/__offline/settings')).then(r => r.json())"
    )
    assert settings["language"] == lang


def waiting(page: Page) -> int:
    return page.evaluate("window.PrimeroOffline.render().then(e => e.length)")


def fill_first_child(page: Page, first: str, age: int, sex: str, *, entry_days_ago: int = 1):
    page.select_option('[name="registration_place"]', "border_crossing")
    page.select_option('[name="entry_point"]', "SIRET")
    page.fill('[name="entry_date"]', (TODAY - dt.timedelta(days=entry_days_ago)).isoformat())
    choose(page, "consent_registration", "yes")
    page.select_option('[name="consent_given_by"]', "caregiver")
    choose(page, "consent_share_providers", "yes")
    choose(page, "interpreter_used", "no")
    page.fill('[name="last_name"]', "Kovalenko")
    fill_child(page, first, TODAY.replace(year=TODAY.year - age), sex)
    page.locator('input[name="languages"][value="uk"]').check()
    fill_mother_as_caregiver(page)
    choose(page, "family_in_ukraine", "yes")
    choose(page, "tracing_requested", "no")
    page.fill('[name="current_locality"]', "Lugoj")
    page.select_option('[name="accommodation_type"]', "rented")
    choose(page, "planned_stay", "stay")


def save_offline(page: Page) -> str:
    page.click("#save-registration")
    wrong = page.evaluate(
        "[...document.querySelectorAll('.offline-error')].map(e => e.parentElement.id + ': ' + e.textContent)"
    )
    assert wrong == []
    expect(page.locator("#offline-saved")).to_be_visible()
    reference = page.locator("#offline-saved-ref").inner_text()
    assert reference.startswith("OFF-") and len(reference) == 13
    return reference


@pytest.mark.parametrize(
    ("lang", "saved_words", "waiting_words"),
    [("ro", "Salvat", "așteaptă"), ("uk", "Збережено", "очіку")],
)
def test_a_family_of_three_typed_offline_is_registered_once_after_a_restart(
    lookups_loaded, live_server, profile, worker_tm, worker2_tm, lang, saved_words, waiting_words
):
    worker_tm.language = lang
    worker_tm.save(update_fields=["language"])
    page = profile.start()
    log_in(page, live_server, worker_tm)
    ready_for_offline(page, live_server, lang)

    profile.context.set_offline(True)
    # The page of the app, without a connection: the registration page kept offline.
    page.goto(f"{live_server.url}/register/")
    expect(page.locator("#offline-page-notice")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("#offline-indicator")).to_have_class("offline-indicator is-offline")
    # The catalogue's checks, in the page's language, before anything is queued.
    page.click("#save-registration")
    expect(page.locator("#field-first_name .offline-error")).to_be_visible()
    assert waiting(page) == 0

    fill_first_child(page, "Daryna", 12, "female")
    page.fill('[name="name_native"]', "Дарина Коваленко")
    # The two others travel with her (question 36): one row is there, the button adds one.
    rows = [("Bohdan", "male", 7), ("Zlata", "female", 3)]
    add_accompanying_children(page, rows)
    references = [save_offline(page)]
    expect(page.locator("#offline-saved")).to_contain_text(saved_words)
    page.screenshot(path=f"{SHOTS}/offline-saved-{lang}.png")
    for first, sex, age in rows:
        page.locator("#offline-siblings button", has_text=first).click()
        # The household's answers, the caregiver and the row's child come pre-filled.
        expect(page.locator('[name="first_name"]')).to_have_value(first)
        expect(page.locator('[name="current_locality"]')).to_have_value("Lugoj")
        expect(page.locator('[name="caregiver_first_name"]')).to_have_value("Iryna")
        fill_child(page, first, TODAY.replace(year=TODAY.year - age), sex)
        references.append(save_offline(page))
    expect(page.locator("#offline-siblings button")).to_have_count(0)
    assert len(set(references)) == 3
    assert waiting(page) == 3
    expect(page.locator("#offline-count")).to_contain_text(waiting_words)
    page.locator("#offline-indicator").screenshot(path=f"{SHOTS}/offline-indicator-{lang}.png")
    page.click("#offline-count")
    expect(page.locator("#offline-entries li")).to_have_count(3)
    expect(page.locator("#offline-entries")).to_contain_text("Zlata Kovalenko")
    page.screenshot(path=f"{SHOTS}/offline-queue-{lang}.png")
    # Kept encrypted: no name in the browser's storage in clear.
    stored = str(page.evaluate(ALL_RECORDS))
    assert "Daryna" not in stored and "Kovalenko" not in stored
    assert not Child.objects.exists()

    # The browser is closed; it is opened again on the same profile, with the connection.
    profile.close()
    page = profile.start(width=390, height=844)
    # Another worker on the same tablet is shown nothing and can read nothing.
    log_in(page, live_server, worker2_tm)
    assert waiting(page) == 0
    expect(page.locator("#offline-send")).to_be_hidden()
    records = page.evaluate(ALL_RECORDS)
    assert len(records) == 3
    unreadable = page.evaluate(
        """records => Promise.all(records.map(r =>
             PrimeroVault.readEntry(PrimeroOffline.key, r).then(() => 'read', () => 'refused')))""",
        records,
    )
    assert unreadable == ["refused"] * 3
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(lambda url: "/accounts/login/" in url or url.endswith("/"))
    assert not Child.objects.exists()

    # The worker logs in again: the queue restarts and is sent, the earlier child first.
    log_in(page, live_server, worker_tm)
    page.wait_for_function("window.PrimeroOffline.count === 0", timeout=60_000)
    page.locator("#offline-indicator").screenshot(path=f"{SHOTS}/offline-indicator-sent-{lang}.png")
    children = list(Child.objects.order_by("created_at"))
    assert [c.first_name for c in children] == ["Daryna", "Bohdan", "Zlata"]
    assert len({c.household_id for c in children}) == 1 and children[0].household_id
    assert len({c.caregiver_id for c in children}) == 1 and children[0].caregiver_id
    assert not PendingSibling.objects.filter(registered_child=None).exists()
    assert page.evaluate(ALL_RECORDS) == []


def test_the_same_registration_sent_three_times_at_once_is_created_once(
    lookups_loaded, live_server, profile, worker_tm
):
    page = profile.start()
    log_in(page, live_server, worker_tm)
    ready_for_offline(page, live_server, "en")
    profile.context.set_offline(True)
    page.goto(f"{live_server.url}/register/offline/form/en/")
    fill_first_child(page, "Daryna", 12, "female")
    save_offline(page)
    key = page.evaluate("PrimeroVault.records(PrimeroOffline.owner).then(r => r[0].key)")
    profile.context.set_offline(False)
    # The page's own send (the connection is back) and two more of the same entry at once.
    answers = page.evaluate(
        """async (key) => {
          const entry = await PrimeroOffline.entry(key);
          const state = await (await fetch(document.getElementById("offline-script").dataset.stateUrl)).json();
          const send = () => fetch(document.getElementById("offline-script").dataset.sendUrl, {
            method: "POST", body: PrimeroOffline.body(entry), headers: {"X-CSRFToken": state.csrf}
          }).then(r => r.json());
          return Promise.all([send(), send(), PrimeroOffline.syncOnce().then(() => null)]);
        }""",
        key,
    )
    codes = {a["code"] for a in answers if a}
    assert len(codes) == 1 and Child.objects.count() == 1
    assert Child.objects.get().code in codes
    assert sorted(a["replayed"] for a in answers if a).count(True) >= 1
    page.wait_for_function("window.PrimeroOffline.count === 0")


def test_a_refusal_keeps_the_entry_with_its_messages_until_it_is_fixed(
    lookups_loaded, live_server, profile, worker_tm
):
    page = profile.start()
    log_in(page, live_server, worker_tm)
    ready_for_offline(page, live_server, "en")
    profile.context.set_offline(True)
    page.goto(f"{live_server.url}/register/offline/form/en/")
    fill_first_child(page, "Daryna", 12, "female")
    # A date the browser does not judge (a rule across answers): the server does.
    page.fill('[name="entry_date"]', (TODAY + dt.timedelta(days=3)).isoformat())
    reference = save_offline(page)
    profile.context.set_offline(False)
    page.goto(f"{live_server.url}/")
    page.wait_for_function(
        "PrimeroVault.records(PrimeroOffline.owner).then(r => r.length && r[0].state === 'refused')"
    )
    assert not Child.objects.exists()
    queue = page.locator("#offline-queue")
    expect(queue).to_be_visible()
    expect(queue).to_contain_text(reference)
    expect(queue).to_contain_text("The date cannot be in the future.")
    page.screenshot(path=f"{SHOTS}/offline-refused.png")
    # Opened in the form, with the message next to the question; fixed; sent.
    queue.get_by_role("link", name="Open it to fix").click()
    expect(page.locator("#offline-fixing")).to_contain_text(reference)
    expect(page.locator("#field-entry_date .offline-error")).to_contain_text("in the future")
    expect(page.locator('[name="first_name"]')).to_have_value("Daryna")
    page.fill('[name="entry_date"]', (TODAY - dt.timedelta(days=1)).isoformat())
    assert save_offline(page) == reference
    page.wait_for_function("window.PrimeroOffline.count === 0")
    assert Child.objects.get().first_name == "Daryna"


def test_a_duplicate_found_when_sending_is_shown_and_the_worker_links_it(
    lookups_loaded, live_server, profile, worker_tm
):
    existing = make_child(
        worker_tm,
        first_name="Daryna",
        last_name="Kovalenko",
        date_of_birth=TODAY.replace(year=TODAY.year - 12),
    )
    page = profile.start(width=390, height=844)
    log_in(page, live_server, worker_tm)
    ready_for_offline(page, live_server, "en")
    profile.context.set_offline(True)
    page.goto(f"{live_server.url}/register/offline/form/en/")
    fill_first_child(page, "Daryna", 12, "female")
    save_offline(page)
    profile.context.set_offline(False)
    page.goto(f"{live_server.url}/")
    queue = page.locator("#offline-queue")
    expect(queue).to_be_visible()
    expect(queue).to_contain_text(existing.code)
    page.screenshot(path=f"{SHOTS}/offline-duplicate-390.png", full_page=True)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.screenshot(path=f"{SHOTS}/offline-duplicate-1024.png")
    queue.get_by_role("button", name=f"It is this child: {existing.code}").click()
    page.wait_for_function("window.PrimeroOffline.count === 0")
    expect(page.locator("#offline-receipts")).to_contain_text(existing.code)
    assert Child.objects.count() == 1


def test_a_changed_password_still_opens_the_same_queue(
    lookups_loaded, live_server, profile, worker_tm
):
    """The data key is wrapped under the password: a change on the password page wraps the
    same key anew, so what waits on the tablet opens at the next login."""
    session_key = "JSON.parse(sessionStorage.getItem('primero-offline-key')).key"
    page = profile.start()
    log_in(page, live_server, worker_tm)
    before = page.evaluate(session_key)
    page.goto(f"{live_server.url}/accounts/password/")
    page.fill('[name="old_password"]', PASSWORD)
    page.fill('[name="new_password1"]', "another-long-password-42")
    page.fill('[name="new_password2"]', "another-long-password-42")
    page.click('#password-change-form button[type="submit"]')
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/done"))
    page.wait_for_function("window.PrimeroOffline.key !== null")
    page.wait_for_function("sessionStorage.getItem('primero-offline-pending') === null")
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(lambda url: "/accounts/login/" in url or url.endswith("/"))
    assert page.evaluate("sessionStorage.getItem('primero-offline-key')") is None
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('[name="username"]', worker_tm.username)
    page.fill('[name="password"]', "another-long-password-42")
    page.click('#login-form button[type="submit"]')
    page.wait_for_function("window.PrimeroOffline && window.PrimeroOffline.key !== null")
    assert page.evaluate(session_key) == before
