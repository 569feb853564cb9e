"""The changes of a case's referrals, as entries of the case history (registered with
cases.history in ReferralsConfig.ready: cases does not import referrals)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from cases.case_records import has
from cases.history import Change, Entry
from cases.models import Child
from lookups import registry

from .models import Referral, ServiceProvider

# Referral columns that are bookkeeping, not something that happened.
_REFERRAL_HIDDEN = ["updated_at", "updated_by", "created_at", "created_by", "child", "code"]
_REFERRAL_LISTS = {"status": "referral_status", "service_type": "service_type"}


def _referral_value(code: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if code in _REFERRAL_LISTS:
        return registry.label(_REFERRAL_LISTS[code], str(value))
    if code == "provider":
        provider = ServiceProvider.objects.filter(pk=value).first()
        return provider.name if provider else str(value)
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def referral_history(child: Child) -> list[Entry]:
    """The saved versions of the child's referrals, as entries of the case history."""
    if not has(child, "referral_history"):
        return []
    records = list(
        Referral.history.filter(child_id=child.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    entries = []
    previous = None
    for rec in records:
        user = rec.history_user
        service = registry.label("service_type", rec.service_type)
        if rec.history_type == "+":
            reason = _("referral %(code)s created (%(service)s)")
        elif rec.history_type == "-":
            reason = _("referral %(code)s deleted (%(service)s)")
        else:
            reason = _("referral %(code)s changed (%(service)s)")
        entry = Entry(
            at=rec.history_date,
            who=(user.get_full_name() or user.username) if user else _("system"),
            kind=rec.history_type,
            reason=reason % {"code": rec.code, "service": service},
            version=None,
            subject="referral",
        )
        if previous is not None and previous.id == rec.id and rec.history_type == "~":
            delta = rec.diff_against(
                previous, excluded_fields=_REFERRAL_HIDDEN, foreign_keys_are_objs=False
            )
            entry.changes = [
                Change(
                    c.field,
                    str(Referral._meta.get_field(c.field).verbose_name).capitalize(),
                    _referral_value(c.field, c.old),
                    _referral_value(c.field, c.new),
                )
                for c in delta.changes
            ]
        entries.append(entry)
        previous = rec
    return entries
