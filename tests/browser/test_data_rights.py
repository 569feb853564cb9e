"""The family's data panel of the case page: a coordinator asks to anonymise, the country
coordinator approves; the subject access PDF downloads. Screenshots at 1024x768 and 390 px
wide go to /tmp/shots/."""

from __future__ import annotations

import pytest

from cases.models import Child
from tests.browser.test_workflow import SHOTS, _context
from tests.cases._workflow import open_case
from tests.personas import make_user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_ask_approve_and_download(lookups_loaded, live_server, browser, client, tmp_path):
    worker = make_user("worker.tm", "field_worker", "RO-TM")
    coord = make_user("coord.tm", "county_coordinator", "RO-TM")
    country = make_user("country", "country_coordinator")
    child = open_case(worker)

    page = _context(browser, client, coord, live_server).new_page()
    page.goto(live_server.url + child.get_absolute_url())
    panel = page.locator("#data-rights")
    panel.scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/data-rights-panel.png")
    with page.expect_download() as download_info:
        panel.get_by_role("button", name="PDF").click()
    pdf = tmp_path / "sa.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    panel.get_by_role("link", name="Ask to anonymise the case").click()
    page.get_by_label("The family asked for their data to be erased").check()
    page.screenshot(path=f"{SHOTS}/data-rights-ask.png")
    page.get_by_role("button", name="Ask for approval").click()
    assert "sent to the country coordinator" in page.locator(".messages").inner_text()

    narrow = _context(browser, client, country, live_server)
    page = narrow.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + child.get_absolute_url())
    panel = page.locator("#data-rights")
    panel.scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/data-rights-approve-390.png")
    panel.get_by_role("button", name="Approve and anonymise").click()
    assert "personal data is gone" in page.locator(".messages").inner_text()
    assert Child.objects.get(pk=child.pk).anonymised_at is not None
    page.locator("#data-rights").scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/data-rights-anonymised-390.png")
