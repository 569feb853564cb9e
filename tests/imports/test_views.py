"""The import pages: upload, preview, confirm; roles, counties, audit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Action, AuditEvent
from cases.models import Child
from imports.columns import CAREGIVER_COLUMNS, CHILD_COLUMNS, REFERRAL_COLUMNS
from imports.models import ImportJob, JobStatus
from tests.imports.helpers import caregiver_row, child_row, referral_row, to_csv

INDEX = reverse("imports:index")


def _upload(client, children, caregivers=None, referrals=None):
    data = {
        "children": SimpleUploadedFile(
            "children.csv", to_csv(children, [c.name for c in CHILD_COLUMNS])
        )
    }
    if caregivers is not None:
        data["caregivers"] = SimpleUploadedFile(
            "caregivers.csv", to_csv(caregivers, [c.name for c in CAREGIVER_COLUMNS])
        )
    if referrals is not None:
        data["referrals"] = SimpleUploadedFile(
            "referrals.csv", to_csv(referrals, [c.name for c in REFERRAL_COLUMNS])
        )
    return client.post(INDEX, data)


@pytest.mark.django_db
def test_page_for_coordinators(client, coord_tm):
    client.force_login(coord_tm)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert b"Import registrations" in response.content
    assert reverse("imports:template_xlsx").encode() in response.content


@pytest.mark.django_db
def test_field_worker_gets_403(client, worker_tm):
    client.force_login(worker_tm)
    assert client.get(INDEX).status_code == 403
    assert _upload(client, [child_row()], [caregiver_row()]).status_code == 403
    assert client.get(reverse("imports:export_csv")).status_code == 403
    assert client.get(reverse("imports:template_xlsx")).status_code == 403
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    response = client.get(INDEX)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_wrong_methods_get_405(client, coord_tm):
    client.force_login(coord_tm)
    assert client.put(INDEX).status_code == 405
    response = _upload(client, [child_row()], [caregiver_row()])
    job = ImportJob.objects.get()
    assert client.get(reverse("imports:confirm", args=[job.code])).status_code == 405
    assert client.post(job.get_absolute_url()).status_code == 405
    assert client.put(reverse("imports:export_csv")).status_code == 405
    assert response.status_code == 302


@pytest.mark.django_db
def test_upload_preview_confirm(client, coord_tm):
    client.force_login(coord_tm)
    response = _upload(
        client, [child_row("REF-1"), child_row("REF-2")], [caregiver_row()], [referral_row()]
    )
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == JobStatus.READY
    assert job.county_id == "RO-TM"
    assert not Child.objects.exists()  # the preview writes nothing
    page = client.get(job.get_absolute_url()).content.decode()
    assert "2 new records, 0 changed, 0 unchanged" in page
    assert reverse("imports:confirm", args=[job.code]) in page

    response = client.post(reverse("imports:confirm", args=[job.code]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.imported_by == coord_tm
    assert bytes(job.children_data) == b""  # the personal data is not kept in the job
    assert Child.objects.count() == 2
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert event.county_id == "RO-TM" and event.user == coord_tm
    assert event.details["children_new"] == 2 and event.details["referrals_new"] == 1
    # No name or other personal data in the audit details.
    assert "Olena" not in str(event.details)
    # Confirming again does nothing more.
    client.post(reverse("imports:confirm", args=[job.code]))
    assert Child.objects.count() == 2
    assert AuditEvent.objects.filter(action=Action.IMPORT).count() == 1


@pytest.mark.django_db
def test_errors_are_listed_in_the_users_language(client, coord_tm):
    client.force_login(coord_tm)
    _upload(
        client,
        [child_row("REF-1"), child_row("REF-2", sex="girl", current_county="RO-SV")],
        [caregiver_row()],
    )
    job = ImportJob.objects.get()
    assert job.status == JobStatus.INVALID
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Unknown code for the list sex." in page
    assert "Outside your county" in page
    assert "girl" in page
    assert reverse("imports:confirm", args=[job.code]) not in page
    # The confirmation of an invalid job imports nothing.
    client.post(reverse("imports:confirm", args=[job.code]))
    assert not Child.objects.exists()
    errors = client.get(reverse("imports:errors_csv", args=[job.code]))
    assert errors.status_code == 200
    assert "children,3,sex,girl" in errors.content.decode("utf-8-sig")
    # Another language, the same stored errors.
    client.cookies["django_language"] = "uk"
    page_uk = client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "girl" in page_uk


@pytest.mark.django_db
def test_other_county_job_is_404(client, coord_tm, coord_sv, country):
    client.force_login(coord_tm)
    _upload(client, [child_row()], [caregiver_row()])
    job = ImportJob.objects.get()
    client.force_login(coord_sv)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.post(reverse("imports:confirm", args=[job.code])).status_code == 404
    assert client.get(reverse("imports:errors_csv", args=[job.code])).status_code == 404
    assert not Child.objects.exists()
    client.force_login(country)
    assert client.get(job.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_too_big_file_is_refused_with_a_message(client, coord_tm, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2048
    client.force_login(coord_tm)
    rows = [child_row(f"R{i}") for i in range(20)]
    response = _upload(client, rows, [caregiver_row()])
    assert response.status_code == 400
    assert "The file is larger than 2048 bytes" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_request_far_too_big_is_refused_unread(client, coord_tm, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    client.force_login(coord_tm)
    rows = [child_row(f"R{i}") for i in range(5000)]
    response = _upload(client, rows)
    assert response.status_code == 413
    assert "The file is larger than 1024 bytes" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_large_files_run_as_a_task_with_progress(client, coord_tm, settings):
    from primero_ro.celery import app

    settings.IMPORT_INLINE_MAX_BYTES = 100
    client.force_login(coord_tm)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        _upload(client, [child_row()], [caregiver_row()])
        job = ImportJob.objects.get()
        # The task is queued on commit (the test's transaction never commits): the page
        # shows the job running and polls it.
        assert job.status == JobStatus.VALIDATING
        page = client.get(job.get_absolute_url()).content.decode()
        assert 'hx-trigger="every 2s"' in page
    finally:
        app.conf.task_always_eager = eager


@pytest.mark.django_db(transaction=True)
def test_large_files_task_runs_the_preview_and_the_import(client, lookups_loaded, settings):
    from primero_ro.celery import app
    from tests.personas import make_user

    coord = make_user("coord.tm", "county_coordinator", "RO-TM")
    settings.IMPORT_INLINE_MAX_BYTES = 100
    client.force_login(coord)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        _upload(client, [child_row()], [caregiver_row()])
        job = ImportJob.objects.get()
        assert job.status == JobStatus.READY
        client.post(reverse("imports:confirm", args=[job.code]))
        job.refresh_from_db()
        assert job.status == JobStatus.DONE and job.progress == 100
        assert Child.objects.filter(record_ref="REF-1").exists()
    finally:
        app.conf.task_always_eager = eager


@pytest.mark.django_db
def test_templates(client, coord_tm):
    import io

    from openpyxl import load_workbook

    client.force_login(coord_tm)
    csv_response = client.get(reverse("imports:template_csv", args=["children"]))
    assert csv_response.status_code == 200
    header = csv_response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header == [c.name for c in CHILD_COLUMNS]
    assert client.get(reverse("imports:template_csv", args=["nope"])).status_code == 404
    client.cookies["django_language"] = "ro"
    response = client.get(reverse("imports:template_xlsx"))
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames[:3] == ["children", "caregivers", "referrals"]
    help_rows = list(workbook.worksheets[3].iter_rows(values_only=True))
    sex = next(r for r in help_rows if r[0] == "children" and r[1] == "sex")
    assert "female = Feminin" in sex[4]


@pytest.mark.django_db
def test_preview_names_the_changed_records(client, coord_tm):
    """ "1 changed" alone leaves the coordinator guessing: the preview lists which
    record_refs (codes, never names) an import would change."""
    client.force_login(coord_tm)
    _upload(client, [child_row("REF-1"), child_row("REF-2")], [caregiver_row()])
    client.post(reverse("imports:confirm", args=[ImportJob.objects.get().code]))
    assert Child.objects.count() == 2
    _upload(
        client,
        [child_row("REF-1"), child_row("REF-2", medical_needs="Asthma")],
        [caregiver_row()],
    )
    job = ImportJob.objects.latest("id")
    assert job.status == JobStatus.READY
    page = client.get(job.get_absolute_url()).content.decode()
    assert "1 new" not in page and "0 new records, 1 changed, 1 unchanged" in page
    assert "Changed records (record_ref): <code>REF-2</code>" in page
    assert "REF-1</code>" not in page


@pytest.mark.django_db
def test_preview_counts_and_button_are_in_romanian_and_ukrainian(client, coord_tm):
    client.force_login(coord_tm)
    _upload(client, [child_row("REF-1")], [caregiver_row()])
    job = ImportJob.objects.get()
    client.cookies["django_language"] = "ro"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "1 înregistrare nouă, 0 de înregistrări modificate" not in page
    assert "1 înregistrare nouă" in page and "1 noi" not in page
    assert "Importați aceste înregistrări</button>" in page
    client.cookies["django_language"] = "uk"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "1 новий запис" in page
    assert "Імпортувати ці записи</button>" in page
