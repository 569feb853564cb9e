"""Anonymise closed cases past the retention period (RETENTION_AFTER_CLOSURE_DAYS)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from cases.services.retention import apply_retention, retention_cutoff


class Command(BaseCommand):
    help = "Anonymise closed cases RETENTION_AFTER_CLOSURE_DAYS after their closure."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the cases due; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        count = apply_retention(dry_run=dry_run)
        params = {
            "count": count,
            "days": settings.RETENTION_AFTER_CLOSURE_DAYS,
            "cutoff": retention_cutoff().isoformat(),
        }
        if dry_run:
            message = ngettext(
                "Would anonymise %(count)d closed case (closed on or before %(cutoff)s, "
                "%(days)d days ago).",
                "Would anonymise %(count)d closed cases (closed on or before %(cutoff)s, "
                "%(days)d days ago).",
                count,
            )
        else:
            message = ngettext(
                "Anonymised %(count)d closed case (closed on or before %(cutoff)s, "
                "%(days)d days ago).",
                "Anonymised %(count)d closed cases (closed on or before %(cutoff)s, "
                "%(days)d days ago).",
                count,
            )
        self.stdout.write(message % params)
