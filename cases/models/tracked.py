"""What django-simple-history reads from an instance when it is saved, declared for the
type checker: services set these right before save() (who made the change, why, or that
this save writes no history row). Nothing is stored on the class or in the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User


class TracksHistory:
    _history_user: User | None
    _change_reason: str | None
    skip_history_when_saving: bool
