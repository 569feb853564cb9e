"""The session store (SESSION_ENGINE): Django's database sessions, except that a request
which changes nothing in the session writes its new expiry only when the stored one has
fallen more than EXPIRY_SLACK behind.

The idle timeout (SESSION_SAVE_EVERY_REQUEST, accounts/idle.py) pushed the expiry forward
on every request: an UPDATE and a COMMIT, which waits for PostgreSQL to flush its log, on
every page view — under the load test the most frequent write of the application
(issue 14, docs/benchmarks.md "Load test at 1,000,000"). With the slack, a worker clicking
through pages writes their session about once a minute instead.

What stays as it was: the database is the only store, so every web replica reads the same
sessions and a session ended anywhere (logout, a reset second factor, the daily clean-up)
is ended everywhere; a change of the session's data (a login, the second step, a
language) is written at once. What moves: the idle timeout ends a session between
SESSION_COOKIE_AGE minus EXPIRY_SLACK and SESSION_COOKIE_AGE after the last request —
up to a minute early, never late.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends import db

EXPIRY_SLACK = dt.timedelta(seconds=60)


class SessionStore(db.SessionStore):
    # The expiry of the row as this request read it (None: no row read).
    _stored_expiry: dt.datetime | None = None

    def _get_session_from_db(self):
        stored = super()._get_session_from_db()
        self._stored_expiry = stored.expire_date if stored else None
        return stored

    def save(self, must_create: bool = False) -> None:
        if not must_create and not self.modified and self._expiry_nearly_current():
            return
        super().save(must_create)
        self._stored_expiry = None

    def _expiry_nearly_current(self) -> bool:
        self._get_session()  # reads the row, if this request has not yet
        stored, due = self._stored_expiry, self.get_expiry_date()
        # A stored expiry later than due (the idle limit was lowered) is written at once.
        return stored is not None and due - EXPIRY_SLACK <= stored <= due
