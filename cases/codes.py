"""Public identifiers: short, random, unambiguous when read aloud or copied by hand."""

import secrets

# No 0/O, 1/I/L: codes are read over the phone between counties.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code(prefix: str, length: int = 7) -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))
