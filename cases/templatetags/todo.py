"""The to-do count of the navigation (cases/todo.py), cached briefly per user."""

from __future__ import annotations

from django import template

from cases import todo

register = template.Library()


@register.simple_tag(takes_context=True)
def todo_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return todo.cached_count_for(user)
