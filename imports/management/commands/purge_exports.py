"""Delete the files of record-level exports past their lifetime (also a Celery beat job)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from imports.secure_export import purge_expired_exports


class Command(BaseCommand):
    help = "Delete the encrypted export files older than EXPORT_LIFETIME_HOURS."

    def handle(self, *args, **options):
        deleted = purge_expired_exports()
        self.stdout.write(f"{deleted} expired export file(s) deleted.")
