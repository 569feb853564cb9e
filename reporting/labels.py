"""Labels of the report document in the active language.

The document holds codes only (quarterly_report.md); these functions turn table names,
measures, dimension names and dimension values into words. Lookup codes come from
lookups.registry; the rest are translated strings of this module. Call them inside
translation.override(language) to get another language.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from lookups import registry

from .engine import DIMENSION_LISTS

TABLE_TITLES = {
    "totals": _("Totals"),
    "by_sex_age": _("Children registered by sex and age group"),
    "by_county_sex": _("Children registered by county and sex"),
    "uasc_by_county": _("Separated and unaccompanied children by county"),
    "concerns": _("Children by protection concern"),
    "concerns_by_risk": _("Children with protection concerns by risk level"),
    "disability_by_sex": _("Children with a disability by sex"),
    "referrals_by_service": _("Referrals by type of service"),
    "monthly_registrations": _("Children registered per month"),
    "intention_of_travel": _("Children registered by intention of travel"),
    "entry_points": _("Children registered by border crossing point"),
    "closures_by_reason": _("Cases closed by reason"),
}

TABLE_NOTES = {
    "concerns": _("A child counts under each of their concerns; the rows do not add up."),
    "uasc_by_county": _("Accompanied children are not counted in this table."),
    "referrals_by_service": _("Referrals of every status, by the date they were made."),
    "monthly_registrations": _("Every month from the first registration to the period's end."),
}

MEASURES = {
    "children_registered": _("Children registered"),
    "caregivers_registered": _("Caregivers registered"),
    "cases_closed": _("Cases closed"),
    "children_with_concerns": _("Children with protection concerns"),
    "children_referred": _("Children referred to services"),
    "unaccompanied_or_separated": _("Unaccompanied or separated children"),
    "cases_open": _("Cases open at the end of the period"),
    "followups_overdue": _("Overdue follow-ups at the end of the period"),
}

DIMENSIONS = {
    "measure": _("Measure"),
    "sex": _("Sex"),
    "age_group": _("Age group"),
    "county": _("County"),
    "uasc_status": _("Status"),
    "concern": _("Protection concern"),
    "risk_level": _("Risk level"),
    "service_type": _("Service"),
    "month": _("Month"),
    "planned_stay": _("Intention"),
    "destination_country": _("Country of destination"),
    "entry_point": _("Border crossing point"),
    "closure_reason": _("Reason"),
}

COLUMNS = {
    "cumulative": _("Cumulative"),
    "in_quarter": _("In the quarter"),
}

AGE_GROUPS = {
    "0-5": _("0–5 years"),
    "6-13": _("6–13 years"),
    "14-17": _("14–17 years"),
}

# Dimension name -> lookups.registry list name: the engine's table, one definition.
LOOKUP_LISTS = DIMENSION_LISTS


def table_title(name: str) -> str:
    return str(TABLE_TITLES.get(name, name))


def table_note(name: str) -> str:
    note = TABLE_NOTES.get(name)
    return str(note) if note else ""


def measure_label(code: str) -> str:
    return str(MEASURES.get(code, code))


def dimension_label(name: str) -> str:
    return str(DIMENSIONS.get(name, name))


def column_label(name: str) -> str:
    return str(COLUMNS.get(name, name))


def month_label(code: str) -> str:
    """'2023-10' -> 'October 2023' in the active language."""
    try:
        year, month = (int(part) for part in code.split("-"))
        return formats.date_format(dt.date(year, month, 1), "F Y")
    except (ValueError, AttributeError):
        return code


def month_short_label(code: str) -> str:
    """'2023-10' -> '10.2023': short enough for a chart axis in any language."""
    try:
        year, month = code.split("-")
        return f"{int(month):02d}.{year}"
    except (ValueError, AttributeError):
        return code


def value_label(dimension: str, code: str | None) -> str:
    """The words for one dimension value of the document."""
    if dimension == "measure":
        return measure_label(code or "")
    if dimension == "month":
        return month_label(code or "")
    if dimension == "age_group":
        return str(AGE_GROUPS.get(code or "", code or ""))
    if dimension == "destination_country":
        if not code:
            return "–"
        # django-countries carries the names in Romanian and Ukrainian.
        return countries.name(code) or code
    if dimension in LOOKUP_LISTS:
        if not code:
            return str(_("not recorded"))
        return registry.label(LOOKUP_LISTS[dimension], code)
    return code or ""


def scope_label(scope: str | None) -> str:
    if not scope or scope == "national":
        return str(_("Romania (national)"))
    return registry.label("county", scope)


def variant_label(variant: str) -> str:
    from .models import Variant

    try:
        return str(Variant(variant).label)
    except ValueError:
        return variant
