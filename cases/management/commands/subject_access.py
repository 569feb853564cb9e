"""Everything held about one child, as a PDF or JSON file (issue 15, right of access)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from audit.log import record
from audit.models import Action
from cases import subject_access
from cases.models import Child


class Command(BaseCommand):
    help = "Write everything held about one child (CASE_CODE) to FILE: .pdf or .json."

    def add_arguments(self, parser):
        parser.add_argument("code", metavar="CASE_CODE")
        parser.add_argument("--output", required=True, metavar="FILE", help="a .pdf or .json file")
        parser.add_argument("--language", choices=subject_access.LANGUAGES, default="ro")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="answer as this user: a case out of their scope is unknown (as in the browser)",
        )

    def handle(self, *args, code: str, output: str, language: str, user=None, **options):
        path = Path(output)
        kind = path.suffix.lower().lstrip(".")
        if kind not in ("pdf", "json"):
            raise CommandError(f"--output: expected a .pdf or .json file name, got {output!r}")
        actor = None
        cases = Child.objects.cases()
        if user is not None:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"--user: no active user {user!r}")
            cases = Child.objects.visible_to(actor)
        child = cases.filter(code=code.strip().upper()).first()
        if child is None:
            # The same answer for "no such case" and "not yours": a code reveals nothing.
            raise CommandError(f"No case {code!r} (unknown, or out of scope).")
        document = subject_access.build(child, language)
        data = (
            subject_access.to_pdf(document) if kind == "pdf" else subject_access.to_json(document)
        )
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"--output: cannot write {output!r} ({exc.strerror})") from None
        record(
            actor,
            Action.EXPORT,
            obj=child,
            actor_label="command line",
            export="subject_access",
            format=kind,
            language=language,
        )
        self.stdout.write(
            f"Wrote everything held about {child.code} to {path} ({len(data)} bytes)."
        )
