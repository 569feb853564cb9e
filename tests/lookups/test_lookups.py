"""The lookup lists of shared/spec/lookups: the copy in lookups/data, loaded with their
English, Romanian and Ukrainian labels, and read in the active language."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from lookups import registry
from lookups.loading import DATA_DIR, load_lookups
from lookups.models import Choice, County, EntryPoint, ProtectionConcern

pytestmark = pytest.mark.django_db

SPEC_DIR = Path(settings.BASE_DIR).parent / "shared" / "spec" / "lookups"
CSV_FILES = sorted(p.name for p in DATA_DIR.glob("*.csv"))


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_four_lists_are_there():
    assert CSV_FILES == [
        "choices.csv",
        "counties.csv",
        "entry_points.csv",
        "protection_concerns.csv",
    ]


@pytest.mark.skipif(not SPEC_DIR.is_dir(), reason="shared/spec is not beside this checkout")
@pytest.mark.parametrize("name", CSV_FILES)
def test_data_copy_equals_the_spec(name):
    assert read(DATA_DIR / name) == read(SPEC_DIR / name)


def test_every_county_and_entry_point_is_loaded():
    assert set(County.objects.values_list("code", flat=True)) == {
        r["code"] for r in read(DATA_DIR / "counties.csv")
    }
    assert County.objects.get(code="RO-B").name == "București"
    for row in read(DATA_DIR / "entry_points.csv"):
        point = EntryPoint.objects.get(code=row["code"])
        assert (point.name_en, point.name_ro, point.name_uk) == (
            row["name_en"],
            row["name_ro"],
            row["name_uk"],
        )
        assert point.county_id == (row["county"] or None)


def test_every_concern_and_choice_is_loaded_in_three_languages():
    for row in read(DATA_DIR / "protection_concerns.csv"):
        concern = ProtectionConcern.objects.get(code=row["code"])
        assert (concern.label_en, concern.label_ro, concern.label_uk) == (
            row["en"],
            row["ro"],
            row["uk"],
        )
    rows = read(DATA_DIR / "choices.csv")
    assert Choice.objects.count() == len(rows)
    for row in rows:
        choice = Choice.objects.get(list_name=row["list"], code=row["code"])
        assert (choice.label_en, choice.label_ro, choice.label_uk) == (
            row["en"],
            row["ro"],
            row["uk"],
        )
        assert row["en"] and row["ro"] and row["uk"], row


def test_loading_again_changes_nothing():
    before = Choice.objects.count(), ProtectionConcern.objects.count(), County.objects.count()
    counts = load_lookups()
    assert (counts["choices"], counts["protection_concerns"], counts["counties"]) == before


def test_registry_lists_every_list_of_choices_csv():
    lists = {r["list"] for r in read(DATA_DIR / "choices.csv")}
    for name in lists:
        assert registry.codes(name), name
    assert registry.codes("sex") == ["female", "male"]
    assert registry.is_valid("county", "RO-TM")
    assert not registry.is_valid("county", "RO-ZZ")


@pytest.mark.parametrize(
    ("lang", "sex", "concern", "entry"),
    [
        ("en", "Female", "Physical abuse", "Siret (road)"),
        ("ro", "Feminin", "Abuz fizic", "Siret (rutier)"),
        ("uk", "Жіноча", "Фізичне насильство", "Сірет (автомобільний)"),
    ],
)
def test_label_follows_the_active_language(lang, sex, concern, entry):
    with translation.override(lang):
        assert registry.label("sex", "female") == sex
        assert registry.label("protection_concern", "physical_abuse") == concern
        assert registry.label("entry_point", "SIRET") == entry
        assert registry.label("county", "RO-TM") == "Timiș"  # proper names stay
        assert ("female", sex) in registry.choices("sex")


def test_label_of_an_unknown_code_is_the_code_and_of_nothing_is_empty():
    assert registry.label("sex", "other") == "other"
    assert registry.label("sex", None) == ""


def test_a_label_edited_in_the_admin_is_read_at_once():
    choice = Choice.objects.get(list_name="sex", code="female")
    assert registry.label("sex", "female", "ro") == "Feminin"
    choice.label_ro = "Fată"
    choice.save()
    assert registry.label("sex", "female", "ro") == "Fată"


def test_template_filter_uses_the_active_language():
    from django.template import Context, Template

    template = Template('{% load lookups %}{{ code|lookup_label:"sex" }}')
    with translation.override("uk"):
        assert template.render(Context({"code": "male"})) == "Чоловіча"
