"""{% offline_attrs %} and {% offline_strings %}: what static/js/offline.js reads from the
header of a signed-in page: who the queue belongs to (an opaque tag and the username the
login script derived the key with), where to send, and its words in the page's language
(the project has no JavaScript catalogue: the strings are rendered here, translated)."""

from __future__ import annotations

import functools

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, json_script
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registration.offline_device import owner_tag

register = template.Library()


def _url(name: str, fallback: str) -> str:
    # The send and state endpoints belong to the server part of offline registration
    # (offline-contract.md): their paths are the contract's until the names exist.
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


@register.simple_tag(takes_context=True)
def offline_attrs(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    form = reverse("registration:offline_form", kwargs={"lang": "xx"}).replace("/xx/", "/{lang}/")
    return format_html(
        'data-owner="{}" data-username="{}" data-state-url="{}" data-send-url="{}" '
        'data-form-url="{}" data-sw-url="{}" data-register-url="{}" data-password-done-url="{}"',
        owner_tag(user),
        user.get_username(),
        _url("registration:offline_state", "/register/offline/state/"),
        _url("registration:offline_send", "/register/offline/send/"),
        form,
        reverse("service_worker"),
        reverse("registration:register"),
        reverse("password_change_done"),
    )


def strings() -> dict[str, str]:
    return {
        "online": _("Online"),
        "offline": _("Offline"),
        "waiting_one": _("1 registration waits to be sent"),
        "waiting_many": _("{count} registrations wait to be sent"),
        "none_waiting": _("Nothing waits to be sent"),
        "attention": _("{count} need your attention"),
        "locked": _(
            "Registrations saved on this device are locked: log in again (online) to send them."
        ),
        "sending": _("Sending…"),
        "sent": _("Sent: {ref} is now the case"),
        "linked": _("Not registered again, as you chose: {ref} is the case"),
        "send_failed": _("The connection failed: the registrations stay on this device."),
        "login_needed": _("Your session has ended: log in again to send the registrations."),
        "refused": _("Refused by the server: fix it and save it again."),
        "duplicates": _("Possible duplicates were found: choose before it is sent."),
        "waits_for_earlier": _("Waits for the earlier child of the household to be sent."),
        "queued": _("Waits to be sent."),
        "open_to_fix": _("Open it to fix"),
        "confirm_new": _("This is a new child"),
        "link_to": _("It is this child: {code}"),
        "not_visible": _("(a case you cannot open)"),
        "typed_at": _("Typed on this device at {time}"),
        "queue_title": _("Registrations saved on this device"),
        "close": _("Close"),
        "saved_title": _("Saved on this device"),
        "saved_text": _(
            "Write the provisional reference {ref} on the family's slip. The registration "
            "is encrypted on this device and is sent when the connection returns."
        ),
        "next_child": _("Register another child of this household"),
        "register_sibling": _("Register {name}"),
        "new_family": _("Register a new family"),
        "not_offline": _("Not available without a connection."),
        "form_errors": _(
            "Some answers need attention: see the messages next to the questions. "
            "Nothing you typed was lost."
        ),
        "fixing": _("You are fixing the registration {ref}: save it to send it again."),
        "no_key": _(
            "This device cannot keep registrations for you: log out and log in again "
            "(the key is made from your password at login)."
        ),
        "logout_warning": _(
            "{count} registration(s) typed on this device have not been sent yet. They stay "
            "on this device, encrypted, and are sent when you log in again online. Log out?"
        ),
        "recent_hint": _("You registered a child with this name recently: {cases}"),
        "recorded_only": _("Registered by someone else, not by you"),
    }


@register.simple_tag
def offline_strings() -> str:
    return _strings_script(get_language())


@functools.lru_cache(maxsize=8)
def _strings_script(language: str) -> str:
    # On every signed-in page; the catalogues change only with a new release (a restart).
    return json_script(strings(), "offline-strings")
