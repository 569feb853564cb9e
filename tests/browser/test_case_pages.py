"""A coordinator filters the case list, opens a case and edits a section, in a real browser."""

from pathlib import Path

import pytest
from django.conf import settings

from cases.models import Child
from tests.factories import make_child
from tests.personas import make_user

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for people to look at


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
def test_coordinator_finds_a_case_by_name_and_edits_it(
    lookups_loaded, live_server, browser, client
):
    SHOTS.mkdir(exist_ok=True)
    worker = make_user("worker.tm", "field_worker", "RO-TM", first_name="Ana", last_name="Popescu")
    coord = make_user("coord.tm", "county_coordinator", "RO-TM")
    for seed in range(1, 9):
        make_child(worker, seed=seed)
    target = make_child(
        worker,
        seed=20,
        first_name="Oleksandr",
        last_name="Shevchenko",
        name_native="",
        uasc_status="unaccompanied",
        care_arrangement="alone",
        risk_level="high",
        risk_justification="Travels alone.",
    )
    Child.objects.filter(pk=target.pk).update(assigned_to=worker)
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB")
    _login(context, client, coord, live_server)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Cases", exact=True).click()
    assert "9 cases" in page.locator(".result-count").inner_text()
    page.screenshot(path=str(SHOTS / "case-list.png"))

    page.get_by_label("Name or case code").fill("Olexandr Shevcenko")
    page.get_by_role("button", name="Search").click()
    assert "1 case" in page.locator(".result-count").inner_text()
    # The typed name stays out of the address bar (history, server logs): an opaque id.
    assert "shevc" not in page.url.lower() and "s=" in page.url
    assert page.get_by_label("Name or case code").input_value() == "Olexandr Shevcenko"
    page.screenshot(path=str(SHOTS / "case-list-search.png"))
    page.get_by_role("link", name=target.code).click()

    assert page.get_by_role("heading", name="B. The child").is_visible()
    page.screenshot(path=str(SHOTS / "case-page.png"))
    page.screenshot(path=str(SHOTS / "case-page-full.png"), full_page=True)

    page.get_by_role("link", name="Edit section E").click()
    page.get_by_label("Town or commune").fill("Jimbolia")
    page.get_by_role("button", name="Save").click()
    assert "The case was saved." in page.locator(".messages").inner_text()
    assert "Jimbolia" in page.locator("#section-E").inner_text()
    history = page.locator("#history").inner_text()
    assert "Town or commune" in history and "coord.tm" in history
    page.locator("#history").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "case-page-history.png"))
    target.refresh_from_db()
    assert target.current_locality == "Jimbolia"
    assert target.version == 2
