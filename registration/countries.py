"""ISO 3166-1 alpha-2 countries with names in the active language (django-countries)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_countries import countries

STATELESS = "stateless"


def country_choices(*, stateless: bool = False, exclude: frozenset[str] = frozenset()):
    choices = [(code, str(name)) for code, name in countries if code not in exclude]
    if stateless:
        choices.append((STATELESS, str(_("Stateless"))))
    return choices


def is_country(code: str) -> bool:
    return bool(code) and code in countries
