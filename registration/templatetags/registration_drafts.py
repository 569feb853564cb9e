"""{% draft_attrs %}: the data attributes static/js/drafts.js reads (the signed-in user's
draft key and storage entry); nothing for an anonymous visitor."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from registration.drafts import draft_key, draft_store

register = template.Library()


@register.simple_tag(takes_context=True)
def draft_attrs(context) -> str:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return format_html(
        'data-draft-key="{}" data-draft-store="{}"', draft_key(user), draft_store(user)
    )


@register.simple_tag(takes_context=True)
def draft_store_attr(context) -> str:
    """For the logout script: which entry to forget (the key is not needed for that)."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return format_html('data-draft-store="{}"', draft_store(user))
