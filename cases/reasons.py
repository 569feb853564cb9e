"""Why a case changed: a stable code kept in the history, a sentence in the reader's language.

The services save `history_change_reason` as a code with arguments that are codes too
("follow_up risk=high", "transfer code=T-1 from=RO-TM to=RO-SV"); the case page turns it
into a translated sentence at display time. Reasons written before the codes (English
sentences such as "follow-up recorded (risk high)") are read as well.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from lookups import registry

MAX_LENGTH = 100


def encode(reason: str, /, **args: str) -> str:
    """The stored reason: the code, then key=value pairs (codes only, no spaces)."""
    parts = [reason, *(f"{k}={str(v).replace(' ', '_')}" for k, v in args.items() if v != "")]
    return " ".join(parts)[:MAX_LENGTH]


# English reasons saved before the codes: pattern -> (code, argument names).
_LEGACY = [
    (re.compile(r"^follow-up recorded \(risk (\w*)\)$"), "follow_up", ("risk",)),
    (re.compile(r"^assessment recorded \(risk (\w*)\)$"), "assessment", ("risk",)),
    (re.compile(r"^case closed \((\w*)\)$"), "closed", ("reason",)),
    (re.compile(r"^case assigned$"), "assigned", ()),
    (re.compile(r"^assignment cleared$"), "unassigned", ()),
    (re.compile(r"^assignment cleared with the share$"), "unassigned_shared", ()),
    (re.compile(r"^case reopened$"), "reopened", ()),
    (re.compile(r"^referred to services$"), "referred", ()),
    (re.compile(r"^transfer (\S+) (\S+) -> (\S+)$"), "transfer", ("code", "from", "to")),
    (re.compile(r"^edit: (.*)$"), "edit", ("fields",)),
    (re.compile(r"^consent_share_providers recorded$"), "consent_providers", ()),
]


def decode(stored: str | None) -> tuple[str, dict[str, str]]:
    """(code, arguments) of a stored reason, new or legacy; ("", {}) if none."""
    stored = (stored or "").strip()
    if not stored:
        return "", {}
    for pattern, code, names in _LEGACY:
        match = pattern.match(stored)
        if match:
            args = dict(zip(names, match.groups(), strict=True))
            if code == "edit":
                args["fields"] = ",".join(args["fields"].split())
            return code, args
    code, *pairs = stored.split(" ")
    args = {}
    for pair in pairs:
        key, _sep, value = pair.partition("=")
        args[key] = value
    return code, args


def _field_labels(fields: str) -> str:
    from cases.labels import field_label

    return ", ".join(field_label(f) for f in fields.split(",") if f)


def describe(stored: str | None) -> str:
    """The reason as a sentence in the active language ("" for none)."""
    code, args = decode(stored)
    if not code:
        return ""
    risk = registry.label("risk_level", args.get("risk", "")) if args.get("risk") else ""
    if code == "follow_up":
        if risk:
            return _("follow-up recorded (risk %(risk)s)") % {"risk": risk}
        return _("follow-up recorded")
    if code == "assessment":
        return _("assessment recorded (risk %(risk)s)") % {"risk": risk or "—"}
    if code == "closed":
        reason = registry.label("closure_reason", args.get("reason", ""))
        return _("case closed (%(reason)s)") % {"reason": reason}
    if code == "transfer":
        return _("transfer %(code)s from %(from)s to %(to)s") % {
            "code": args.get("code", ""),
            "from": registry.label("county", args.get("from", "")),
            "to": registry.label("county", args.get("to", "")),
        }
    if code == "anonymised":
        from cases.models import AnonymisationReason

        reason = args.get("reason", "")
        label = AnonymisationReason(reason).label if reason in AnonymisationReason else ""
        if label:
            return _("personal data removed (%(reason)s)") % {"reason": label}
        return _("personal data removed")
    if code == "edit":
        return _("answers edited: %(fields)s") % {"fields": _field_labels(args.get("fields", ""))}
    simple = {
        "assigned": _("case assigned"),
        "unassigned": _("assignment cleared"),
        "unassigned_shared": _("assignment cleared with the share"),
        "reopened": _("case reopened"),
        "referred": _("referred to services"),
        "consent_providers": _("consent to share with service providers recorded"),
    }
    if code in simple:
        return simple[code]
    # An unknown code (a future one, or another app's free sentence): shown as stored.
    return str(stored)
