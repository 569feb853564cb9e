"""The registration form marks a question required when the catalogue's condition makes
it required (the document number once a document is chosen), from the same data."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.personas import make_user

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for people to look at


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_document_number_is_marked_required_once_a_document_is_chosen(
    lookups_loaded, live_server, browser, client
):
    SHOTS.mkdir(exist_ok=True)
    worker = make_user("worker.tm", "field_worker", "RO-TM")
    client.force_login(worker)
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(live_server.url + "/register/?lang=en")
    number = page.locator("#field-id_document_number")
    # A question always required carries the mark from the page itself.
    assert "required" in page.locator("#field-first_name").get_attribute("class").split()
    page.select_option("#id_id_document_type", "passport")
    assert number.is_visible()
    assert "required" in number.get_attribute("class").split()
    label = number.locator("label").first
    assert (
        page.evaluate("el => getComputedStyle(el, '::after').content", label.element_handle())
        == '" *"'
    )
    number.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "document-number-required.png"))
    page.select_option("#id_id_document_type", "none")
    assert not number.is_visible()
    assert "required" not in number.get_attribute("class").split()
    context.close()
