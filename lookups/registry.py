"""Fast, cached access to lookup codes and their labels in the active language.

Lookups change only through the admin or a migration, so the whole set (a few hundred
rows) is read once per process and dropped when a row is saved.
"""

from __future__ import annotations

from functools import cache

from django.utils.translation import get_language

LANGS = ("en", "ro", "uk")


def _lang() -> str:
    lang = (get_language() or "en")[:2]
    return lang if lang in LANGS else "en"


@cache
def _table() -> dict[str, dict[str, dict[str, str]]]:
    """{list_name: {code: {lang: label}}}, in display order."""
    from .models import Choice, County, EntryPoint, ProtectionConcern

    table: dict[str, dict[str, dict[str, str]]] = {}
    for c in Choice.objects.order_by("sort_order"):
        table.setdefault(c.list_name, {})[c.code] = {
            lang: getattr(c, f"label_{lang}") or c.label_en for lang in LANGS
        }
    table["county"] = {c.code: dict.fromkeys(LANGS, c.name) for c in County.objects.all()}
    table["entry_point"] = {
        e.code: {lang: getattr(e, f"name_{lang}") or e.name_en for lang in LANGS}
        for e in EntryPoint.objects.order_by("sort_order")
    }
    table["protection_concern"] = {
        p.code: {lang: getattr(p, f"label_{lang}") or p.label_en for lang in LANGS}
        for p in ProtectionConcern.objects.order_by("sort_order")
    }
    return table


def clear_cache() -> None:
    _table.cache_clear()


def codes(list_name: str) -> list[str]:
    return list(_table().get(list_name, {}))


def is_valid(list_name: str, code: str) -> bool:
    return code in _table().get(list_name, {})


def label(list_name: str, code: str | None, lang: str | None = None) -> str:
    if not code:
        return ""
    entry = _table().get(list_name, {}).get(code)
    if entry is None:
        return code
    return entry[lang or _lang()]


def choices(list_name: str, lang: str | None = None) -> list[tuple[str, str]]:
    lang = lang or _lang()
    return [(code, labels[lang]) for code, labels in _table().get(list_name, {}).items()]
