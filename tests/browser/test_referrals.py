"""A field worker refers a child to a provider in two clicks from the case page."""

import pytest
from django.conf import settings

from referrals.models import Referral
from tests.factories import make_child
from tests.personas import make_user
from tests.referrals.conftest import make_provider

SHOTS = "/tmp/shots"  # noqa: S108 - screenshots for people to look at


def _login(context, client, user, live_server):
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_refers_a_child_in_two_clicks(lookups_loaded, live_server, browser, client):
    worker = make_user("worker.tm", "field_worker", "RO-TM", first_name="Ana", last_name="Popescu")
    provider = make_provider("RO-TM", ("mhpss", "health"), name="Centrul Timiș MHPSS")
    make_provider("RO-SV", ("mhpss",), name="Suceava Help")
    child = make_child(worker, consent_share_providers=True, services_needed=[])
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB")
    _login(context, client, worker, live_server)
    page = context.new_page()
    page.goto(live_server.url + child.get_absolute_url())

    panel = page.locator("#referrals")
    panel.get_by_label("Refer to").select_option("mhpss")
    panel.get_by_role("button", name="Refer").click()  # click 1
    page.get_by_label("Centrul Timiș MHPSS").check()
    assert page.get_by_text("Suceava Help").count() == 0
    page.screenshot(path=f"{SHOTS}/referrals-confirm.png", full_page=True)
    page.get_by_role("button", name="Confirm referral").click()  # click 2

    page.wait_for_url(live_server.url + child.get_absolute_url())
    assert "recorded" in page.locator(".messages").inner_text()
    assert "Centrul Timiș MHPSS" in panel.inner_text()
    panel.scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/referrals-case-panel.png")
    referral = Referral.objects.get(child=child)
    assert referral.provider == provider
    assert referral.service_type == "mhpss"
    assert referral.status == "pending"
    child.refresh_from_db()
    assert child.workflow_stage == "referred"

    page.goto(live_server.url + f"/referrals/{referral.code}/summary/")
    page.screenshot(path=f"{SHOTS}/referrals-summary.png", full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=f"{SHOTS}/referrals-summary-print.png", full_page=True)
    assert not page.locator(".topbar").is_visible()
    page.emulate_media(media="screen")
    page.goto(live_server.url + "/referrals/")
    assert referral.code in page.locator("table.list").inner_text()
    page.screenshot(path=f"{SHOTS}/referrals-list.png")
    page.goto(live_server.url + "/referrals/providers/")
    page.screenshot(path=f"{SHOTS}/referrals-providers.png")
    page.goto(live_server.url + f"/referrals/{referral.code}/")
    page.screenshot(path=f"{SHOTS}/referrals-detail.png", full_page=True)

    # Without consent to share, the refer page explains and offers to record it.
    other = make_child(worker, seed=2, consent_share_providers=False, services_needed=[])
    page.goto(live_server.url + f"/referrals/case/{other.code}/refer/?service_type=mhpss")
    assert page.get_by_text("Centrul Timiș MHPSS").count() == 0
    page.screenshot(path=f"{SHOTS}/referrals-no-consent.png", full_page=True)
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_refers_in_two_clicks_in_romanian(lookups_loaded, live_server, browser, client):
    # The referral date comes pre-filled in every language (a localised value left the
    # date input empty in Romanian and Ukrainian, and the browser refused the submit).
    worker = make_user("worker.tm", "field_worker", "RO-TM")
    provider = make_provider("RO-TM", ("mhpss",), name="Centrul Timiș MHPSS")
    child = make_child(worker, consent_share_providers=True, services_needed=[])
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    _login(context, client, worker, live_server)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ro", "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + child.get_absolute_url())
    panel = page.locator("#referrals")
    panel.locator("select[name=service_type]").select_option("mhpss")
    panel.locator("button[type=submit]").click()  # click 1
    page.get_by_label("Centrul Timiș MHPSS").check()
    page.screenshot(path=f"{SHOTS}/qa35-referrals-confirm-ro.png", full_page=True)
    page.locator("#referral-form button[type=submit]").click()  # click 2
    page.wait_for_url(live_server.url + child.get_absolute_url())
    referral = Referral.objects.get(child=child)
    assert referral.provider == provider
    assert "Centrul Timiș MHPSS" in panel.inner_text()
    context.close()
