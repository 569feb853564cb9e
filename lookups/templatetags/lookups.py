from django import template

from lookups import registry

register = template.Library()


@register.filter
def lookup_label(code, list_name):
    """{{ child.sex|lookup_label:"sex" }} -> the label in the active language."""
    if isinstance(code, list | tuple):
        return ", ".join(registry.label(list_name, c) for c in code)
    return registry.label(list_name, code)
