"""The PDF of a public report says why each count is withheld from the stored snapshot
alone: rendered again later, by another process, it says what the first rendering said
(issue 10, item 5: the notes used to reach the PDF through a dict of the process)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from reporting import services
from reporting.models import ReportSnapshot
from tests.reporting.dataset import build
from tests.reporting.test_pdf import pdf_text

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed"),
]

RENDER = """
import json, sys
import django
django.setup()
from reporting.pdf import render_pdf
document = json.load(open(sys.argv[1], encoding="utf-8"))
open(sys.argv[2], "wb").write(render_pdf(document, "en"))
"""


def render_in_another_process(document: dict, tmp_path) -> bytes:
    """A fresh Python process that renders the stored document. It reads the lookups of
    the test database, but not the children of this test (not committed): it cannot
    recompute anything, it can only read the document."""
    source, out = tmp_path / "document.json", tmp_path / "report.pdf"
    source.write_text(json.dumps(document), encoding="utf-8")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primero_ro.test_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    subprocess.run(
        [sys.executable, "-c", RENDER, str(source), str(out)],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out.read_bytes()


def test_a_pdf_rendered_in_another_process_says_why_each_count_is_withheld(
    settings, worker_tm, worker_sv, tmp_path
):
    settings.REPORT_SUPPRESSION_THRESHOLD = 3
    build(worker_tm, worker_sv)
    snapshot = ReportSnapshot.objects.create(period="2023Q4", variant="public", language="en")
    services.build_report(snapshot.pk)
    document = ReportSnapshot.objects.get(pk=snapshot.pk).document
    assert document["suppression_threshold"] == 3
    assert {
        "table": "entry_points",
        "row": {"entry_point": "SIRET"},
        "measure": "in_quarter",
        "reason": "secondary",
    } in document["suppression_notes"]

    text = re.sub(r"\s+", " ", pdf_text(render_in_another_process(document, tmp_path)))
    # INLAND's 2 in the quarter is below the threshold, SIRET's 4 hides it from the total.
    assert "Registered inland after arrival 5 <3 Siret (road) 5 —" in text
    assert "Registered inland after arrival (in the quarter: below 3)" in text
    assert "Siret (road) (in the quarter: secondary suppression)" in text
    assert "withheld)" not in text  # no cell whose reason the PDF could not give
