"""A field worker follows up and asks to close a high-risk case; the coordinator approves
and reviews the caseload. Screenshots at 1024x768 go to /tmp/shots/."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import make_child
from tests.personas import make_user

SHOTS = "/tmp/shots"  # noqa: S108 - where the team looks at screenshots


def _context(browser, client, user, live_server):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB")
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_follow_up_closure_approval_and_caseload(lookups_loaded, live_server, browser, client):
    worker = make_user("worker.tm", "field_worker", "RO-TM", first_name="Ana", last_name="Popescu")
    make_user("worker2.tm", "field_worker", "RO-TM", first_name="Ion", last_name="Ionescu")
    coord = make_user("coord.tm", "county_coordinator", "RO-TM", first_name="Maria")
    registered = timezone.localdate() - dt.timedelta(days=30)
    child = make_child(
        worker,
        registration_date=registered,
        entry_date=registered,
        risk_level="high",
        services_needed=[],
    )
    make_child(worker, seed=2, risk_level="low", services_needed=[])

    page = _context(browser, client, worker, live_server).new_page()
    page.goto(live_server.url + child.get_absolute_url())
    panel = page.locator("#workflow")
    assert "overdue by" in panel.inner_text()
    panel.scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/workflow-panel-overdue.png")

    panel.get_by_role("link", name="Record a follow-up").click()
    page.get_by_label("Contact type").select_option("home_visit")
    page.get_by_label("Risk level after review").select_option("high")
    page.get_by_label("Notes").fill("Met the child and the aunt at home.")
    page.get_by_role("button", name="Record the follow-up").click()
    page.wait_for_url(live_server.url + child.get_absolute_url() + "#workflow")
    assert "The follow-up was recorded." in page.locator(".messages").inner_text()
    assert "overdue by" not in panel.inner_text()
    assert "Met the child" in panel.inner_text()

    panel.get_by_role("link", name="Ask to close the case").click()
    page.get_by_label("Closure reason").select_option("left_romania")
    page.get_by_role("button", name="Ask for approval").click()
    page.wait_for_url(live_server.url + child.get_absolute_url() + "#workflow")
    assert "asked to close the case" in panel.inner_text()
    child.refresh_from_db()
    assert child.status == "open"

    page = _context(browser, client, coord, live_server).new_page()
    page.goto(live_server.url + child.get_absolute_url() + "#workflow")
    panel = page.locator("#workflow")
    panel.scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/workflow-panel-approval.png")
    panel.screenshot(path=f"{SHOTS}/workflow-panel-element.png")
    panel.get_by_role("button", name="Approve the closure").click()
    page.wait_for_url(live_server.url + child.get_absolute_url() + "#workflow")
    assert "Reopen the case" in panel.inner_text()
    child.refresh_from_db()
    assert child.status == "closed" and child.next_follow_up_due is None

    page.get_by_role("link", name="Caseload").click()
    table = page.locator("table.caseload")
    assert "Ana Popescu" in table.inner_text() and "Ion Ionescu" in table.inner_text()
    page.screenshot(path=f"{SHOTS}/workflow-caseload.png")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_transfer_accepted_by_the_receiving_coordinator(
    lookups_loaded, live_server, browser, client
):
    worker = make_user("worker.tm", "field_worker", "RO-TM", first_name="Ana", last_name="Popescu")
    coord_sv = make_user("coord.sv", "county_coordinator", "RO-SV", first_name="Elena")
    make_user("worker.sv", "field_worker", "RO-SV", first_name="Petro", last_name="Rusu")
    country = make_user("country", "country_coordinator", None, first_name="Nat")
    child = make_child(worker, first_name="Olena", last_name="Melnyk", services_needed=[])

    page = _context(browser, client, worker, live_server).new_page()
    page.goto(live_server.url + child.get_absolute_url())
    page.locator("#workflow").get_by_role("link", name="Record the initial assessment").click()
    page.get_by_label("Food").check()
    page.get_by_label("Strengths and resources of the child and the family").fill("Aunt nearby")
    page.screenshot(path=f"{SHOTS}/workflow-assessment-form.png", full_page=True)
    page.get_by_role("button", name="Record the assessment").click()
    page.wait_for_url(live_server.url + child.get_absolute_url() + "#workflow")
    page.locator("#workflow").get_by_role("link", name="Ask another county").click()
    page.get_by_label("Receiving county").select_option("RO-SV")
    page.get_by_label("Why does the case move?").fill("The mother found work in Rădăuți.")
    page.get_by_label("New town or commune").fill("Rădăuți")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(live_server.url + child.get_absolute_url() + "#workflow")
    assert "Waiting for Suceava to accept" in page.locator("#workflow").inner_text()

    page = _context(browser, client, coord_sv, live_server).new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Transfers").click()
    listing = page.locator("table.transfers-incoming").inner_text()
    assert child.code in listing and "Olena" not in listing
    page.screenshot(path=f"{SHOTS}/workflow-transfers.png")
    page.get_by_role("link", name="Decide").click()
    page.get_by_label("Assign to a worker of your county").select_option(
        label="Petro Rusu (Suceava)"
    )
    page.screenshot(path=f"{SHOTS}/workflow-transfer-decide.png", full_page=True)
    page.get_by_role("button", name="Accept the transfer").click()
    page.wait_for_url(live_server.url + child.get_absolute_url())
    assert "Olena" in page.locator("h1").inner_text()
    child.refresh_from_db()
    assert child.current_county_id == "RO-SV" and child.assigned_to.username == "worker.sv"
    assert child.current_locality == "Rădăuți"

    page = _context(browser, client, country, live_server).new_page()
    page.goto(live_server.url + "/cases/caseload/")
    assert "Suceava" in page.locator("table.caseload").inner_text()
    page.screenshot(path=f"{SHOTS}/workflow-caseload-country.png")
