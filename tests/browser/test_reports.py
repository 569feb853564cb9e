"""The country coordinator requests the 2023Q4 national report in the browser, watches it
finish and downloads the PDF; the dashboards of the home page."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.conf import settings
from django.utils import timezone

from primero_ro.celery import app as celery_app
from reporting.models import JobStatus, ReportSnapshot
from tests.personas import make_user
from tests.reporting.dataset import build, kid

SHOTS = "/tmp/shots"  # noqa: S108 - screenshots to look at, nothing secret


@pytest.fixture
def eager_tasks():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


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


@pytest.fixture
def people(lookups_loaded):
    worker_tm = make_user("worker.tm", "field_worker", "RO-TM")
    worker_sv = make_user("worker.sv", "field_worker", "RO-SV")
    country = make_user("country", "country_coordinator", first_name="Elena", last_name="Ionescu")
    return worker_tm, worker_sv, country


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_country_coordinator_builds_and_downloads_the_national_report(
    people, eager_tasks, live_server, browser, client, tmp_path
):
    worker_tm, worker_sv, country = people
    build(worker_tm, worker_sv)
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB")
    _login(context, client, country, live_server)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("navigation").get_by_role("link", name="Reports", exact=True).click()
    page.get_by_label("Quarter").select_option("2023Q4")
    page.get_by_label("Scope").select_option("")
    page.get_by_label("Variant").select_option("full")
    page.get_by_label("Language of the PDF and CSV").select_option("ro")
    page.screenshot(path=f"{SHOTS}/reports-request.png", full_page=True)
    page.get_by_role("button", name="Build the report").click()

    snapshot = ReportSnapshot.objects.get()
    page.wait_for_url(live_server.url + snapshot.get_absolute_url())
    page.get_by_role("link", name="Download PDF").wait_for(timeout=60_000)
    assert "Ready" in page.locator("#report-status").inner_text()
    page.screenshot(path=f"{SHOTS}/reports-detail-done.png", full_page=True)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    path = tmp_path / "report.pdf"
    download.save_as(path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    snapshot.refresh_from_db()
    registered = next(
        r
        for r in snapshot.document["tables"]["totals"]["rows"]
        if r["measure"] == "children_registered"
    )
    assert snapshot.document["scope"] == "national"
    assert f"{registered['cumulative']}" in text
    assert "Timiș" in text and "Suceava" in text
    assert "31 decembrie 2023" in text

    page.goto(live_server.url + "/reports/")
    assert snapshot.code in page.content()
    page.screenshot(path=f"{SHOTS}/reports-list.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_detail_page_follows_a_running_job_without_reloading(people, live_server, browser, client):
    _worker_tm, _worker_sv, country = people
    snapshot = ReportSnapshot.objects.create(
        period="2023Q4", status=JobStatus.RUNNING, progress=35, requested_by=country
    )
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB")
    _login(context, client, country, live_server)
    page = context.new_page()
    page.goto(live_server.url + snapshot.get_absolute_url())
    assert page.locator("progress").get_attribute("value") == "35"
    page.evaluate("window.__same_page = true")
    page.screenshot(path=f"{SHOTS}/reports-detail-running.png", full_page=True)

    ReportSnapshot.objects.filter(pk=snapshot.pk).update(
        status=JobStatus.FAILED, error="The report could not be built: disk full"
    )
    page.get_by_role("button", name="Retry").wait_for(timeout=10_000)
    assert page.evaluate("window.__same_page") is True  # updated by htmx, not reloaded
    assert "disk full" in page.locator("#report-status").inner_text()
    page.screenshot(path=f"{SHOTS}/reports-detail-failed.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_of_the_country_coordinator(people, live_server, browser, client):
    worker_tm, worker_sv, country = people
    today = timezone.localdate()
    seed = 100
    for months_ago, county, user, n in (
        (0, "RO-TM", worker_tm, 3),
        (1, "RO-TM", worker_tm, 5),
        (2, "RO-SV", worker_sv, 4),
        (4, "RO-SV", worker_sv, 2),
        (7, "RO-TM", worker_tm, 6),
    ):
        for i in range(n):
            seed += 1
            kid(
                user,
                reg=today - dt.timedelta(days=30 * months_ago + i),
                county=county,
                sex=("female", "male")[i % 2],
                age=(3, 9, 15)[i % 3],
                uasc=("accompanied", "separated", "unaccompanied")[seed % 3],
                concerns=(("neglect",), (), ("school_abandonment", "neglect"))[seed % 3],
                consent=seed % 7 != 0,
                seed=seed,
            )
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB")
    _login(context, client, country, live_server)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.locator("svg.chart").count() == 5
    page.screenshot(path=f"{SHOTS}/dashboard-country.png", full_page=True)
    # A bar of the county chart opens the filtered case list.
    page.locator('svg.chart a[href*="current_county=RO-SV"]').first.click()
    page.wait_for_url("**/cases/?current_county=RO-SV")
    page.screenshot(path=f"{SHOTS}/dashboard-county-link.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_of_a_county_coordinator_in_ukrainian(people, live_server, browser, client):
    worker_tm, worker_sv, _country = people
    coord = make_user("coord.tm", "county_coordinator", "RO-TM")
    today = timezone.localdate()
    for i in range(6):
        kid(
            (worker_tm, worker_sv)[i % 2],
            reg=today - dt.timedelta(days=20 * i),
            county=("RO-TM", "RO-SV")[i % 2],
            sex=("female", "male")[i % 3 % 2],
            age=(4, 11, 16)[i % 3],
            concerns=(("neglect",), ("lack_of_documentation",), ())[i % 3],
            seed=200 + i,
        )
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="uk-UA")
    _login(context, client, coord, live_server)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="UK").click()
    page.wait_for_load_state()
    assert page.locator("svg.chart").count() == 4  # no county chart for one county
    body = page.locator("main").inner_text()
    assert "Жіноча" in body or "Чоловіча" in body  # legend of the sex x age chart
    assert "Suceava" not in body
    page.screenshot(path=f"{SHOTS}/dashboard-county-uk.png", full_page=True)
