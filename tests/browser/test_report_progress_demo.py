"""As in the demo (eager tasks, no worker): the coordinator requests this quarter's report,
sees the progress page, and the page offers the downloads by itself once the build thread
has built it; the report is marked provisional (issue 12, defects 1 and 8)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings

from primero_ro.celery import app as celery_app
from reporting import background
from reporting.models import JobStatus, ReportSnapshot
from reporting.periods import current_quarter
from tests.personas import make_user

SHOTS = "/tmp/shots"  # noqa: S108 - screenshots to look at, nothing secret


@pytest.fixture
def demo_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EAGER_REPORTS_IN_BACKGROUND = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
    background.executor().submit(lambda: None).result(timeout=180)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1024, 390])
def test_the_progress_page_then_the_downloads_of_a_provisional_report(
    lookups_loaded, demo_tasks, live_server, browser, client, width
):
    coordinator = make_user("coord.tm", "county_coordinator", "RO-TM")
    client.force_login(coordinator)
    context = browser.new_context(viewport={"width": width, "height": 768}, locale="en-GB")
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
    page.goto(live_server.url + "/reports/")
    page.get_by_label("Quarter").select_option(current_quarter().code)
    # The build thread is busy until the progress page has been seen.
    release = threading.Event()
    held = background.executor().submit(release.wait, 120)
    try:
        page.get_by_role("button", name="Build the report").click()
        snapshot = ReportSnapshot.objects.get()
        page.wait_for_url(live_server.url + snapshot.get_absolute_url())
        status = page.locator("#report-status")
        assert "Queued" in status.inner_text()
        assert page.locator("progress").is_visible()
        assert "provisional" in page.content()
        page.screenshot(path=f"{SHOTS}/report-demo-progress-{width}.png", full_page=True)
    finally:
        release.set()
        held.result(timeout=10)
    # htmx polls the status: the downloads appear without reloading.
    page.get_by_role("link", name="Download PDF").wait_for(timeout=120_000)
    snapshot.refresh_from_db()
    assert snapshot.status == JobStatus.DONE
    page.reload()
    assert "provisional, as of" in page.content()
    page.screenshot(path=f"{SHOTS}/report-demo-done-{width}.png", full_page=True)
    page.goto(live_server.url + "/reports/")
    page.screenshot(path=f"{SHOTS}/report-demo-list-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
