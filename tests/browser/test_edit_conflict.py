"""Two people edit the same section: the second save shows the merge, and saving again
keeps the colleague's change and asks about the answer both changed."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from cases.models import Child
from tests.factories import make_child
from tests.personas import make_user

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for people to look at


def _page(browser, live_server, user, width=1024):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 768}, locale="en-GB")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
        ]
    )
    return context.new_page()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_conflict_is_merged_and_the_answer_both_changed_is_chosen(
    lookups_loaded, live_server, browser
):
    SHOTS.mkdir(exist_ok=True)
    worker = make_user("worker.tm", "field_worker", "RO-TM")
    coord = make_user("coord.tm", "county_coordinator", "RO-TM")
    child = make_child(worker, seed=7, current_locality="Timișoara", current_address="")
    url = live_server.url + child.get_absolute_url() + "edit/E/"
    mine, theirs = _page(browser, live_server, worker), _page(browser, live_server, coord)
    mine.goto(url)
    theirs.goto(url)
    theirs.get_by_label("Town or commune").fill("Lugoj")
    theirs.get_by_label("Address").fill("Strada Gării 1")
    theirs.get_by_role("button", name="Save").click()

    mine.get_by_label("Town or commune").fill("Buziaș")
    mine.get_by_role("button", name="Save").click()
    assert "Not saved" in mine.locator(".conflict").inner_text()
    assert mine.get_by_label("Address").input_value() == "Strada Gării 1"
    assert "Changed by a colleague" in mine.locator("#field-current_address").inner_text()
    assert mine.get_by_label("Town or commune").input_value() == "Buziaș"
    mine.screenshot(path=str(SHOTS / "edit-conflict-1024.png"), full_page=True)
    mine.set_viewport_size({"width": 390, "height": 800})
    assert mine.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    mine.screenshot(path=str(SHOTS / "edit-conflict-390.png"), full_page=True)

    mine.get_by_role("button", name="Save").click()
    assert "Choose which answer to keep." in mine.content()
    mine.get_by_label("my answer (in the field above)").check()
    mine.get_by_role("button", name="Save").click()
    assert "The case was saved." in mine.locator(".messages").inner_text()
    child = Child.objects.get(pk=child.pk)
    assert (child.current_locality, child.current_address) == ("Buziaș", "Strada Gării 1")
