"""The PDF: rendered with WeasyPrint, read back with pdftotext."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from reporting.engine import compute_report
from reporting.pdf import render_pdf
from tests.reporting.dataset import build
from tests.reporting.sample_document import full_document, public_document

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed"),
]


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    # Thin no-break spaces separate thousands: compare with plain spaces.
    return out.stdout.decode("utf-8").replace("\u202f", " ").replace("\xa0", " ")


def test_romanian_pdf_has_the_figures_labels_and_diacritics():
    text = pdf_text(render_pdf(full_document(), "ro"))
    # Totals and table cells of the document.
    assert "1 234" in text
    assert re.search(r"Timiș\s+Masculin\s+252\s+19", text)
    assert re.search(r"București\s+Neînsoțit\s+7\s+0", text)
    assert "Lipsa actelor" in text  # lack_of_documentation in Romanian
    # The date of the period in Romanian, month in lower case inside a date.
    assert "31 decembrie 2023" in text
    # Page numbers on every page.
    pages = re.findall(r"(\d+) / (\d+)", text)
    assert pages and pages[0][1] == pages[-1][1] and int(pages[-1][0]) == int(pages[-1][1])


def test_ukrainian_pdf_has_cyrillic_labels():
    text = pdf_text(render_pdf(full_document(), "uk"))
    assert "Жіноча" in text
    assert "Без супроводу" in text  # unaccompanied
    assert "Торгівля людьми" in text  # trafficking
    assert "31 грудня 2023" in text
    assert "870" in text


def test_english_pdf_has_summary_and_methodology():
    text = pdf_text(render_pdf(full_document(), "en"))
    assert "1 234 children from Ukraine had been registered" in text
    assert "Methodology" in text
    assert "Anonymous records" in text
    # The full variant has no note about withheld counts.
    assert "Withheld counts" not in text


def test_public_sample_marks_primary_and_secondary_suppression():
    document = public_document()
    text = pdf_text(render_pdf(document, "en"))
    # trafficking in the quarter is 1: primary (concerns has no secondary suppression).
    assert re.search(r"Trafficking[^\n]*\s6\s+<5", text)
    assert "Withheld counts" in text
    assert "Primary suppression" in text and "Secondary suppression" in text


def test_public_report_of_the_engine_says_which_cells_are_withheld_and_why(worker_tm, worker_sv):
    build(worker_tm, worker_sv)
    document = compute_report("2023Q4", None, "public")
    text = pdf_text(render_pdf(document, "en"))
    suppressed = sum(
        row[f"{m}_suppressed"]
        for table in document["tables"].values()
        for row in table["rows"]
        for m in ("cumulative", "in_quarter")
    )
    assert suppressed > 0
    assert "<5" in text
    # Every withheld cell is listed with its reason.
    assert text.count("below 5") + text.count("secondary suppression") >= suppressed


def test_full_report_of_the_engine_matches_its_document(worker_tm, worker_sv):
    build(worker_tm, worker_sv)
    document = compute_report("2023Q4", "RO-TM", "full")
    text = pdf_text(render_pdf(document, "en"))
    totals = {r["measure"]: r for r in document["tables"]["totals"]["rows"]}
    registered = totals["children_registered"]
    assert re.search(
        rf"Children registered\s+{registered['cumulative']}\s+{registered['in_quarter']}", text
    )
    assert "Timiș" in text


def test_margin_box_text_cannot_break_out_of_its_css_string():
    from reporting.pdf import css_string

    assert css_string('Здоров\'я "x" </style>') == '"Здоров\\27 я \\22 x\\22  \\3c /style\\3e "'


def test_running_header_names_period_and_scope_on_later_pages():
    text = pdf_text(render_pdf(full_document(), "en"))
    pages = text.split("\f")
    assert len(pages) > 2
    assert "Quarterly statistics · quarter 4 of 2023 · Romania (national)" in pages[1]
    assert "Page 2 / " in pages[1]
