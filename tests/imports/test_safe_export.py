"""Record-level exports are encrypted archives with a password shown once, kept 24 hours
(issue 15 item 6)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import zipfile

import pytest
import pyzipper
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from imports.models import ExportFile
from imports.secure_export import purge_expired_exports
from tests.factories import make_child

pytestmark = pytest.mark.django_db

EXPORT = reverse("imports:export_csv")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def cases(worker_tm, worker_sv):
    return [make_child(worker_tm, seed=1), make_child(worker_tm, seed=2), make_child(worker_sv)]


def make_export(client, user, fmt="csv"):
    client.force_login(user)
    made = client.post(reverse(f"imports:export_{fmt}"))
    assert made.status_code == 200
    return made.context["export"], made.context["password"], made


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_archive_opens_with_the_password_and_not_without(client, coord_tm, cases, caplog):
    caplog.set_level(logging.DEBUG)
    client.force_login(coord_tm)
    confirm = client.get(EXPORT)
    assert confirm.status_code == 200 and "2 cases" in confirm.content.decode()
    assert not ExportFile.objects.exists()  # looking at the page makes nothing
    export, password, made = make_export(client, coord_tm)
    page = made.content.decode()
    assert password in page and export.get_absolute_url() in page
    assert made["Cache-Control"].startswith("max-age=0") or "no-cache" in made["Cache-Control"]
    download = client.get(export.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert export.filename in download["Content-Disposition"]
    data = body(download)
    # The password is not in what serves the file (body or headers), nor in any log line.
    assert password.encode() not in data
    assert password not in str(download.headers)
    assert password not in caplog.text
    assert not ExportFile.objects.filter(file__contains=password).exists()
    with pyzipper.AESZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["caregivers.csv", "children.csv", "referrals.csv"]
        with pytest.raises(RuntimeError):  # encrypted: no password, no content
            archive.read("children.csv")
        archive.setpassword(b"wrong-password")
        with pytest.raises(RuntimeError):
            archive.read("children.csv")
        archive.setpassword(password.encode())
        children = archive.read("children.csv").decode("utf-8-sig")
    assert sum(1 for c in cases[:2] if c.code in children) == 2 and cases[2].code not in children
    # The standard library cannot read it as a plain zip either.
    with zipfile.ZipFile(io.BytesIO(data)) as plain, pytest.raises(RuntimeError):
        plain.read("children.csv")
    made_event = AuditEvent.objects.get(action=Action.EXPORT, details__has_key="format")
    assert made_event.details["export"] == export.code and made_event.details["children"] == 2
    assert AuditEvent.objects.filter(action=Action.EXPORT, details__event="download").count() == 1
    assert password not in str(list(AuditEvent.objects.values_list("details", flat=True)))


def test_xlsx_export_is_an_encrypted_workbook(client, country, cases):
    export, password, _made = make_export(client, country, "xlsx")
    with pyzipper.AESZipFile(io.BytesIO(body(client.get(export.get_absolute_url())))) as archive:
        archive.setpassword(password.encode())
        (name,) = archive.namelist()
        assert name.endswith(".xlsx") and archive.read(name)[:2] == b"PK"


def test_each_export_has_its_own_password(client, coord_tm, cases):
    first = make_export(client, coord_tm)[1]
    second = make_export(client, coord_tm)[1]
    assert first != second and len(first) == 23


def test_expired_export_is_deleted_and_says_so(client, coord_tm, cases, media):
    export, _password, _made = make_export(client, coord_tm)
    path = media / export.file.name
    assert path.exists()
    assert purge_expired_exports() == 0  # not yet
    ExportFile.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    # Downloading after the lifetime, before the cleanup ran: a clear page, no file.
    expired = client.get(export.get_absolute_url())
    assert expired.status_code == 410
    assert "This export has expired" in expired.content.decode()
    out = io.StringIO()
    call_command("purge_exports", stdout=out)
    assert out.getvalue().strip() == "1 expired export file(s) deleted."
    assert not path.exists()
    export.refresh_from_db()
    assert export.deleted_at is not None and not export.file
    assert purge_expired_exports() == 0  # safe to run twice
    assert client.get(export.get_absolute_url()).status_code == 410


def test_lifetime_is_24_hours(client, coord_tm, cases, settings):
    export = make_export(client, coord_tm)[0]
    assert settings.EXPORT_LIFETIME_HOURS == 24
    assert export.expires_at - export.created_at == pytest.approx(
        dt.timedelta(hours=24), abs=dt.timedelta(seconds=5)
    )


def test_only_who_made_it_downloads_it(client, coord_tm, coord_sv, country, worker_tm, cases):
    export = make_export(client, coord_tm)[0]
    for other in (coord_sv, country):
        client.force_login(other)
        assert client.get(export.get_absolute_url()).status_code == 404
    client.force_login(worker_tm)
    assert client.get(export.get_absolute_url()).status_code == 403
    assert client.post(EXPORT).status_code == 403
    assert ExportFile.objects.count() == 1
    assert AuditEvent.objects.filter(action=Action.EXPORT, details__event="download").count() == 0


def test_wrong_methods(client, coord_tm, cases):
    export = make_export(client, coord_tm)[0]
    assert client.post(export.get_absolute_url()).status_code == 405
    assert client.put(EXPORT).status_code == 405


def test_the_beat_job_is_scheduled(settings):
    job = settings.CELERY_BEAT_SCHEDULE["purge-expired-exports"]
    assert job["task"] == "imports.tasks.purge_expired_exports"
    from imports import tasks

    assert tasks.purge_expired_exports.name == job["task"]
