"""Files that cannot be read: encoding, emptiness, size, workbooks."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from cases.models import Child
from imports.columns import CAREGIVER_COLUMNS, CHILD_COLUMNS
from imports.reading import Source
from imports.services import FileTooBig, run_import, source_from_path
from tests.imports.helpers import caregiver_row, child_row, sources, to_csv


def _run(user, children: bytes, name="children.csv"):
    srcs = sources([], [caregiver_row()])
    srcs["children"] = Source("children", name, children)
    return run_import(srcs, user)


@pytest.mark.django_db
def test_bom_is_accepted(country):
    result = _run(country, to_csv([child_row()], bom=True))
    assert result.ok, result.issues
    assert Child.objects.count() == 1


@pytest.mark.django_db
def test_not_utf8_is_refused(country):
    data = to_csv([child_row()]).decode().encode("utf-16")
    result = _run(country, data)
    assert [i.message for i in result.issues] == [
        'The file is not UTF-8 text: save it as "CSV UTF-8" and upload it again.'
    ]
    latin1 = "record_ref,first_name\nA,Bogdan Ş".encode("cp1250")
    assert _run(country, latin1).issues[0].code == "not_utf8"


@pytest.mark.django_db
def test_empty_file_and_header_only(country):
    assert [i.code for i in _run(country, b"").issues] == ["empty"]
    assert [i.code for i in _run(country, b"\xef\xbb\xbf\r\n").issues] == ["empty"]
    header_only = to_csv([], [c.name for c in CHILD_COLUMNS])
    assert [i.message for i in _run(country, header_only).issues] == [
        "The file has a header row but no data rows."
    ]


def test_too_big_file_is_refused_before_it_is_read(tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    path = tmp_path / "children.csv"
    with open(path, "wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB that cost nothing
    with pytest.raises(FileTooBig):
        source_from_path("children", str(path))


def _xlsx(rows_by_sheet: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in rows_by_sheet.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_xlsx_first_sheet_with_typed_cells(country):
    names = [c.name for c in CHILD_COLUMNS]
    row = child_row()
    values = [row[n] for n in names]
    # Spreadsheets store dates as dates and numbers as numbers.
    values[names.index("registration_date")] = dt.datetime(2023, 5, 10)
    values[names.index("date_of_birth")] = dt.date(2015, 3, 2)
    values[names.index("id_document_number")] = 123456
    cg = caregiver_row()
    data = _xlsx(
        {
            "Sheet1": [names, values],
            "caregivers": [
                [c.name for c in CAREGIVER_COLUMNS],
                [cg[c.name] for c in CAREGIVER_COLUMNS],
            ],
        }
    )
    result = _run(country, data, "registrations.xlsx")
    assert result.ok, [str(i) for i in result.issues]
    child = Child.objects.get()
    assert child.registration_date == dt.date(2023, 5, 10)
    assert child.id_document_number == "123456"


@pytest.mark.django_db
def test_xlsx_formula_cell_is_rejected(country):
    names = [c.name for c in CHILD_COLUMNS]
    row = child_row()
    values = [row[n] for n in names]
    values[names.index("medical_needs")] = "=1+1"
    result = _run(country, _xlsx({"children": [names, values]}), "c.xlsx")
    assert [(i.line, i.column, i.code) for i in result.issues] == [(2, "medical_needs", "formula")]


@pytest.mark.django_db
def test_damaged_workbook(country):
    result = _run(country, b"PK\x03\x04 not really a zip", "c.xlsx")
    assert [i.code for i in result.issues] == ["bad_xlsx"]
