"""Search keys for names written in Latin or Cyrillic script, with or without diacritics,
in any of the common romanisations (Oleksandr/Olexandr/Alexandr, Shevchenko/Shevcenko).

A key is a lossy phonetic skeleton: two spellings of one name give the same key, and the
key is what is stored (Child.name_key, Caregiver.name_key) so that matching works on
SQLite and PostgreSQL. Keys are compared with name_similarity() (rapidfuzz) so that the
romanisations no rewrite covers (Oleksander/Oleksandr) still rank close.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz import fuzz

# Applied in order to lowercase ASCII; longer groups before the groups they contain.
_REWRITES = [
    ("shch", "s"),  # щ (Ukrainian national, English style)
    ("tsch", "c"),  # ч (German style)
    ("sch", "s"),  # ш (German style), щ (Russian-German)
    ("tch", "c"),  # ч (French style)
    ("dzh", "dz"),  # дж
    ("ch", "c"),
    ("sh", "s"),
    ("zh", "z"),
    ("kh", "h"),
    ("ts", "c"),
    ("tz", "c"),
    ("cz", "c"),  # ч (Polish)
    ("sz", "s"),  # ш (Polish)
    ("ph", "f"),
    ("th", "t"),
    ("x", "ks"),  # Olexandr / Oleksandr
    ("ck", "k"),
    ("q", "k"),
    ("w", "v"),  # Kowalenko / Kovalenko
    ("g", "h"),  # Ukrainian г is romanised h, Russian-style g
    ("j", "i"),
    ("y", "i"),
    ("e", "i"),  # е/є/э/и/і: e, ie, ye, y, i
    ("o", "a"),  # Oleksandr / Alexandr
    ("u", "a"),
]
_NON_LETTERS = re.compile(r"[^a-z]+")
_REPEATS = re.compile(r"(.)\1+")
_WORD_SPLIT = re.compile(r"[\s\-,.;/]+")


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return anyascii(text).lower()


# Names repeat (a 35,000-row import holds a few thousand distinct words): each word's key
# is computed once. Bounded, so a long-lived process does not grow without limit.
@lru_cache(maxsize=50_000)
def word_key(word: str) -> str:
    """The phonetic skeleton of one word: 'Олександр', 'Olexandr', 'Alexandr' -> 'aliksandr'."""
    text = _NON_LETTERS.sub("", _ascii(word))
    for old, new in _REWRITES:
        text = text.replace(old, new)
    # Soft signs and apostrophes vanished above; vowel runs from ia/iu/ie collapse here.
    text = _REPEATS.sub(r"\1", text)
    text = text.replace("ia", "a").replace("ai", "a")
    return _REPEATS.sub(r"\1", text)


def name_key(*parts: str) -> str:
    """One key for a full name: the word keys, sorted, so word order does not matter."""
    words: list[str] = []
    for part in parts:
        words.extend(w for w in _WORD_SPLIT.split(_ascii(part)) if w)
    keys = sorted({word_key(w) for w in words} - {""})
    return " ".join(keys)


def name_similarity(key_a: str, key_b: str) -> float:
    """0-100: how close two name keys are. A key that holds every word of the other (a
    record keeps the Latin and the Cyrillic name, a search may give only one) scores 100."""
    if not key_a or not key_b:
        return 0.0
    return fuzz.token_set_ratio(key_a, key_b)
