"""The key that locks a user's unsaved registrations in the browser.

Drafts are kept in the browser's localStorage (a lost connection, an expired session),
encrypted with AES-GCM by static/js/drafts.js under a key of the user's own, which the
server puts in the pages of that user's session only and the browser never stores. On a
shared tablet the next worker's pages carry another key and another storage entry: the
draft of the first is neither offered nor readable to them, and is offered again when the
first logs back in (docs/faults.md).

The key is derived from SECRET_KEY and the user's id, so it needs no table and is the same
on every device and after every login; rotating SECRET_KEY makes old drafts unreadable,
which the browser then discards.
"""

from __future__ import annotations

import base64

from django.utils.crypto import salted_hmac

STORE_PREFIX = "registration-draft:"


def draft_key(user) -> str:
    """A 256-bit AES key, base64url, for this user's drafts."""
    digest = salted_hmac("primero.registration.draft-key", str(user.pk), algorithm="sha256")
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def draft_store(user) -> str:
    """The localStorage entry of this user's drafts: no username in the browser's storage."""
    digest = salted_hmac("primero.registration.draft-store", str(user.pk), algorithm="sha256")
    return STORE_PREFIX + digest.hexdigest()[:24]
