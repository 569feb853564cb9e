from __future__ import annotations

import datetime as dt

from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Registration")

    def ready(self) -> None:
        from audit.details import add_value_display

        # A registration sent from offline (registration/offline_sync.py): the device's
        # time keeps the device's offset, the server's reads in the server's time zone.
        add_value_display("typed_at", lambda value: _moment(value, local=False))
        add_value_display("arrived_at", lambda value: _moment(value, local=True))
        add_value_display("outcome", _outcome)


OUTCOMES = {"created": _("new record"), "linked": _("linked to an existing record")}


def _moment(value, *, local: bool) -> str:
    try:
        when = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_naive(when):
        return f"{when:%Y-%m-%d %H:%M}"
    if local:
        when = timezone.localtime(when)
    offset = when.strftime("%z")
    return f"{when:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def _outcome(value) -> str:
    return str(OUTCOMES.get(value, value))
