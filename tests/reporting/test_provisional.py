"""A quarter that has not ended gives a provisional report, counted up to the day it is
computed (issue 12, defect 1; quarterly_report.md "The JSON document")."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from primero_ro.celery import app
from reporting import services
from reporting.csv_export import render_csv
from reporting.engine import compute_report
from reporting.models import JobStatus, ReportSnapshot
from reporting.pdf import render_pdf
from reporting.periods import current_quarter, last_completed_quarter
from tests.reporting.dataset import follow_up, kid
from tests.reporting.sample_document import full_document

pytestmark = pytest.mark.django_db

D = dt.date
# 2023Q4 seen on 30 November 2023: a month of the quarter still to come.
MID_QUARTER = D(2023, 11, 30)


@pytest.fixture
def quarter_data(worker_tm):
    """Two open cases in Timiș: one whose follow-up falls due in December (not overdue on
    30 November), one overdue since 20 November."""
    later = kid(worker_tm, reg=D(2023, 10, 5), county="RO-TM", sex="female", age=8, seed=1)
    follow_up(later, D(2023, 11, 1), D(2023, 12, 15))
    overdue = kid(worker_tm, reg=D(2023, 11, 10), county="RO-TM", sex="male", age=4, seed=2)
    follow_up(overdue, D(2023, 11, 12), D(2023, 11, 20))
    return later, overdue


def total(document: dict, measure: str) -> int | None:
    rows = document["tables"]["totals"]["rows"]
    return next(r["cumulative"] for r in rows if r["measure"] == measure)


def test_an_unfinished_quarter_is_provisional_and_counts_up_to_today(quarter_data):
    document = compute_report("2023Q4", "RO-TM", today=MID_QUARTER)
    assert document["provisional"] is True
    assert document["as_of"] == "2023-11-30"
    assert document["period_end"] == "2023-12-31"  # the quarter is still the quarter
    # The December follow-up is not due yet: only the one due on 20 November is overdue.
    assert total(document, "followups_overdue") == 1
    assert total(document, "cases_open") == 2
    months = [r["month"] for r in document["tables"]["monthly_registrations"]["rows"]]
    assert months == ["2023-10", "2023-11"]  # no December before December


def test_a_finished_quarter_is_final_as_of_its_last_day(quarter_data):
    document = compute_report("2023Q4", "RO-TM", today=D(2024, 1, 1))
    assert document["provisional"] is False
    assert document["as_of"] == "2023-12-31"
    assert total(document, "followups_overdue") == 2  # both were due before 31 December
    months = [r["month"] for r in document["tables"]["monthly_registrations"]["rows"]]
    assert months[-1] == "2023-12"


def test_the_last_day_of_the_quarter_is_still_provisional(quarter_data):
    document = compute_report("2023Q4", "RO-TM", today=D(2023, 12, 31))
    assert document["provisional"] is True
    assert document["as_of"] == "2023-12-31"


def test_the_keys_follow_the_spec_order_in_both_variants(quarter_data):
    for variant in ("full", "public"):
        document = compute_report("2023Q4", "RO-TM", variant, today=MID_QUARTER)
        keys = list(document)
        assert keys.index("generated_at") < keys.index("provisional") < keys.index("as_of")
        assert (document["provisional"], document["as_of"]) == (True, "2023-11-30")


def test_a_quarter_that_has_not_started_is_refused():
    with pytest.raises(ValueError, match="2024Q1"):
        compute_report("2024Q1", None, today=MID_QUARTER)


def test_the_csv_says_provisional_and_as_of(quarter_data):
    text = render_csv(compute_report("2023Q4", "RO-TM", today=MID_QUARTER), "ro").decode(
        "utf-8-sig"
    )
    assert "provisional,true\r\n" in text
    assert "as_of,2023-11-30\r\n" in text
    final = render_csv(compute_report("2023Q4", "RO-TM", today=D(2024, 2, 1)), "ro")
    assert "provisional,false\r\n" in final.decode("utf-8-sig")


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
@pytest.mark.parametrize(
    ("language", "notice", "header", "summary"),
    [
        ("en", "PROVISIONAL REPORT", "provisional, as of 30 November 2023", "By 30 November 2023"),
        (
            "ro",
            "RAPORT PROVIZORIU",
            "provizoriu, la data de 30 noiembrie 2023",
            "Până la 30 noiembrie 2023",
        ),
    ],
)
def test_the_pdf_says_provisional_on_the_title_page_and_every_page(
    quarter_data, language, notice, header, summary
):
    document = compute_report("2023Q4", "RO-TM", today=MID_QUARTER)
    pages = pdf_text(render_pdf(document, language)).split("\f")
    pages = [page for page in pages if page.strip()]
    assert notice in pages[0]
    assert summary in pages[0]
    assert "By 31 December 2023" not in pages[0]
    # Every page after the title page carries it in its header.
    for page in pages[1:]:
        assert header in re.sub(r"\s+", " ", page)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_a_final_pdf_says_nothing_of_provisional(quarter_data):
    text = pdf_text(render_pdf(compute_report("2023Q4", "RO-TM", today=D(2024, 1, 1)), "en"))
    assert "rovisional" not in text
    assert "By 31 December 2023" in text


# The stored snapshot, the schedule and the pages -----------------------------------------


@pytest.fixture
def eager(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_a_report_of_the_current_quarter_is_stored_as_provisional(
    coord_tm, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = services.request_report(coord_tm, current_quarter().code, "RO-TM")
    snapshot.refresh_from_db()
    assert snapshot.status == JobStatus.DONE, snapshot.error
    today = timezone.localdate()
    assert snapshot.document["provisional"] is True
    assert snapshot.document["as_of"] == today.isoformat()
    assert snapshot.provisional and snapshot.as_of == today


def test_a_report_of_the_last_quarter_is_final(coord_tm, eager, django_capture_on_commit_callbacks):
    period = last_completed_quarter()
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = services.request_report(coord_tm, period.code, "RO-TM")
    snapshot.refresh_from_db()
    assert snapshot.document["provisional"] is False
    assert snapshot.document["as_of"] == period.end.isoformat()
    assert not snapshot.provisional


def test_the_schedule_never_publishes_an_unfinished_quarter(eager):
    with pytest.raises(ValueError, match="has not ended"):
        services.national_reports_for(current_quarter().code, "ro")
    assert not ReportSnapshot.objects.exists()


def provisional_snapshot(county="RO-TM") -> ReportSnapshot:
    document = dict(full_document(), provisional=True, as_of="2023-11-30")
    return ReportSnapshot.objects.create(
        period="2023Q4", county_id=county, status=JobStatus.DONE, progress=100, document=document
    )


def test_the_report_list_marks_a_provisional_report(client, coord_tm):
    provisional = provisional_snapshot()
    final = ReportSnapshot.objects.create(
        period="2023Q3",
        county_id="RO-TM",
        status=JobStatus.DONE,
        document=dict(full_document(), provisional=False, as_of="2023-09-30"),
    )
    client.force_login(coord_tm)
    page = client.get(reverse("reporting:list")).content.decode()
    rows = {
        code: row
        for row in page.split("<tr>")
        for code in (provisional.code, final.code)
        if code in row
    }
    assert "provisional" in rows[provisional.code]
    assert "provisional" not in rows[final.code]


def test_the_report_list_in_romanian_says_provizoriu(client, coord_tm):
    provisional_snapshot()
    client.force_login(coord_tm)
    page = client.get(reverse("reporting:list"), HTTP_ACCEPT_LANGUAGE="ro").content.decode()
    assert "provizoriu, la data de" in page


def test_the_detail_page_and_the_downloads_say_provisional(client, coord_tm):
    snapshot = provisional_snapshot()
    client.force_login(coord_tm)
    page = client.get(snapshot.get_absolute_url()).content.decode()
    assert "provisional, as of" in page
    response = client.get(
        reverse("reporting:download", kwargs={"code": snapshot.code, "fmt": "json"})
    )
    assert "provisional-2023-11-30" in response["Content-Disposition"]
    body = json.loads(response.content)
    assert (body["provisional"], body["as_of"]) == (True, "2023-11-30")
