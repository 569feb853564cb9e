"""Quarters: "2023Q4" runs from 1 October 2023 to 31 December 2023 (quarterly_report.md)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

_PERIOD_RE = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Period:
    code: str
    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, year: int, quarter: int) -> Period:
        first_month = 3 * (quarter - 1) + 1
        last_month = first_month + 2
        start = dt.date(year, first_month, 1)
        end = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
        return cls(f"{year}Q{quarter}", start, end)

    @classmethod
    def containing(cls, day: dt.date) -> Period:
        return cls.of(day.year, (day.month - 1) // 3 + 1)

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def quarter(self) -> int:
        return (self.start.month - 1) // 3 + 1

    def previous(self) -> Period:
        if self.quarter == 1:
            return Period.of(self.year - 1, 4)
        return Period.of(self.year, self.quarter - 1)

    def next(self) -> Period:
        if self.quarter == 4:
            return Period.of(self.year + 1, 1)
        return Period.of(self.year, self.quarter + 1)

    def is_provisional(self, today: dt.date | None = None) -> bool:
        """Not ended yet (its last day included): a report of it can only be provisional,
        counted up to today (quarterly_report.md)."""
        return (today or timezone.localdate()) <= self.end

    def as_of(self, today: dt.date | None = None) -> dt.date:
        """The day a report of this period counts up to: its end, or today before then."""
        return min(today or timezone.localdate(), self.end)

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.code


def parse_period(value: str) -> Period:
    """ "2023Q4" (also "2023q4") -> Period; ValueError with a message a user can act on."""
    match = _PERIOD_RE.match(value or "")
    if not match:
        raise ValueError(
            gettext("Invalid quarter %(value)r: expected YYYYQn, for example 2023Q4.")
            % {"value": value}
        )
    year = int(match.group(1))
    if not 2000 <= year <= 2999:
        raise ValueError(
            gettext("Invalid quarter %(value)r: year out of range.") % {"value": value}
        )
    return Period.of(year, int(match.group(2)))


def current_quarter(today: dt.date | None = None) -> Period:
    return Period.containing(today or timezone.localdate())


def last_completed_quarter(today: dt.date | None = None) -> Period:
    return current_quarter(today).previous()
