"""The rows' shared lookups (cases/templatetags/case_rows.py) write what Django writes."""

import datetime as dt

import pytest
from django.utils import dateformat, translation
from django.utils.formats import date_format, get_format

from cases.templatetags.case_rows import _date_writer

DATES = [dt.date(2026, 1, 5), dt.date(2025, 12, 31), dt.date(999, 7, 9)]


@pytest.mark.parametrize("language", ["ro", "uk", "en"])
def test_rows_write_dates_as_the_language_writes_them(language):
    with translation.override(language):
        write = _date_writer(get_format("SHORT_DATE_FORMAT"))
        for day in DATES:
            assert write(day) == date_format(day, "SHORT_DATE_FORMAT")


@pytest.mark.parametrize(
    "fmt", ["d.m.Y", "m/d/Y", "j.n.Y", "Y-m-d", "d {m} Y", "j F Y", r"\d\e d.m.Y", "D, d M"]
)
def test_any_format_is_written_as_dateformat_writes_it(fmt):
    for day in DATES[:2]:
        assert _date_writer(fmt)(day) == dateformat.format(day, fmt)
