"""Reading the uploaded files: CSV (UTF-8, a byte-order mark allowed) or the first sheet
of an .xlsx workbook, as rows of stripped strings with their line numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

from .columns import BY_NAME, CAREGIVERS, COLUMNS, REFERRALS
from .messages import ImportIssue

XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Source:
    """One uploaded file: its name (for messages) and its bytes."""

    file: str  # children, caregivers or referrals
    name: str
    data: bytes
    # A sheet of the children workbook rather than an uploaded file: may hold no rows.
    from_workbook: bool = False


@dataclass
class Table:
    file: str
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    issues: list[ImportIssue] = field(default_factory=list)
    allow_empty: bool = False


def is_xlsx(data: bytes) -> bool:
    return data[:4] == XLSX_MAGIC


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clean(values, intern=sys.intern) -> list[str]:
    # Codes repeat on every row: interning keeps one copy of each in memory.
    return [intern(v) if len(v) <= 24 else v for v in map(str.strip, values)]


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    previous_end = 0
    for values in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        yield start, _clean(values)


def _sheet_rows(sheet) -> Iterator[tuple[int, list[str]]]:
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, _clean([_cell(v) for v in values])


def _table(file: str, rows: Iterator[tuple[int, list[str]]], issues: list[ImportIssue]) -> Table:
    for _line, header in rows:
        if any(header):
            break
    else:
        issues.append(ImportIssue(file, None, "", "", "empty"))
        return Table(file, [], iter(()), issues)
    header = [h.lower() for h in header]
    # Trailing empty header cells (spreadsheets) are not columns.
    while header and not header[-1]:
        header.pop()
    known = BY_NAME[file]
    seen = set()
    for name in header:
        if name not in known:
            issues.append(ImportIssue(file, 1, name, name, "unknown_column"))
        elif name in seen:
            issues.append(ImportIssue(file, 1, name, name, "duplicate_column"))
        seen.add(name)
    for column in COLUMNS[file]:
        if column.header_required and column.name not in seen:
            issues.append(ImportIssue(file, 1, column.name, "", "missing_column"))

    def data_rows():
        for line, values in rows:
            if not any(values):
                continue
            yield line, values

    return Table(file, header, data_rows(), issues)


def read_csv(source: Source) -> Table:
    try:
        text = source.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Table(
            source.file, [], iter(()), [ImportIssue(source.file, None, "", "", "not_utf8")]
        )
    if "\x00" in text:
        return Table(
            source.file, [], iter(()), [ImportIssue(source.file, None, "", "", "not_utf8")]
        )
    issues: list[ImportIssue] = []
    try:
        return _table(source.file, _csv_rows(text), issues)
    except csv.Error as exc:
        issues.append(ImportIssue(source.file, None, "", "", "bad_csv", {"detail": str(exc)}))
        return Table(source.file, [], iter(()), issues)


def open_workbook(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data), read_only=True, data_only=False)


def read_xlsx(source: Source, sheet_name: str | None = None) -> Table:
    try:
        workbook = open_workbook(source.data)
        sheet = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
    except Exception:  # openpyxl raises many types for a damaged or foreign file
        return Table(
            source.file, [], iter(()), [ImportIssue(source.file, None, "", "", "bad_xlsx")]
        )
    return _table(source.file, _sheet_rows(sheet), [])


def extra_sheets(source: Source) -> dict[str, Source]:
    """Sheets named caregivers or referrals in the children workbook (our export and the
    template keep the three files in one workbook): read as those files when they are
    not uploaded separately."""
    if not is_xlsx(source.data):
        return {}
    try:
        names = open_workbook(source.data).sheetnames
    except Exception:
        return {}
    return {
        file: Source(file, f"{source.name}#{file}", source.data, from_workbook=True)
        for file in (CAREGIVERS, REFERRALS)
        if file in names[1:]
    }


def read_table(source: Source) -> Table:
    if is_xlsx(source.data):
        table = read_xlsx(source, source.file if source.from_workbook else None)
        table.allow_empty = source.from_workbook
        return table
    if not source.data.strip(b"\xef\xbb\xbf \r\n\t"):
        return Table(source.file, [], iter(()), [ImportIssue(source.file, None, "", "", "empty")])
    return read_csv(source)
