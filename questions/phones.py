"""Phone numbers as written at a border point, normalised to E.164 (+40..., +380...).

Romanian mobiles are written 07xx xxx xxx, Ukrainian numbers 0xx xxx xx xx; both lose
the trunk 0 and gain the country code. Numbers written with + or 00 are kept as they are.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-./()]")
_E164 = re.compile(r"\+[1-9]\d{6,14}")


class InvalidPhone(ValueError):
    pass


def normalise_phone(raw: str) -> str:
    """'0722 123 456' -> '+40722123456'; '050 123 45 67' -> '+380501234567'.

    Raises InvalidPhone for anything that is not a plausible phone number.
    """
    text = _SEPARATORS.sub("", (raw or "").strip())
    if not text:
        return ""
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        number = text
    elif re.fullmatch(r"07\d{8}", text) or re.fullmatch(r"0[23]\d{8}", text):
        # Romanian mobile (07...) and landline (02.../03...) numbers: ten digits.
        number = "+40" + text[1:]
    elif re.fullmatch(r"0[4-9]\d{8}", text):
        # Ukrainian numbers: a trunk 0 and nine digits (050, 063, 067, 093, 044...).
        number = "+380" + text[1:]
    elif re.fullmatch(r"380\d{9}", text) or re.fullmatch(r"40\d{9}", text):
        number = "+" + text
    else:
        raise InvalidPhone(raw)
    if not _E164.fullmatch(number):
        raise InvalidPhone(raw)
    if number.startswith("+40") and len(number) != 12:
        raise InvalidPhone(raw)
    if number.startswith("+380") and len(number) != 13:
        raise InvalidPhone(raw)
    return number
