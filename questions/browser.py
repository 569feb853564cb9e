"""The catalogue's checks as data for the browser, which validates a registration saved
without a connection before queuing it (static/js/offline-checks.js).

Only what the catalogue declares as data travels: which questions are required (always,
or while their condition holds: the condition itself is conditions_data()), which must
stay empty unless their condition holds, which are asked without consent, and the
longest answer accepted. The messages are the catalogue's own, rendered in the page's
language. The rules that are functions of the answers (date bounds, ages, the care
arrangement) are not restated in JavaScript: the server checks them when the queued
registration is sent, and a refusal keeps it in the queue with the messages, to be fixed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from . import messages
from .catalogue import QUESTIONS


def _too_long(limit: int) -> str:
    """Django's own message for the limit, as the form shows it; the browser puts the
    length typed in place of COUNT."""
    try:
        MaxLengthValidator(limit)("x" * (limit + 1))
    except ValidationError as error:
        return error.messages[0].replace(str(limit + 1), "{count}")
    return ""


def checks_data() -> dict[str, dict[str, Any]]:
    """Per question code: what the browser checks, with its messages (call it while the
    page's language is active)."""
    data: dict[str, dict[str, Any]] = {}
    for q in QUESTIONS:
        if q.kind == "group":
            continue
        entry: dict[str, Any] = {
            "required": q.required,
            "anonymous": q.asked_without_consent,
            "messages": {"required": messages.render("required")},
        }
        if q.when is not None:
            entry["when"] = True
            entry["required_when"] = q.required_when
            params = {"condition": q.when.text}
            entry["messages"]["required_when"] = messages.render("required_when", params)
            entry["messages"]["only_when"] = messages.render("only_when", params)
        if q.max_length:
            entry["max_length"] = q.max_length
            # Django's own message for the same limit, as the form shows it.
            entry["messages"]["max_length"] = _too_long(q.max_length)
        data[q.code] = entry
    return data
