"""Fast, cached access to lookup codes and their labels in the active language.

Lookups change only through the admin or a migration, so the whole set (a few hundred
rows) is held by each process and read per row (imports) without a query. Processes
agree through a version token in the shared cache (Redis when configured, see
settings.CACHES): saving a lookup drops this process's copy and, once the transaction
commits, sets a new token; every other process (gunicorn workers, Celery workers)
compares its token with the shared one at the start of each request and task, and at
most every CHECK_SECONDS in between, and reloads when they differ. Without a shared
cache (local memory: one process, the quick start) the token is per process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import get_language

from . import shared_tokens

LANGS = ("en", "ro", "uk")
VERSION_KEY = "lookups:version"
# A process that serves no request (a long import, a shell) looks again this often.
CHECK_SECONDS = 5.0

Table = dict[str, dict[str, dict[str, str]]]


@dataclass
class _Copy:
    table: Table | None = None
    version: str | None = None
    checked_at: float = float("-inf")


_copy = _Copy()


def _lang() -> str:
    lang = (get_language() or "en")[:2]
    return lang if lang in LANGS else "en"


def _load() -> Table:
    """{list_name: {code: {lang: label}}}, in display order."""
    from .models import Choice, County, EntryPoint, ProtectionConcern

    table: Table = {}
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


def shared_version() -> str | None:
    """The token every process compares with; None when the cache cannot be reached."""
    return shared_tokens.current(VERSION_KEY)


def _table() -> Table:
    now = time.monotonic()
    if _copy.table is not None and now - _copy.checked_at < CHECK_SECONDS:
        return _copy.table
    # The token first, then the rows: a change committed in between is read now and
    # its new token makes the next check read the rows once more, never the reverse.
    version = shared_version()
    if _copy.table is None or version is None or version != _copy.version:
        _copy.table = _load()
        _copy.version = version
    _copy.checked_at = now
    return _copy.table


def version() -> str | None:
    """The version of the lookups this process reads now (None: unknown, the shared cache
    is unreachable): what is rendered from them can be kept under it."""
    _table()
    return _copy.version


def check_at_next_use(**_kwargs) -> None:
    """Compare with the shared token at the next lookup (each request and Celery task)."""
    _copy.checked_at = float("-inf")


def _publish_change() -> None:
    shared_tokens.renew(VERSION_KEY)


def clear_cache() -> None:
    """A lookup changed: this process reads the rows again at once, the others after the
    transaction commits (before that they could only read the old rows)."""
    _copy.table = None
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_publish_change)
    else:
        _publish_change()


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
