"""python manage.py import_registrations --children FILE [--caregivers FILE] [--referrals FILE] [--dry-run]"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from imports.columns import CAREGIVERS, CHILDREN, REFERRALS
from imports.services import FileTooBig, check_size, max_bytes, run_import, source_from_path


class Command(BaseCommand):
    help = (
        "Import registrations from children/caregivers/referrals files (CSV or XLSX), all or "
        "nothing, acting as a country coordinator (the first one, or --user)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", required=True, metavar="FILE")
        parser.add_argument("--caregivers", metavar="FILE")
        parser.add_argument("--referrals", metavar="FILE")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count, write nothing"
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="the coordinator the import acts as (default: the first country coordinator)",
        )

    def _user(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {username!r}.")
            if not user.is_coordinator:
                raise CommandError(f"{username!r} is not a coordinator: only coordinators import.")
            return user
        user = (
            User.objects.filter(role=Role.COUNTRY_COORDINATOR, is_active=True)
            .order_by("pk")
            .first()
        )
        if user is None:
            raise CommandError(
                "No country coordinator exists: create one (add_user) or pass --user."
            )
        return user

    def handle(self, *args, **options):
        user = self._user(options["user"])
        sources = {}
        for file in (CHILDREN, CAREGIVERS, REFERRALS):
            path = options[file]
            if not path:
                continue
            try:
                sources[file] = source_from_path(file, path)
            except FileTooBig:
                issue = check_size(file, max_bytes() + 1)
                raise CommandError(f"{path}: {issue.message}") from None
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror}") from None
        started = time.monotonic()
        result = run_import(sources, user, dry_run=options["dry_run"])
        for issue in result.issues:
            self.stderr.write(str(issue))
        elapsed = time.monotonic() - started
        if not result.ok:
            self.stderr.write(f"{len(result.issues)} error(s): nothing imported ({elapsed:.1f} s).")
            sys.exit(1)
        verb = "would import" if options["dry_run"] else "imported"
        self.stdout.write(f"{verb} as {user.username}: {result.summary()} ({elapsed:.1f} s)")
