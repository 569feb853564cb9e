"""Romanian writes the names of the months in lower case ("30 decembrie 2026"); Django's
Romanian catalogue capitalises them, ours (locale/ro) overrides it."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import formats, translation


@pytest.mark.parametrize(
    ("day", "long", "month"),
    [
        (dt.date(2026, 12, 30), "30 decembrie 2026", "decembrie 2026"),
        (dt.date(2026, 5, 1), "1 mai 2026", "mai 2026"),
    ],
)
def test_romanian_dates_have_months_in_lower_case(day, long, month):
    with translation.override("ro"):
        assert formats.date_format(day) == long
        assert Template('{{ d|date:"F Y" }}').render(Context({"d": day})) == month
        assert Template('{{ d|date:"j E" }}').render(Context({"d": day})) == long.rsplit(" ", 1)[0]
