"""The text of the notification e-mails: the case code and a link, nothing personal.

A child's name, date of birth or address never goes into an e-mail (mailboxes are copied,
forwarded and kept for years); the recipient follows the link and logs in to see more.
Colleagues are not named either: the link leads to who did what.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.preferences import MANDATORY, EmailKind
from cases.models import Notification


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _language(user) -> str:
    # The language the user chose (accounts.language) when there is one, else the site's.
    return user.language or settings.LANGUAGE_CODE


def _link(notification: Notification) -> str:
    code = notification.child.code
    if notification.kind == EmailKind.TRANSFER_REQUESTED:
        return absolute(reverse("cases:accept_transfer", kwargs={"code": code}))
    if notification.kind == EmailKind.EMERGENCY_ACCESS:
        # The review list of the emergency app (a URL name, not an import: cases is below).
        return absolute(reverse("emergency:list"))
    return absolute(reverse("cases:detail", kwargs={"code": code}) + "#workflow")


def _message(user, template: str, context: dict) -> EmailMessage:
    with translation.override(_language(user)):
        context = {**context, "user": user, "profile_url": absolute(reverse("profile"))}
        subject = render_to_string(f"cases/email/{template}_subject.txt", context)
        body = render_to_string(f"cases/email/{template}.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()), body=body.strip() + "\n", to=[user.email]
    )


def render(notification: Notification) -> EmailMessage:
    return _message(
        notification.recipient,
        "notification",
        {
            "kind": notification.kind,
            "code": notification.child.code if notification.child_id else "",
            "link": _link(notification),
            "transfer": notification.transfer,
            "closure": notification.closure,
            # The object, not its name: the name is read in the recipient's language.
            "county": notification.child.current_county if notification.child_id else None,
            "mandatory": notification.kind in MANDATORY,
        },
    )


def send(notification: Notification) -> None:
    render(notification).send(fail_silently=False)


def render_digest(user, day, cases, total: int) -> EmailMessage:
    return _message(
        user,
        "digest",
        {
            "day": day,
            "total": total,
            "rows": [(c.code, c.next_follow_up_due, absolute(c.get_absolute_url())) for c in cases],
            "more": total - len(cases),
            "todo_url": absolute(reverse("cases:todo", kwargs={"section": "follow-ups"})),
        },
    )


def send_digest(user, day, cases, total: int) -> None:
    render_digest(user, day, cases, total).send(fail_silently=False)
