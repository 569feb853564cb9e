"""The choice widgets that render their options once (questions/widgets.py) give exactly
Django's markup: the same options, the same one selected, the same escaping, and a lookup
edited in the admin shows its new label at once."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from lookups import registry
from lookups.models import Choice
from questions import widgets
from registration.forms import RegistrationForm

CHOICES = [
    ("", "---------"),
    ("UA", "Ukraine"),
    ("MD", 'Moldova <b>"&"</b>'),
    ("x&y", "Ampersand"),
    (7, "A number"),
]
ATTRS = [
    {"id": "id_f"},
    {"id": "id_f", "aria-invalid": "true", "aria-describedby": "id_f_error"},
    {"id": "id_f", "required": True, "disabled": False},
    {},
]
PAIRS = [
    (widgets.Select, forms.Select),
    (widgets.RadioSelect, forms.RadioSelect),
    (widgets.CheckboxSelectMultiple, forms.CheckboxSelectMultiple),
]


@pytest.mark.parametrize(("ours", "djangos"), PAIRS)
@pytest.mark.parametrize("value", [None, "", "UA", "MD", "x&y", 7, "7", "XX", ["UA", "MD"]])
@pytest.mark.parametrize("attrs", ATTRS)
def test_the_markup_is_djangos_own(ours, djangos, value, attrs):
    for _ in range(2):  # the second time from the store
        mine = ours(attrs={"class": "wide"}, choices=CHOICES).render("f", value, attrs=attrs)
        stock = djangos(attrs={"class": "wide"}, choices=CHOICES).render("f", value, attrs=attrs)
        assert mine == stock


def test_one_option_is_selected_even_when_the_value_repeats():
    html = widgets.Select(choices=[("a", "A"), ("a", "A again")]).render("f", "a")
    assert html.count("selected") == 1
    assert html == forms.Select(choices=[("a", "A"), ("a", "A again")]).render("f", "a")


def test_grouped_choices_are_rendered_by_django():
    grouped = [("Europe", [("RO", "Romania"), ("UA", "Ukraine")]), ("", "---------")]
    assert widgets.Select(choices=grouped).render("f", "UA") == forms.Select(
        choices=grouped
    ).render("f", "UA")


def test_the_required_attribute_follows_django():
    for choices in (CHOICES, CHOICES[1:], []):
        assert widgets.Select(choices=choices).use_required_attribute(None) == forms.Select(
            choices=choices
        ).use_required_attribute(None)


def _nationality_html() -> str:
    return str(RegistrationForm(initial={"nationality": "UA"})["nationality"])


def test_the_country_list_is_in_the_language_of_the_page():
    with translation.override("ro"):
        ro = _nationality_html()
    with translation.override("uk"):
        uk = _nationality_html()
    assert '<option value="UA" selected>Ucraina</option>' in ro
    assert '<option value="UA" selected>Україна</option>' in uk
    assert ro.count("<option") == uk.count("<option") > 250


@pytest.mark.django_db
def test_a_lookup_edited_in_the_admin_shows_its_new_label_at_once():
    form_html = lambda: str(RegistrationForm()["accommodation_type"])  # noqa: E731
    before = form_html()
    choice = Choice.objects.get(list_name="accommodation", code="host_family")
    assert f">{choice.label_en}</option>" in before
    choice.label_en = "Host family <new>"
    choice.save()  # the admin saves the row: registry.clear_cache() through the signal
    after = form_html()
    assert "Host family &lt;new&gt;</option>" in after
    assert registry.label("accommodation", "host_family") == "Host family <new>"
