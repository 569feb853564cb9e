"""The question catalogue of shared/spec/registration.md (see docs/catalogue.md).

A low-level package: pure Python and Django, importing only `lookups`; every app that
asks, checks, stores or shows a question imports it downwards.

    from questions import BY_CODE, QUESTIONS, SECTIONS, check, Context
    BY_CODE["entry_date"].rules          # its rules, each with a message code
    check(answers, Context(today))       # -> [Issue(question, code, params), ...]
    messages.render(issue.code, issue.params)  # the one message, in the user's language
"""

from __future__ import annotations

from .catalogue import QUESTIONS, SECTIONS, TEXT_MAX
from .check import check
from .model import Condition, Context, Issue, Question, Rule, as_code, given

BY_CODE: dict[str, Question] = {q.code: q for q in QUESTIONS}

# Kept on the caregiver (a person of their own): question code -> Caregiver attribute.
CAREGIVER_ATTRS: dict[str, str] = {q.code: q.caregiver_attr for q in QUESTIONS if q.caregiver_attr}
# The lookups list of each coded answer.
LOOKUPS: dict[str, str] = {q.code: q.lookup for q in QUESTIONS if q.lookup}
# Questions whose answer only exists when another answer holds (code -> condition).
CONDITIONS: dict[str, Condition] = {q.code: q.when for q in QUESTIONS if q.when}
# What an anonymous record keeps (registration.md, the consent rule); consent itself is
# stored as False by register_child, not copied.
ANONYMOUS_FIELDS = frozenset(
    q.code for q in QUESTIONS if not q.personal and q.code != "consent_registration"
)
# Not asked without consent (the form hides them; the answers would be dropped).
PERSONAL_FIELDS = tuple(q.code for q in QUESTIONS if not q.asked_without_consent)


def section_codes(letter: str) -> list[str]:
    return [q.code for q in QUESTIONS if q.section == letter]


def label(code: str) -> str:
    return str(BY_CODE[code].label)


def all_rules() -> list[Rule]:
    """Every rule of the catalogue, each with its question (for the parity test)."""
    import dataclasses

    return [dataclasses.replace(rule, question=q.code) for q in QUESTIONS for rule in q.rules]


def conditions_data() -> dict[str, dict]:
    """The conditions as data for the registration page's script (json_script)."""
    return {code: cond.as_json() for code, cond in CONDITIONS.items()}


def required_when_data() -> list[str]:
    """The questions required while their condition holds, for the page's script: it
    marks them required when the condition (conditions_data) holds."""
    return [q.code for q in QUESTIONS if q.required_when and q.when]


__all__ = [
    "ANONYMOUS_FIELDS",
    "BY_CODE",
    "CAREGIVER_ATTRS",
    "CONDITIONS",
    "LOOKUPS",
    "PERSONAL_FIELDS",
    "QUESTIONS",
    "SECTIONS",
    "TEXT_MAX",
    "Condition",
    "Context",
    "Issue",
    "Question",
    "Rule",
    "all_rules",
    "as_code",
    "check",
    "conditions_data",
    "given",
    "label",
    "required_when_data",
    "section_codes",
]
