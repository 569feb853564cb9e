"""Choice widgets whose options are rendered once, not option by option on every page.

Django renders each <option> and each radio or checkbox through two templates; the
registration form's two country lists alone made 1,000 template renders per page. These
widgets keep Django's markup (the same elements, attributes, order and escaping, built
from Django's own create_option) but render each option once per process and keep it
with its "selected" twin; a page only picks which of the two to use per option.

The store is addressed by the options themselves (values and labels as shown, in the
page's language) with the field's name and attributes: a lookup edited in the admin
reaches this process through lookups.registry's version check, the form reads the new
labels, and they are rendered anew; nothing has to be invalidated by hand. The store is
bounded (least recently used entries go first).

Choices with groups (<optgroup>) are rendered by Django as usual. The output is Django's
to the byte (tests/questions/test_widgets.py), last line breaks included: Django's
renderer strips the outer ones only.
"""

from __future__ import annotations

from functools import lru_cache

from django import forms
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# Names and attributes x languages x the lookups in use: a few hundred entries at most.
STORE_SIZE = 1024


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html in Python."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def _select_option(option: dict) -> str:
    """django/forms/widgets/select_option.html."""
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"'
        f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
    )


def _input_option(option: dict) -> str:
    """django/forms/widgets/radio_option.html (checkbox_option.html): input_option.html
    with input.html, each file's last line break kept, as Django's output has them."""
    attrs = option["attrs"]
    label_for = f' for="{conditional_escape(attrs["id"])}"' if attrs.get("id") else ""
    value = option["value"]
    value_attr = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f"<div>\n    <label{label_for}>"
        f'<input type="{option["type"]}" name="{conditional_escape(option["name"])}"'
        f"{value_attr}{_attrs(attrs)}>\n {conditional_escape(option['label'])}</label>\n\n</div>"
    )


def _flat(choices) -> tuple | None:
    """Plain (value, label) pairs as a hashable key; None for anything else (groups)."""
    flat = []
    for choice in choices:
        if not isinstance(choice, tuple) or len(choice) != 2:
            return None
        value, label = choice
        if not isinstance(value, (str, int)) or not isinstance(label, (str, Promise)):
            return None
        flat.append(choice)
    return tuple(flat)


@lru_cache(maxsize=STORE_SIZE)
def _rendered(widget_cls, widget_attrs, name, attrs, choices) -> tuple:
    """((value as compared, html, html when selected), ...) for one list of options."""
    widget = widget_cls(attrs=dict(widget_attrs))
    final_attrs = dict(attrs)
    rendered = []
    for index, (value, label) in enumerate(choices):
        pair = [
            widget.render_option(
                widget.create_option(name, value, label, selected, index, attrs=final_attrs)
            )
            for selected in (False, True)
        ]
        rendered.append((str(value), *pair))
    return tuple(rendered)


class _Prerendered:
    """Render from the store; what is selected is decided per page, as Django does."""

    allow_multiple_selected: bool

    def _choices_key(self) -> tuple | None:
        # The list as the field's callable returns it: Django would normalise all of it,
        # twice per page (for the "required" attribute, then for the options).
        func = getattr(self.choices, "func", None)
        if func is not None:
            flat = _flat(func())
            if flat is not None:
                return flat
        return _flat(self.choices)

    def _options(self, name: str, attrs: dict | None):
        choices = self._choices_key()
        if choices is None:
            return None
        try:
            return _rendered(
                type(self),
                tuple(self.attrs.items()),
                name,
                tuple((attrs or {}).items()),
                choices,
            )
        except TypeError:  # an attribute value that cannot be a key: render as Django does
            return None

    def _pick(self, options, value) -> list[str]:
        values = self.format_value(value)
        parts, has_selected = [], False
        for option_value, plain, selected_html in options:
            selected = (not has_selected or self.allow_multiple_selected) and option_value in values
            has_selected |= selected
            parts.append(selected_html if selected else plain)
        return parts


class Select(_Prerendered, forms.Select):
    def render_option(self, option: dict) -> str:
        return _select_option(option)

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        options = self._options(name, None)
        if options is None:
            return super().render(name, value, attrs, renderer)
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        body = "".join(f"\n  {part}" for part in self._pick(options, value))
        name = conditional_escape(name)
        # Every name, value, label and attribute is escaped above.
        return mark_safe(f'<select name="{name}"{_attrs(final_attrs)}>{body}\n</select>')  # noqa: S308

    def use_required_attribute(self, initial) -> bool:
        # Django's Select reads the first choice of the normalised list.
        choices = self._choices_key()
        if choices is None or self.allow_multiple_selected:
            return super().use_required_attribute(initial)
        first_is_blank = bool(choices) and choices[0][0] == ""
        return forms.Widget.use_required_attribute(self, initial) and first_is_blank


class _MultipleInput(_Prerendered):
    """django/forms/widgets/multiple_input.html (radios and checkboxes)."""

    def render_option(self, option: dict) -> str:
        return _input_option(option)

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        options = self._options(name, final_attrs)
        if options is None:
            return super().render(name, value, attrs, renderer)
        id_ = final_attrs.get("id")
        head = "<div"
        if id_:
            head += f' id="{conditional_escape(id_)}"'
        if final_attrs.get("class"):
            head += f' class="{conditional_escape(final_attrs["class"])}"'
        body = "".join(self._pick(options, value))
        return mark_safe(f"{head}>{body}\n</div>")  # noqa: S308 - escaped parts


class RadioSelect(_MultipleInput, forms.RadioSelect):
    pass


class CheckboxSelectMultiple(_MultipleInput, forms.CheckboxSelectMultiple):
    pass
