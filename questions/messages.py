"""One message per rule, keyed by the rule's code, in the user's language.

Issues carry the code and parameters as data (an import preview is stored and read
later, maybe in another language); the text is made when shown.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "required": _("This field is required."),
    "required_when": _("Required when %(condition)s."),
    "only_when": _("Must be empty unless %(condition)s."),
    "in_future": _("The date cannot be in the future."),
    "before_war": _("The date cannot be before 24 February 2022."),
    "entry_after_interview": _("The date of entry cannot be after the date of the interview."),
    "birth_after_interview": _("The date of birth cannot be after the date of the interview."),
    "child_adult": _("The child must be under 18 on the date of the interview."),
    "caregiver_minor": _("The caregiver must be 18 or older."),
    "date_out_of_range": _("Enter a date between %(min)s and %(max)s."),
    "latin_script": _(
        "Write the name in Latin letters, as the family spells it; the spelling "
        "of the documents (e.g. Cyrillic) goes in the full name as written in the "
        "child's documents."
    ),
    "bad_phone": _("Enter a phone number such as 0722 123 456, 050 123 45 67 or +49 151 234 5678."),
    "uasc_mismatch": _("With this care arrangement the child is: %(allowed)s."),
    "destination_ro_ua": _("The country of destination cannot be Romania or Ukraine."),
    "risk_high_reason": _("Explain why the risk level is high."),
    "risk_other_reason": _(
        "Explain why you chose another level than the suggested one (%(level)s)."
    ),
}


def _shown(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as people read them: labels for codes, dates in ISO form."""
    from lookups import registry

    shown = dict(params)
    if isinstance(shown.get("condition"), str):
        # Conditions in words are marked with gettext_noop in the catalogue.
        shown["condition"] = gettext(shown["condition"])
    if "allowed" in shown:
        shown["allowed"] = " / ".join(
            registry.label("uasc_status", code) for code in shown["allowed"]
        )
    if "level" in shown:
        shown["level"] = registry.label("risk_level", shown["level"])
    return shown


def render(code: str, params: dict[str, Any] | None = None) -> str:
    text = str(MESSAGES[code])
    return text % _shown(params) if params else text
