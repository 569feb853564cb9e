"""ISO 3166-1 alpha-2 countries (nationality, destination_country): django-countries is
the one country list, with names in the active language."""

from __future__ import annotations

from functools import cache, lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

STATELESS = "stateless"


def country_choices(*, stateless: bool = False, exclude: frozenset[str] = frozenset()):
    return list(_choices(get_language(), stateless, exclude))


@lru_cache(maxsize=64)
def _choices(lang: str | None, stateless: bool, exclude: frozenset[str]) -> tuple:
    # Sorted by name in the language: once per language and process (the registration
    # page asks twice per page; the names change only with a deployment).
    choices = [(code, str(name)) for code, name in countries if code not in exclude]
    if stateless:
        choices.append((STATELESS, str(_("Stateless"))))
    return tuple(choices)


@cache
def _codes() -> frozenset[str]:
    # Read once: the import checks two countries on each of tens of thousands of rows.
    return frozenset(code for code, _name in countries)


def is_country(code: str) -> bool:
    return bool(code) and code in _codes()


def is_nationality(code: str) -> bool:
    return code == STATELESS or is_country(code)
