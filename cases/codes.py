"""Public identifiers: short, random, unambiguous when read aloud or copied by hand."""

import secrets

from django.db import IntegrityError, router, transaction

# No 0/O, 1/I/L: codes are read over the phone between counties.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_BASE = len(ALPHABET)


class DrawnCode(str):
    """A code drawn here, not typed by a person (a provider's code from its spreadsheet)
    nor read from the database: the one kind FreshCodeOnClash may draw again."""

    __slots__ = ()


def new_code(prefix: str, length: int = 7) -> str:
    # One draw from the OS per code, not one per character: an import of 35,000
    # children draws about 110,000 codes (children, caregivers, households, referrals),
    # and a draw per character was a second of its CPU. Same uniform distribution.
    number = secrets.randbelow(_BASE**length)
    chars = []
    for _ in range(length):
        number, digit = divmod(number, _BASE)
        chars.append(ALPHABET[digit])
    return DrawnCode(prefix + "".join(chars))


class FreshCodeOnClash:
    """A model whose `code` field is drawn by new_code: when the database refuses a new
    row because the code drawn for it is taken, the code is drawn again and the row saved
    again.

    31^7 codes are plenty, not a guarantee: with a million cases one new case in about
    27,000 draws a taken code, and that registration failed with a server error (issue 14,
    the load test). The insert runs in a savepoint, so a refused one leaves the caller's
    transaction usable. A code set by hand (DrawnCode tells them apart) and any other
    unique value (a submission token sent twice) are refused as before. Bulk writes draw
    again before they write (cases.bulk.unique_codes).
    """

    CODE_DRAWS = 5

    def save(self, *args, **kwargs):
        if not self._state.adding or not isinstance(self.code, DrawnCode):
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        for _draw in range(self.CODE_DRAWS - 1):
            try:
                with transaction.atomic(using=using):
                    return super().save(*args, **kwargs)
            except IntegrityError:
                if not type(self)._base_manager.using(using).filter(code=self.code).exists():
                    raise
                self.code = self._meta.get_field("code").get_default()
        with transaction.atomic(using=using):
            return super().save(*args, **kwargs)
