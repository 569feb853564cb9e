"""Reports in the browser: list, request, detail and progress, download, retry."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from primero_ro.celery import app as celery_app
from reporting.models import JobStatus, ReportSnapshot
from tests.reporting.sample_document import full_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_tasks():
    """Build reports in the request's process (no worker in these tests)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def done_snapshot(county=None, **extra) -> ReportSnapshot:
    snapshot = ReportSnapshot.objects.create(
        period="2023Q4",
        county_id=county,
        status=JobStatus.DONE,
        progress=100,
        document=full_document(),
        **extra,
    )
    snapshot.pdf.save("r.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    snapshot.csv.save("r.csv", ContentFile(b"table,measure\n"), save=False)
    snapshot.save()
    return snapshot


def url(name, snapshot=None, **kwargs):
    if snapshot is not None:
        kwargs["code"] = snapshot.code
    return reverse(f"reporting:{name}", kwargs=kwargs or None)


# --- list -------------------------------------------------------------------


def test_country_coordinator_sees_every_report_and_the_request_form(client, country):
    national = done_snapshot()
    timis = done_snapshot("RO-TM")
    client.force_login(country)
    response = client.get(url("list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert national.get_absolute_url() in page
    assert timis.get_absolute_url() in page
    assert 'name="period"' in page and 'value="2023Q4"' in page
    assert 'value="RO-SV"' in page  # any county may be chosen
    assert "<td>Romanian</td>" in page  # the language of each report, in words


def test_county_coordinator_sees_only_their_county(client, coord_tm):
    national = done_snapshot()
    timis = done_snapshot("RO-TM")
    suceava = done_snapshot("RO-SV")
    client.force_login(coord_tm)
    page = client.get(url("list")).content.decode()
    assert timis.get_absolute_url() in page
    assert national.get_absolute_url() not in page
    assert suceava.get_absolute_url() not in page
    assert 'value="RO-SV"' not in page


def test_nav_has_the_reports_link_for_coordinators_only(client, coord_tm, worker_tm):
    client.force_login(coord_tm)
    assert url("list") in client.get(reverse("home")).content.decode()
    client.force_login(worker_tm)
    assert url("list") not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("name", ["list", "request"])
def test_list_and_request_refuse_wrong_methods(client, country, name):
    client.force_login(country)
    method = client.post if name == "list" else client.get
    assert method(url(name)).status_code == 405


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(url("list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- field workers: 403 everywhere -----------------------------------------


def test_field_worker_gets_403_on_every_reporting_page(client, worker_tm):
    snapshot = done_snapshot("RO-TM")
    client.force_login(worker_tm)
    assert client.get(url("list")).status_code == 403
    assert client.post(url("request"), {"period": "2023Q4"}).status_code == 403
    assert client.get(url("detail", snapshot)).status_code == 403
    assert client.get(url("progress", snapshot)).status_code == 403
    assert client.get(url("download", snapshot, fmt="pdf")).status_code == 403
    assert client.post(url("retry", snapshot)).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.REPORT_DOWNLOAD).exists()
    assert ReportSnapshot.objects.count() == 1


# --- request ----------------------------------------------------------------


def test_country_coordinator_requests_a_national_report_that_gets_built(
    client, country, django_capture_on_commit_callbacks
):
    client.force_login(country)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("request"),
            {"period": "2023Q4", "county": "", "variant": "public", "language": "uk"},
        )
    snapshot = ReportSnapshot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == snapshot.get_absolute_url()
    assert (snapshot.period, snapshot.county_id, snapshot.variant, snapshot.language) == (
        "2023Q4",
        None,
        "public",
        "uk",
    )
    assert snapshot.requested_by == country
    # Eager task: built by the time the page opens.
    assert snapshot.status == JobStatus.DONE
    assert snapshot.pdf and snapshot.csv and snapshot.document["scope"] == "national"
    page = client.get(snapshot.get_absolute_url()).content.decode()
    assert url("download", snapshot, fmt="pdf") in page
    assert 'hx-trigger="every 2s"' not in page


def test_county_coordinator_requests_their_county(
    client, coord_tm, django_capture_on_commit_callbacks
):
    client.force_login(coord_tm)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("request"),
            {"period": "2023Q4", "county": "RO-TM", "variant": "full", "language": "ro"},
        )
    assert response.status_code == 302
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.county_id == "RO-TM"
    assert snapshot.document["scope"] == "RO-TM"


@pytest.mark.parametrize("county", ["RO-SV", ""])
def test_county_coordinator_may_not_request_another_scope(client, coord_tm, county):
    client.force_login(coord_tm)
    response = client.post(
        url("request"),
        {"period": "2023Q4", "county": county, "variant": "full", "language": "ro"},
    )
    assert response.status_code == 400
    assert not ReportSnapshot.objects.exists()


def test_invalid_quarter_is_refused_with_the_form(client, country):
    client.force_login(country)
    response = client.post(
        url("request"), {"period": "2099Q1", "county": "", "variant": "full", "language": "ro"}
    )
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not ReportSnapshot.objects.exists()


# --- detail and progress ------------------------------------------------------


def test_detail_of_a_running_report_polls_its_progress(client, coord_tm):
    snapshot = ReportSnapshot.objects.create(
        period="2023Q4", county_id="RO-TM", status=JobStatus.RUNNING, progress=40
    )
    client.force_login(coord_tm)
    page = client.get(url("detail", snapshot)).content.decode()
    assert 'hx-get="{}"'.format(url("progress", snapshot)) in page
    assert 'hx-trigger="every 2s"' in page
    assert 'value="40"' in page
    assert '<meta http-equiv="refresh"' in page  # the fallback without JavaScript
    assert url("download", snapshot, fmt="pdf") not in page
    fragment = client.get(url("progress", snapshot), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert "40%" in fragment.content.decode()


def test_progress_fragment_stops_polling_when_done(client, coord_tm):
    snapshot = done_snapshot("RO-TM")
    client.force_login(coord_tm)
    fragment = client.get(url("progress", snapshot)).content.decode()
    assert "every 2s" not in fragment
    for fmt in ("pdf", "csv", "json"):
        assert url("download", snapshot, fmt=fmt) in fragment


@pytest.mark.parametrize("name", ["detail", "progress"])
def test_detail_and_progress_refuse_post(client, coord_tm, name):
    snapshot = done_snapshot("RO-TM")
    client.force_login(coord_tm)
    assert client.post(url(name, snapshot)).status_code == 405


@pytest.mark.parametrize("name", ["detail", "progress"])
def test_another_countys_report_is_404(client, coord_sv, name):
    snapshot = done_snapshot("RO-TM")
    client.force_login(coord_sv)
    assert client.get(url(name, snapshot)).status_code == 404


def test_county_coordinator_does_not_see_national_reports(client, coord_tm):
    snapshot = done_snapshot()
    client.force_login(coord_tm)
    assert client.get(url("detail", snapshot)).status_code == 404


# --- download -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type", "start"),
    [
        ("pdf", "application/pdf", b"%PDF"),
        ("csv", "text/csv; charset=utf-8", b"table"),
        ("json", "application/json; charset=utf-8", b"{"),
    ],
)
def test_download_is_an_attachment_and_is_audited(client, coord_tm, fmt, content_type, start):
    snapshot = done_snapshot("RO-TM")
    client.force_login(coord_tm)
    response = client.get(url("download", snapshot, fmt=fmt), REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        f"quarterly-2023Q4-RO-TM-full-ro-{snapshot.code}.{fmt}" in (response["Content-Disposition"])
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(start)
    if fmt == "json":
        assert json.loads(body) == snapshot.document
    event = AuditEvent.objects.get(action=Action.REPORT_DOWNLOAD)
    assert event.username == "coord.tm"
    assert event.object_code == snapshot.code
    assert event.county_id == "RO-TM"
    assert event.ip_address == "10.9.8.7"
    assert event.details["format"] == fmt
    assert event.details["period"] == "2023Q4"


def test_download_of_another_countys_report_is_404_and_not_audited(client, coord_sv):
    snapshot = done_snapshot("RO-TM")
    client.force_login(coord_sv)
    assert client.get(url("download", snapshot, fmt="pdf")).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.REPORT_DOWNLOAD).exists()


def test_download_of_unfinished_report_or_unknown_format_is_404(client, country):
    running = ReportSnapshot.objects.create(period="2023Q4", status=JobStatus.RUNNING)
    done = done_snapshot()
    client.force_login(country)
    assert client.get(url("download", running, fmt="pdf")).status_code == 404
    assert client.get(url("download", done, fmt="xlsx")).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.REPORT_DOWNLOAD).exists()


def test_download_refuses_post(client, country):
    snapshot = done_snapshot()
    client.force_login(country)
    assert client.post(url("download", snapshot, fmt="pdf")).status_code == 405


# --- retry ------------------------------------------------------------------------


def failed_snapshot(county="RO-TM") -> ReportSnapshot:
    return ReportSnapshot.objects.create(
        period="2023Q4",
        county_id=county,
        status=JobStatus.FAILED,
        progress=30,
        error="The report could not be built: disk full",
    )


def test_failed_report_shows_its_error_and_a_retry_button(client, coord_tm):
    snapshot = failed_snapshot()
    client.force_login(coord_tm)
    page = client.get(url("detail", snapshot)).content.decode()
    assert "disk full" in page
    assert f'action="{url("retry", snapshot)}"' in page
    assert "every 2s" not in page


def test_retry_builds_the_failed_report_again(client, coord_tm, django_capture_on_commit_callbacks):
    snapshot = failed_snapshot()
    client.force_login(coord_tm)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url("retry", snapshot))
    assert len(callbacks) == 1  # queued once
    assert response.status_code == 302
    assert response["Location"] == snapshot.get_absolute_url()
    snapshot.refresh_from_db()
    assert snapshot.status == JobStatus.DONE  # eager: queued and built again
    assert snapshot.error == ""
    assert snapshot.progress == 100
    assert snapshot.pdf


