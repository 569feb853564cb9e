"""The case list's filter selects, written in Python: through the form widget templates,
or a template loop, each option costs a pass of the template engine, and a county's
list of workers has a few hundred of them on every visit of the case list."""

from __future__ import annotations

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def filter_select(field):
    current = field.value()
    current = "" if current is None else str(current)
    options = "".join(
        f'<option value="{escape(value)}"{" selected" if str(value) == current else ""}>'
        f"{escape(label)}</option>"
        for value, label in field.field.choices
    )
    errors = "".join(
        format_html('<p class="error" role="alert">{}</p>', error) for error in field.errors
    )
    return format_html(
        '<div class="field{}" id="field-{}">\n  <label for="{}">{}</label>\n'
        '  <select name="{}" id="{}">{}</select>\n  {}\n</div>',
        " has-error" if field.errors else "",
        field.html_name,
        field.id_for_label,
        field.label,
        field.html_name,
        field.id_for_label,
        mark_safe(options),  # noqa: S308 (every value and label escaped above)
        mark_safe(errors),  # noqa: S308 (format_html escaped each error)
    )
