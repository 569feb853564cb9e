from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from emergency import matches

register = template.Library()


@register.simple_tag(takes_context=True)
def emergency_match_url(context, child) -> str:
    """The emergency-access page for a duplicate the user may not open (no code in the URL)."""
    token = matches.remember(context["request"], child.code)
    return reverse("emergency:request") + "?" + urlencode({"match": token})
