"""The shapes of the catalogue: a question, the condition that shows it, a rule, an issue.

Pure data and small functions: no models, no forms. The entry points (the registration
form, the case edit forms, the import) parse their input into answers keyed by question
code and ask the catalogue what is wrong with them (questions.check).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Answers = Mapping[str, Any]


def given(value: Any) -> bool:
    """An answer was given (False, for a yes/no question, is an answer)."""
    return value not in (None, "", [], ())


def as_code(value: Any) -> Any:
    """Yes/no answers compared as the codes of the spec ("yes"/"no"), whatever the
    entry point parsed them to (a form keeps the string, the import and the edit forms
    a boolean)."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


@dataclass(frozen=True)
class Condition:
    """When a conditional question is shown (and, if the question says so, required).

    op "in": the other answer is one of values; "not_in": it is given and not one of
    values; "any": the other (multiple) answer has at least one code.
    text is the condition in words, for messages ("Required when ..."); marked with
    gettext_noop so that an import issue stored as data is translated when read.
    """

    question: str
    op: str
    values: tuple[str, ...] = ()
    text: str = ""

    def holds(self, answers: Answers) -> bool:
        value = as_code(answers.get(self.question))
        if self.op == "any":
            return bool(value)
        if not given(value):
            return False
        if self.op == "in":
            return value in self.values
        return value not in self.values

    def as_json(self) -> dict[str, Any]:
        return {"field": self.question, "op": self.op, "values": list(self.values)}


@dataclass(frozen=True)
class Issue:
    """What is wrong with one answer: the question, a message code and its parameters
    (codes, dates as ISO text, numbers: data, translated only when shown)."""

    question: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    # The other questions the rule read (an edit reports it on one of them when the
    # question itself is in another section).
    reads: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    """What a rule may know besides the answers."""

    today: dt.date


# A rule returns None when the answers are fine, else the message code's parameters.
Check = Callable[[Answers, Context], dict[str, Any] | None]


@dataclass(frozen=True)
class Rule:
    """One rule of registration.md: checked on the answers, reported on `question`.

    reads: the other questions it needs; the rule is not checked while one of them is
    missing or itself wrong (one message per mistake), and an edit of a section that
    holds one of them but not `question` reports the message there instead.
    """

    code: str
    check: Check
    reads: tuple[str, ...] = ()
    # With consent only (the anonymous record keeps no caregiver, no justification...).
    consent_only: bool = False
    # Where the rule is checked: the three entry points unless the rule says why not.
    entry_points: frozenset[str] = frozenset({"form", "edit", "import"})
    question: str = ""  # set by the catalogue


@dataclass(frozen=True)
class Question:
    code: str
    section: str  # A-F of registration.md
    number: int  # its number in registration.md
    label: Any  # lazy text, the question as asked
    kind: str  # date, line, text, choice, multi, yesno, country, nationality, phone, group
    lookup: str = ""  # the lookups list of choice and multi questions
    required: bool = False  # "R" of the spec (with consent)
    when: Condition | None = None  # shown only when this holds
    required_when: bool = False  # required when `when` holds ("cond." of the spec)
    # Personal: dropped by an anonymous record (registration.md, the consent rule).
    personal: bool = True
    # Asked without consent although dropped (the date of birth gives the age group).
    asked_anonymous: bool = False
    max_length: int | None = None
    rules: tuple[Rule, ...] = ()
    # Kept on the caregiver (a person of their own) under this attribute name.
    caregiver_attr: str = ""
    # Not a column of children.csv (caregiver persons are in caregivers.csv, the groups
    # are registrations of their own).
    in_children_file: bool = True
    default: str = ""  # stored when left empty (nationality: UA)
    # Shared by the children of a household: pre-filled for the next child's registration.
    household: bool = False
    import_help: object = None  # the column's description when it differs from the label

    @property
    def asked_without_consent(self) -> bool:
        return not self.personal or self.asked_anonymous
