"""Error messages of the import, keyed by a short code.

An error is stored as its code and parameters (codes, dates, numbers: never translated),
and rendered in the language of whoever reads it, so that a preview computed by a
background task still speaks the user's language.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from questions import messages as question_messages

# The file's own messages; the rules of the questions have theirs in questions.messages.
MESSAGES = {
    # Files
    "too_big": _("The file is larger than %(limit)s bytes: split it or ask an administrator."),
    "not_utf8": _('The file is not UTF-8 text: save it as "CSV UTF-8" and upload it again.'),
    "empty": _("The file is empty: it needs a header row and at least one row."),
    "no_rows": _("The file has a header row but no data rows."),
    "bad_xlsx": _("The file cannot be read as an Excel workbook (.xlsx)."),
    "bad_csv": _("The file cannot be read as CSV: %(detail)s"),
    "unknown_column": _("Unknown column."),
    "duplicate_column": _("The column appears twice in the header."),
    "missing_column": _("Required column missing from the header."),
    "extra_cells": _("The row has more cells than the header."),
    # Cells
    "formula": _(
        "Looks like a spreadsheet formula (starts with =, +, - or @). If it is text, "
        "start it with an apostrophe (')."
    ),
    "too_long": _("Longer than %(max)s characters."),
    "bad_date": _("Not a date in the form YYYY-MM-DD."),
    "bad_yesno": _("Expected yes or no."),
    "unknown_code": _("Unknown code for the list %(list)s."),
    "unknown_codes": _("Unknown codes for the list %(list)s: %(codes)s."),
    "repeated_code": _("A code is repeated."),
    "bad_country": _("Not an ISO 3166-1 alpha-2 country code."),
    "bad_nationality": _("Not an ISO 3166-1 alpha-2 country code or stateless."),
    "before_registration": _("Before the registration date (%(date)s)."),
    "before_referral": _("Before the referral date."),
    "age_group_mismatch": _("Does not match the date of birth (age group %(expected)s)."),
    "anonymous_not_empty": _("Must be empty without consent to registration (anonymous record)."),
    "duplicate_ref": _("Duplicate: already on line %(line)s."),
    "unknown_caregiver": _("No caregiver with this caregiver_ref in the caregivers file."),
    "unknown_record": _("No child with this record_ref in this import or in the database."),
    "referral_other_child": _("This referral_ref is a referral of another child."),
    "anonymous_referral": _("This record is anonymous (no consent): it cannot have referrals."),
    "out_of_scope": _("Outside your county: you may import only records of %(county)s."),
    "record_out_of_scope": _("This record_ref belongs to a record outside your county."),
    "consent_change": _(
        "Consent to registration cannot be changed by an import (the record has %(was)s)."
    ),
    "unknown_provider": _("No service provider with this name in the county %(county)s."),
}


@dataclass
class ImportIssue:
    file: str
    line: int | None
    column: str
    value: str
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        if self.code in question_messages.MESSAGES:
            # A rule of the question catalogue: its one message, as in the forms.
            return question_messages.render(self.code, self.params)
        text = str(MESSAGES[self.code])
        if not self.params:
            return text
        params = dict(self.params)
        if isinstance(params.get("condition"), str):
            # Conditions in words are marked with gettext_noop where they are raised.
            params["condition"] = gettext(params["condition"])
        return text % params

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportIssue:
        return cls(**data)

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.line:
            where += f":{self.line}"
        if self.column:
            where += f" [{self.column}]"
        value = f" {self.value!r}" if self.value else ""
        return f"{where}{value}: {self.message}"
