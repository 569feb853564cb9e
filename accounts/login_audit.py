"""Logins, logouts and failed logins in the audit log, with the client's address
(audit.log.client_ip). Connected to Django's own signals (AccountsConfig.ready), so that the
login page, the admin's login page and any future way in are all written.

A failed login names the account when the username is a real one. Otherwise what was typed
is not stored: it is often a person's own name or e-mail, or someone else's, and the audit log
can never be edited or cleared. A keyed hash (HMAC with SECRET_KEY) of it is stored instead,
so that an investigator can still see the same text tried many times (password guessing) or
check a suspected value, while the log itself reveals nothing.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from audit.log import record
from audit.models import Action

from .middleware import mark_session_start
from .models import User

UNKNOWN_USER = "(unknown)"  # never a username: Django's usernames allow no parentheses


def typed_username_hash(typed: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), typed.strip().lower().encode(), hashlib.sha256
    ).hexdigest()
    return digest[:16]


def on_logged_in(sender, request, user, **kwargs) -> None:
    if request is None:
        return
    mark_session_start(request)
    record(user, Action.LOGIN, obj=user, request=request)


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is None or request is None:
        return
    reason = getattr(request, "logout_reason", "logout")
    record(user, Action.LOGOUT, obj=user, request=request, reason=reason)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    typed = str((credentials or {}).get(User.USERNAME_FIELD) or "")
    locked = bool(getattr(request, "axes_locked_out", False))
    account = User.objects.filter(username=typed).first() if 0 < len(typed) <= 150 else None
    if account is not None:
        # Nobody is logged in: the account is the object, not the actor.
        record(
            None,
            Action.LOGIN_FAILED,
            obj=account,
            request=request,
            actor_label=account.username,
            locked=locked,
        )
    else:
        record(
            None,
            Action.LOGIN_FAILED,
            request=request,
            actor_label=UNKNOWN_USER,
            typed_username_hash=typed_username_hash(typed),
            locked=locked,
        )
