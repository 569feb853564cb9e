"""Record-level exports as AES-encrypted zips (issue 15 item 6, docs/data-protection.md).

The password is made here, returned once to the view that shows it on screen, and kept
nowhere else: not in the database, the file, the download response or the logs. The file
lives under MEDIA_ROOT/exports/ with a random name and is deleted EXPORT_LIFETIME_HOURS
later (purge_expired_exports: a Celery beat job and `manage.py purge_exports`).
"""

from __future__ import annotations

import datetime as dt
import io
import secrets

import pyzipper
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cases.codes import ALPHABET

from .models import ExportFile

PASSWORD_GROUPS = 4
GROUP_LENGTH = 5  # 20 characters of 31: about 99 bits


def new_password() -> str:
    return "-".join(
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH))
        for _ in range(PASSWORD_GROUPS)
    )


def encrypted_zip(members: dict[str, bytes], password: str) -> bytes:
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(
        buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(password.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@transaction.atomic
def store_export(
    user, members: dict[str, bytes], *, fmt: str, filename: str, children: int
) -> tuple[ExportFile, str]:
    """Encrypt and keep an export; returns it and its password (to show, never to keep)."""
    password = new_password()
    data = encrypted_zip(members, password)
    export = ExportFile(
        created_by=user,
        county_id=user.county_id,
        format=fmt,
        filename=filename,
        size=len(data),
        children=children,
        expires_at=timezone.now() + dt.timedelta(hours=settings.EXPORT_LIFETIME_HOURS),
    )
    # A random file name: nothing in MEDIA_ROOT can be found by guessing a code.
    export.file.save(f"{secrets.token_urlsafe(24)}.zip", ContentFile(data), save=False)
    export.save()
    return export, password


def purge_expired_exports(now: dt.datetime | None = None) -> int:
    """Delete the files of expired exports (the rows stay: the audit log names them).
    Safe to run twice and at the same time as itself; returns how many were deleted."""
    now = now or timezone.now()
    deleted = 0
    for pk in ExportFile.objects.filter(expires_at__lte=now, deleted_at__isnull=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            export = (
                ExportFile.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, deleted_at__isnull=True)
                .first()
            )
            if export is None:
                continue
            if export.file:
                export.file.delete(save=False)
            export.deleted_at = now
            export.save(update_fields=["file", "deleted_at"])
            deleted += 1
    return deleted
