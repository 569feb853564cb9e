"""The case list's filter selects, written in Python: through the form widget templates,
or a template loop, each option costs a pass of the template engine, and a county's
list of workers has a few hundred of them on every visit of the case list."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@lru_cache(maxsize=256)
def _options(choices: tuple[tuple[str, str], ...]) -> str:
    # The same lists come back on every visit (a county's workers, the lookups in a
    # language): escaped once, not 2 x 250 times a page.
    return "".join(
        f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in choices
    )


@register.simple_tag
def filter_select(field):
    current = field.value()
    current = "" if current is None else str(current)
    options = _options(tuple((str(value), str(label)) for value, label in field.field.choices))
    chosen = f'<option value="{escape(current)}">'
    options = options.replace(chosen, chosen[:-1] + " selected>", 1)
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