def test_retry_refuses_get(client, coord_tm):
    snapshot = failed_snapshot()
    client.force_login(coord_tm)
    assert client.get(url("retry", snapshot)).status_code == 405


def test_retry_of_another_countys_report_is_404(client, coord_sv):
    snapshot = failed_snapshot()
    client.force_login(coord_sv)
    assert client.post(url("retry", snapshot)).status_code == 404
    snapshot.refresh_from_db()
    assert snapshot.status == JobStatus.FAILED


def test_retry_of_a_done_report_changes_nothing(client, country):
    snapshot = done_snapshot()
    pdf_name = snapshot.pdf.name
    client.force_login(country)
    assert client.post(url("retry", snapshot)).status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.status == JobStatus.DONE
    assert snapshot.pdf.name == pdf_name


def test_a_stuck_job_may_be_retried_but_a_fresh_one_may_not(
    client, country, django_capture_on_commit_callbacks
):
    fresh = ReportSnapshot.objects.create(
        period="2023Q4", status=JobStatus.QUEUED, queued_at=timezone.now()
    )
    stuck = ReportSnapshot.objects.create(period="2023Q4", status=JobStatus.RUNNING, progress=20)
    ReportSnapshot.objects.filter(pk=stuck.pk).update(
        started_at=timezone.now() - dt.timedelta(hours=1)
    )
    client.force_login(country)
    assert "Retry" not in client.get(url("detail", fresh)).content.decode()
    assert "Retry" in client.get(url("detail", stuck)).content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(url("retry", fresh))
    assert callbacks == []
    fresh.refresh_from_db()
    assert fresh.status == JobStatus.QUEUED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("retry", stuck))
    stuck.refresh_from_db()
    assert stuck.status == JobStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_message_says_built_when_the_report_was_built_at_once(client, lookups_loaded):
    """Eager tasks (no broker) build the report within the request: the message must
    not say it is still being built next to a Ready status."""
    from tests.personas import make_user

    country = make_user("country_msg", "country_coordinator")
    client.force_login(country)
    response = client.post(
        url("request"),
        {"period": "2023Q4", "county": "", "variant": "full", "language": "en"},
        follow=True,
    )
    page = response.content.decode()
    assert ReportSnapshot.objects.get().status == JobStatus.DONE
    assert "The report has been built." in page
    assert "being built" not in page


def test_the_link_to_a_running_report_is_an_action_in_romanian(client, coord_tm):
    snapshot = ReportSnapshot.objects.create(
        period="2023Q4", county_id="RO-TM", status=JobStatus.RUNNING, progress=40
    )
    client.force_login(coord_tm)
    client.cookies["django_language"] = "ro"
    page = client.get(reverse("reporting:list")).content.decode()
    assert f'<a href="{snapshot.get_absolute_url()}">Deschideți</a>' in page
