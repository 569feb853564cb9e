"""On a phone (390 px wide) the registration form and the case page fit the screen: no
sideways scrolling; the repeatable rows of section D stack, each answer with its label."""

from pathlib import Path

import pytest
from django.conf import settings

from cases.models import Child
from cases.services.workflow import mark_referred
from tests.factories import make_child
from tests.personas import make_user

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for people to look at
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


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


def _widths(page) -> str:
    return page.evaluate("`${document.documentElement.scrollWidth} > ${window.innerWidth}`")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1024])
def test_registration_form_and_case_page_fit_the_screen(
    lookups_loaded, live_server, browser, client, width
):
    SHOTS.mkdir(exist_ok=True)
    worker = make_user("worker.tm", "field_worker", "RO-TM", first_name="Ana", last_name="Popescu")
    child = make_child(
        worker,
        seed=3,
        accompanying_adults=[
            {
                "first_name": "Petro",
                "last_name": "Melnyk",
                "sex": "male",
                "relationship": "grandparent",
            }
        ],
    )
    Child.objects.filter(pk=child.pk).update(assigned_to=worker)
    mark_referred(child, worker)
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="ro-RO")
    _login(context, client, worker, live_server)
    page = context.new_page()

    page.goto(live_server.url + "/register/")
    page.locator("#section-D").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"narrow-register-D-{width}.png"))
    page.screenshot(path=str(SHOTS / f"narrow-register-{width}.png"), full_page=True)
    assert page.evaluate(FITS), _widths(page)
    if width == 390:
        # A row of section D stacks: each box is (nearly) as wide as the screen.
        first_box = page.locator("#section-D .reg-rows input").first
        assert first_box.bounding_box()["width"] > 250

    page.goto(live_server.url + child.get_absolute_url())
    page.screenshot(path=str(SHOTS / f"narrow-case-top-{width}.png"))
    page.screenshot(path=str(SHOTS / f"narrow-case-page-{width}.png"), full_page=True)
    assert page.evaluate(FITS), _widths(page)

    page.goto(live_server.url + child.get_absolute_url() + "edit/D/")
    page.screenshot(path=str(SHOTS / f"narrow-case-edit-D-{width}.png"), full_page=True)
    assert page.evaluate(FITS), _widths(page)
    context.close()
