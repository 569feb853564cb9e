"""Public identifiers: short, random, unambiguous when read aloud or copied by hand."""

import secrets

# No 0/O, 1/I/L: codes are read over the phone between counties.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_BASE = len(ALPHABET)


def new_code(prefix: str, length: int = 7) -> str:
    # One draw from the OS per code, not one per character: an import of 35,000
    # children draws about 110,000 codes (children, caregivers, households, referrals),
    # and a draw per character was a second of its CPU. Same uniform distribution.
    number = secrets.randbelow(_BASE**length)
    chars = []
    for _ in range(length):
        number, digit = divmod(number, _BASE)
        chars.append(ALPHABET[digit])
    return prefix + "".join(chars)
