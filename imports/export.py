"""Record-level export in the import format (so that an export can be imported again
unchanged), and the empty templates.

CSV: a zip holding children.csv, caregivers.csv and referrals.csv. XLSX: one workbook
with the sheets children, caregivers and referrals (the import reads the two others from
the children workbook when they are not uploaded separately).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable

from django.utils.translation import gettext as _

from cases.answers import answer
from cases.models import Caregiver, Child
from lookups import registry
from questions import BY_CODE
from referrals.models import Referral

from .columns import (
    AGE_GROUPS,
    CAREGIVER_COLUMNS,
    CAREGIVERS,
    CHILD_COLUMNS,
    CHILDREN,
    COLUMNS,
    FILES,
    REFERRAL_COLUMNS,
    REFERRALS,
)

FORMULA_START = ("=", "+", "-", "@")


def neutralise(text: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if text and text[0] in FORMULA_START:
        return "'" + text
    return text


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return neutralise(str(value))


def _ref(obj, field: str) -> str:
    return (getattr(obj, field) or obj.code) if obj is not None else ""


def child_row(child: Child) -> list[str]:
    """The children.csv row: the answers as the case stores them (cases.answers, one
    column per question of the catalogue), the references, then the case's status."""
    row = []
    for column in CHILD_COLUMNS:
        name = column.name
        if name == "record_ref":
            value = child.record_ref or child.code
        elif name == "household_ref":
            value = _ref(child.household, "household_ref")
        elif name == "caregiver_ref":
            value = _ref(child.caregiver, "caregiver_ref")
        elif name in BY_CODE:
            value = answer(child, name)
        else:
            value = getattr(child, name)
        row.append(cell(value))
    return row


def caregiver_row(caregiver: Caregiver) -> list[str]:
    return [
        cell(
            _ref(caregiver, "caregiver_ref")
            if c.name == "caregiver_ref"
            else getattr(caregiver, c.name)
        )
        for c in CAREGIVER_COLUMNS
    ]


def referral_row(referral: Referral) -> list[str]:
    values = {
        "record_ref": referral.child.record_ref or referral.child.code,
        "service_type": referral.service_type,
        "provider_name": referral.provider.name if referral.provider_id else "",
        "referred_on": referral.referred_on,
        "status": referral.status,
        "closed_on": referral.closed_on,
        "referral_ref": referral.code,
    }
    return [cell(values[c.name]) for c in REFERRAL_COLUMNS]


def export_rows(children_qs) -> dict[str, list[list[str]]]:
    """The three files' rows for the children of the queryset (already scoped)."""
    qs = (
        children_qs.order_by()
        .select_related("caregiver", "household")
        .prefetch_related("protection_concerns")
        .order_by("registration_date", "id")
    )
    rows: dict[str, list[list[str]]] = {CHILDREN: [], CAREGIVERS: [], REFERRALS: []}
    caregivers: dict[int, Caregiver] = {}
    ids = []
    for child in qs.iterator(chunk_size=2000):
        rows[CHILDREN].append(child_row(child))
        ids.append(child.pk)
        if child.caregiver_id:
            caregivers[child.caregiver_id] = child.caregiver
    rows[CAREGIVERS] = [caregiver_row(c) for c in sorted(caregivers.values(), key=lambda c: c.pk)]
    for i in range(0, len(ids), 2000):
        referrals = (
            Referral.objects.filter(child_id__in=ids[i : i + 2000])
            .select_related("child", "provider")
            .order_by("child_id", "referred_on", "id")
        )
        rows[REFERRALS].extend(referral_row(r) for r in referrals)
    return rows


def header(file: str) -> list[str]:
    return [c.name for c in COLUMNS[file]]


def csv_bytes(file: str, rows: Iterable[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header(file))
    writer.writerows(rows)
    # A byte-order mark makes spreadsheets open the file as UTF-8 (the import accepts it).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_zip(rows: dict[str, list[list[str]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in FILES:
            archive.writestr(f"{file}.csv", csv_bytes(file, rows.get(file, [])))
    return buffer.getvalue()


def to_xlsx(rows: dict[str, list[list[str]]], *, help_sheet: bool = False) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for file in FILES:
        sheet = workbook.create_sheet(file)
        sheet.append(header(file))
        for row in rows.get(file, []):
            sheet.append(row)
    if help_sheet:
        _help_sheet(workbook.create_sheet(_("Columns")[:31]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _codes(column) -> str:
    if column.list_name == "age_group":
        return "\n".join(AGE_GROUPS)
    if column.kind in ("code", "multi") and column.list_name:
        return "\n".join(f"{code} = {label}" for code, label in registry.choices(column.list_name))
    return {
        "date": "YYYY-MM-DD",
        "yesno": "yes / no",
        "country": "ISO 3166-1 alpha-2 (DE, PL, ...)",
        "nationality": "ISO 3166-1 alpha-2 (UA, ...) / stateless",
        "phone": "+40722123456",
    }.get(column.kind, "")


def _help_sheet(sheet) -> None:
    """One line per column of every file: what it holds, and its codes in the active language."""
    sheet.append([_("File"), _("Column"), _("Required"), _("Content"), _("Codes and formats")])
    for file in FILES:
        for column in COLUMNS[file]:
            multi = _(" (several codes separated by ;)") if column.kind == "multi" else ""
            sheet.append(
                [
                    file,
                    column.name,
                    _("yes") if column.header_required else "",
                    str(column.description) + multi,
                    _codes(column),
                ]
            )


def template_csv(file: str) -> bytes:
    return csv_bytes(file, [])


def template_xlsx() -> bytes:
    return to_xlsx({}, help_sheet=True)
