"""What is wrong with a set of answers, by the catalogue: required questions, the
conditions, and the rules of each question. One function for every entry point.

The import runs it on every row (35,000 children): the per-question facts are read once
here, and the loop does no more than dictionary lookups for a valid row.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from functools import cache

from .catalogue import QUESTIONS
from .model import Answers, Context, Issue, Question

_EMPTY = (None, "", [], ())


def _plan(questions: Iterable[Question]):
    asked = []
    ruled = []
    for q in questions:
        if q.kind == "group":
            continue
        asked.append((q.code, q.when, q.required, q.required_when, q.asked_without_consent))
        if q.rules:
            ruled.append((q.code, q.asked_without_consent, q.rules))
    return tuple(asked), tuple(ruled)


_ALL = _plan(QUESTIONS)


@cache
def _plan_of(codes: tuple[str, ...]):
    from .catalogue import QUESTIONS as ALL

    by_code = {q.code: q for q in ALL}
    return _plan(by_code[code] for code in codes)


def check(
    answers: Answers,
    ctx: Context,
    *,
    consented: bool = True,
    questions: Iterable[Question] | None = None,
    wrong: Collection[str] = (),
    present: Collection[str] | None = None,
) -> list[Issue]:
    """The issues of the answers (keyed by question code, parsed to dates, booleans or
    codes, lists for multiple answers).

    wrong: questions whose answer the entry point already refused (not parsable, unknown
    code): no second message on them, and no rule reading them is checked.
    present: the questions the entry point asks (an import file may leave out optional
    columns; a section form asks its section); None means all. A rule of a question not
    present is still checked when it reads a present one (an edit of the interview date
    that makes the child 18).
    consented: without consent only the questions asked anyway are checked.
    """
    asked, ruled = _ALL if questions is None else _plan_of(tuple(q.code for q in questions))
    issues: list[Issue] = []
    bad = set(wrong)
    for code, when, required, required_when, anonymous_too in asked:
        if code in bad or (present is not None and code not in present):
            continue
        if not (consented or anonymous_too):
            continue
        value = answers.get(code)
        if when is not None and when.question not in bad:
            holds = when.holds(answers)
            if holds:
                if required_when and value in _EMPTY:
                    issues.append(Issue(code, "required_when", {"condition": when.text}))
                    bad.add(code)
                    continue
            elif value not in _EMPTY and (
                when.op == "any" or answers.get(when.question) not in _EMPTY
            ):
                issues.append(Issue(code, "only_when", {"condition": when.text}))
                bad.add(code)
                continue
        if required and value in _EMPTY:
            issues.append(Issue(code, "required"))
            bad.add(code)
    for code, anonymous_too, rules in ruled:
        if code in bad or not (consented or anonymous_too):
            continue
        for rule in rules:
            if rule.consent_only and not consented:
                continue
            if (
                present is not None
                and code not in present
                and not any(name in present for name in rule.reads)
            ):
                continue
            if rule.reads and any(name in bad for name in rule.reads):
                continue
            params = rule.check(answers, ctx)
            if params is not None:
                issues.append(Issue(code, rule.code, params, rule.reads))
                # One message per answer. A broken rule does not add the question to
                # `bad`: an interview date in the future still shows an adult's date of
                # birth in the same submit.
                break
    return issues
