"""What is wrong with a set of answers, by the catalogue: required questions, the
conditions, and the rules of each question. One function for every entry point."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from .catalogue import QUESTIONS
from .model import Answers, Context, Issue, Question, given


def _asked(question: Question, consented: bool) -> bool:
    return consented or question.asked_without_consent


def check(
    answers: Answers,
    ctx: Context,
    *,
    consented: bool = True,
    questions: Iterable[Question] = QUESTIONS,
    wrong: Collection[str] = (),
    present: Collection[str] | None = None,
) -> list[Issue]:
    """The issues of the answers (keyed by question code, parsed to dates, booleans or
    codes, lists for multiple answers).

    wrong: questions whose answer the entry point already refused (not parsable, unknown
    code): no second message on them, and no rule reading them is checked.
    present: the questions the entry point asks (an import file may leave out optional
    columns; a section form asks its section); None means all.
    consented: without consent only the questions asked anyway are checked.
    """
    issues: list[Issue] = []
    bad = set(wrong)
    present = set(present) if present is not None else None
    for q in questions:
        code = q.code
        if code in bad or (present is not None and code not in present):
            continue
        if q.kind == "group" or not _asked(q, consented):
            continue
        value = answers.get(code)
        if q.when is not None and q.when.question not in bad:
            holds = q.when.holds(answers)
            if holds and q.required_when and not given(value):
                issues.append(Issue(code, "required_when", {"condition": q.when.text}))
                bad.add(code)
                continue
            if (
                not holds
                and given(value)
                and (given(answers.get(q.when.question)) or q.when.op == "any")
            ):
                issues.append(Issue(code, "only_when", {"condition": q.when.text}))
                bad.add(code)
                continue
        if q.required and not given(value):
            issues.append(Issue(code, "required"))
            bad.add(code)
            continue
    for q in questions:
        if q.code in bad or not _asked(q, consented):
            continue
        for rule in q.rules:
            if rule.consent_only and not consented:
                continue
            if present is not None and q.code not in present and not present & set(rule.reads):
                continue
            if any(name in bad for name in rule.reads):
                continue
            params = rule.check(answers, ctx)
            if params is not None:
                issues.append(Issue(q.code, rule.code, params, rule.reads))
                # One message per answer. A broken rule does not add the question to
                # `bad`: an interview date in the future still shows an adult's date of
                # birth in the same submit.
                break
    return issues
