"""python manage.py quarterly_report 2023Q4 [--county RO-TM] [--public] [--language ro|uk|en]
--format json|csv|pdf --output FILE: the report engine, synchronously."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.csv_export import render_csv
from reporting.engine import compute_report


def render(document: dict, fmt: str, language: str) -> bytes:
    if fmt == "json":
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "csv":
        return render_csv(document, language)
    from reporting.pdf import render_pdf

    return render_pdf(document, language)


class Command(BaseCommand):
    help = "Build the quarterly statistics report (quarterly_report.md) and write it to a file."

    def add_arguments(self, parser):
        parser.add_argument("period", help="The quarter, e.g. 2023Q4.")
        parser.add_argument("--county", default=None, help="County code (default: national).")
        parser.add_argument("--public", action="store_true", help="The public variant.")
        parser.add_argument("--language", choices=["ro", "uk", "en"], default="ro")
        parser.add_argument("--format", dest="fmt", choices=["json", "csv", "pdf"], required=True)
        parser.add_argument("--output", required=True, help="File to write ('-' for stdout).")

    def handle(self, *args, period, county, public, language, fmt, output, **options):
        variant = "public" if public else "full"
        try:
            document = compute_report(period, county, variant)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        data = render(document, fmt, language)
        if output == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            Path(output).write_bytes(data)
        registered = next(
            (
                r["cumulative"]
                for r in document["tables"]["totals"]["rows"]
                if r["measure"] == "children_registered"
            ),
            None,
        )
        summary = self.stderr if output == "-" else self.stdout
        summary.write(
            f"quarterly_report: {document['period']} {document['scope']} {variant} "
            f"{fmt} -> {output} ({len(data)} bytes, children registered: {registered}"
            + (f", provisional as of {document['as_of']}" if document["provisional"] else "")
            + ")"
        )
