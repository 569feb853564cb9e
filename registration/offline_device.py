"""Whose queue of offline registrations is whose, on a shared tablet.

Each entry of the browser's queue carries the tag of the worker who typed it: an opaque
value (no username in the browser's storage), the same on every device and after every
login, so that a worker's queue restarts after logging in again and another worker is
never shown it. What protects the entries is not the tag but the encryption, under a key
derived from the worker's password in the browser (docs/offline.md).
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac


def owner_tag(user) -> str:
    digest = salted_hmac("primero.registration.offline-owner", str(user.pk), algorithm="sha256")
    return digest.hexdigest()[:24]
