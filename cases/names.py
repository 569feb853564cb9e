"""Search keys for names written in Latin or Cyrillic script, with or without diacritics,
in any of the common romanisations (Oleksandr/Olexandr/Alexandr, Shevchenko/Shevcenko).

A key is a lossy phonetic skeleton: two spellings of one name give the same key, and the
key is what is stored (Child.name_key) so that matching works on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Applied in order to lowercase ASCII; multi-letter groups first.
_REWRITES = [
    ("shch", "s"),
    ("sch", "s"),
    ("tsch", "c"),
    ("tch", "c"),
    ("ch", "c"),
    ("sh", "s"),
    ("zh", "z"),
    ("kh", "h"),
    ("ts", "c"),
    ("tz", "c"),
    ("cz", "c"),
    ("sz", "s"),
    ("ph", "f"),
    ("th", "t"),
    ("x", "ks"),
    ("ck", "k"),
    ("q", "k"),
    ("w", "v"),
    ("g", "h"),  # Ukrainian г is romanised h, Russian-style g
    ("j", "i"),
    ("y", "i"),
    ("e", "i"),  # е/є/э/и/і: e, ie, ye, y, i
    ("o", "a"),  # Oleksandr / Alexandr
    ("u", "a"),
]
_NON_LETTERS = re.compile(r"[^a-z]+")
_REPEATS = re.compile(r"(.)\1+")


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return anyascii(text).lower()


def word_key(word: str) -> str:
    text = _NON_LETTERS.sub("", _ascii(word))
    for old, new in _REWRITES:
        text = text.replace(old, new)
    # Soft signs and apostrophes vanish above; vowel runs from ia/iu/ie collapse here.
    text = _REPEATS.sub(r"\1", text)
    text = text.replace("ia", "a").replace("ai", "a")
    return _REPEATS.sub(r"\1", text)


def name_key(*parts: str) -> str:
    """One key for a full name: the word keys, sorted, so word order does not matter."""
    words: list[str] = []
    for part in parts:
        words.extend(w for w in re.split(r"[\s\-]+", _ascii(part)) if w)
    keys = sorted({word_key(w) for w in words} - {""})
    return " ".join(keys)
