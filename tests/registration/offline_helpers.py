"""Sending a registration queued offline, as the browser's queue does."""

from __future__ import annotations

import uuid

from tests.registration.helpers import post_data

SEND = "/register/offline/send/"
STATE = "/register/offline/state/"
TYPED_AT = "2026-11-30T09:15:00+02:00"


def offline_data(key=None, *, typed_at: str = TYPED_AT, **overrides) -> dict:
    """The online form's fields (a fresh key unless given) and the offline ones."""
    data = post_data(**overrides)
    data.update(
        offline_key=str(key or uuid.uuid4()),
        offline_typed_at=typed_at,
        offline_after=overrides.get("offline_after", ""),
        offline_duplicates=overrides.get("offline_duplicates", ""),
    )
    return data


def send(client, data: dict) -> dict:
    response = client.post(SEND, data)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()
