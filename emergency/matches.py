"""The way from the registration's duplicate panel to emergency access, without telling
the page anything about the match: the link carries a random token, and the case it
stands for stays in the user's session (roles.md: the panel says which county, no more)."""

from __future__ import annotations

import secrets

SESSION_KEY = "emergency_matches"
KEEP = 20


def remember(request, child_code: str) -> str:
    matches = dict(request.session.get(SESSION_KEY, {}))
    for token, code in matches.items():
        if code == child_code:
            return token
    token = secrets.token_urlsafe(12)
    matches[token] = child_code
    request.session[SESSION_KEY] = dict(list(matches.items())[-KEEP:])
    return token


def resolve(request, token: str) -> str | None:
    return request.session.get(SESSION_KEY, {}).get(token)
