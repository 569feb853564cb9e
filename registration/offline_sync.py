"""Registrations typed offline, stored exactly once however often they are sent.

The browser gives each queued registration a key (a UUID) and sends it until the server
answers; a send may be retried after a lost answer, repeated from a second tab, or
arrive twice at the same moment. The key is claimed first, by inserting the row of
OfflineSubmission in a savepoint: PostgreSQL's unique index makes a second insert of the
same key wait for the first transaction and then fail, and the second send answers with
the first one's child. A check before inserting would let both through.

    register_offline(key, user, typed_at=..., data=..., ...) -> Stored
    link_offline(key, user, child, typed_at=...) -> Stored
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.log import record
from audit.models import Action
from cases.models import Caregiver, Child, Household
from registration.models import OfflineSubmission, PendingSibling
from registration.services import register_from_form


@dataclass(frozen=True)
class Stored:
    submission: OfflineSubmission
    # True: the key was stored by an earlier send; nothing was created by this one.
    replayed: bool


def stored_submission(key: uuid.UUID) -> OfflineSubmission | None:
    return OfflineSubmission.objects.select_related("child").filter(key=key).first()


def _claim(key: uuid.UUID, user, typed_at: dt.datetime) -> OfflineSubmission | None:
    """The new row of the key, or None when an earlier send holds it (committed: a
    concurrent send's insert waits here until that one commits or rolls back)."""
    try:
        with transaction.atomic():
            return OfflineSubmission.objects.create(
                key=key, user=user, typed_at=typed_at, arrived_at=timezone.now()
            )
    except IntegrityError:
        return None


def _finish(submission: OfflineSubmission, child: Child, *, linked: bool, request) -> Stored:
    submission.child = child
    submission.linked = linked
    submission.save(update_fields=["child", "linked"])
    record(
        submission.user,
        Action.OFFLINE_SYNC,
        obj=child,
        request=request,
        offline_key=str(submission.key),
        typed_at=submission.typed_at.isoformat(),
        arrived_at=submission.arrived_at.isoformat(),
        outcome="linked" if linked else "created",
    )
    return Stored(submission, replayed=False)


@transaction.atomic
def register_offline(
    key: uuid.UUID,
    user,
    *,
    typed_at: dt.datetime,
    data: dict[str, Any],
    caregiver: Caregiver | None = None,
    household: Household | None = None,
    sibling: PendingSibling | None = None,
    accompanying_children: Sequence[dict[str, Any]] = (),
    request=None,
) -> Stored:
    """Register the child of a registration typed offline (validated like the online
    form), once per key: register_from_form, with the key's row and an audit event of
    when it was typed and when it arrived, all in one transaction."""
    submission = _claim(key, user, typed_at)
    if submission is None:
        return Stored(OfflineSubmission.objects.select_related("child").get(key=key), True)
    child = register_from_form(
        data,
        user,
        # The child's own double-submit token: the form's would be the same for every
        # entry typed in one cached page.
        submission_token=uuid.uuid4(),
        caregiver=caregiver,
        household=household,
        sibling=sibling,
        accompanying_children=accompanying_children,
        request=request,
    )
    return _finish(submission, child, linked=False, request=request)


@transaction.atomic
def link_offline(
    key: uuid.UUID, user, child: Child, *, typed_at: dt.datetime, request=None
) -> Stored:
    """The worker said that the child typed offline is this existing one (a possible
    duplicate shown at sending time): nothing is created, the key is done. The caller
    checks that the user may open `child`."""
    submission = _claim(key, user, typed_at)
    if submission is None:
        return Stored(OfflineSubmission.objects.select_related("child").get(key=key), True)
    return _finish(submission, child, linked=True, request=request)
