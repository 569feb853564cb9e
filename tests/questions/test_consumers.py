"""What shows or carries the answers reads the question catalogue, not a list of its own:
the export columns, the import template and its descriptions, the case page sections and
the history labels. Every expectation here is built from questions.QUESTIONS, so a
question added to the catalogue is expected everywhere (and a consumer keeping its own
list fails)."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import re
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

import questions
from cases.labels import field_label
from cases.models import Child
from cases.services.editing import update_case
from questions import QUESTIONS, SECTIONS, Question
from tests.factories import make_child
from tests.imports.helpers import exported

pytestmark = pytest.mark.django_db

# What the import format adds around the questions (shared/spec/import_format.md).
CHILD_REFS = ["record_ref", "household_ref", "caregiver_ref"]
CHILD_STATUS = ["age_group", "status", "closed_on", "closure_reason"]


def expected_children_header() -> list[str]:
    return CHILD_REFS + [q.code for q in QUESTIONS if q.in_children_file] + CHILD_STATUS


def expected_caregivers_header() -> list[str]:
    return ["caregiver_ref"] + [q.caregiver_attr for q in QUESTIONS if q.caregiver_attr]


def capitalised(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def _unzip(content: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
            )
            for name in archive.namelist()
        }


# ---------------------------------------------------------------- export


def test_export_has_one_column_per_question_of_the_catalogue(client, country):
    child = make_child(country, "RO-TM", seed=3, nationality="MD", languages=["uk", "ro"])
    client.force_login(country)
    files = _unzip(exported(client))
    header, row = files["children"]
    assert header == expected_children_header()
    assert files["caregivers"][0] == expected_caregivers_header()
    values = dict(zip(header, row, strict=True))
    assert values["record_ref"] == child.code
    assert values["nationality"] == "MD"
    assert values["languages"] == "uk;ro"
    assert values["current_county"] == "RO-TM"  # a key, read as the case stores it
    assert values["registration_date"] == child.registration_date.isoformat()


def test_export_workbook_has_the_same_columns(client, country):
    make_child(country, "RO-TM", seed=3)
    client.force_login(country)
    workbook = load_workbook(io.BytesIO(exported(client, "xlsx")))
    assert [c.value for c in next(workbook["children"].iter_rows(max_row=1))] == (
        expected_children_header()
    )
    assert [c.value for c in next(workbook["caregivers"].iter_rows(max_row=1))] == (
        expected_caregivers_header()
    )


# ---------------------------------------------------------------- import template


def test_csv_templates_list_exactly_the_catalogue_columns(client, coord_tm):
    client.force_login(coord_tm)
    for file, expected in (
        ("children", expected_children_header()),
        ("caregivers", expected_caregivers_header()),
    ):
        body = client.get(reverse("imports:template_csv", args=[file])).content
        assert next(csv.reader(io.StringIO(body.decode("utf-8-sig")))) == expected


def test_template_workbook_describes_every_question_in_the_users_language(client, coord_tm):
    client.force_login(coord_tm)
    client.cookies["django_language"] = "ro"
    response = client.get(reverse("imports:template_xlsx"), HTTP_ACCEPT_LANGUAGE="ro")
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in next(workbook["children"].iter_rows(max_row=1))] == (
        expected_children_header()
    )
    described = {
        (file, column): content
        for file, column, _required, content, _codes in workbook.worksheets[-1].iter_rows(
            min_row=2, values_only=True
        )
    }
    with translation.override("ro"):
        for q in QUESTIONS:
            if q.in_children_file:
                key = ("children", q.code)
            elif q.caregiver_attr:
                key = ("caregivers", q.caregiver_attr)
            else:
                continue
            assert described[key].startswith(str(q.import_help or q.label)), key
    # Really in Romanian, not the English of the catalogue.
    assert not described[("children", "date_of_birth")].startswith("Date of birth")


# ---------------------------------------------------------------- case page


def case_page_sections(body: str) -> dict[str, list[str]]:
    """Section letter -> the labels shown in it, in order."""
    found = {}
    for letter, inner in re.findall(
        r'<section class="card case-section" id="section-([A-F])".*?>(.*?)</section>', body, re.S
    ):
        found[letter] = [html.unescape(label) for label in re.findall(r"<dt>(.*?)</dt>", inner)]
    return found


def test_case_page_shows_every_question_of_the_catalogue_in_its_section(client, worker_tm):
    child = make_child(worker_tm, seed=1)
    client.force_login(worker_tm)
    shown = case_page_sections(client.get(child.get_absolute_url()).content.decode())
    assert list(shown) == list(SECTIONS)
    derived = {field_label("age_group"), field_label("suggested_risk_level")}
    for letter in SECTIONS:
        expected = [
            capitalised(q.label)
            for q in QUESTIONS
            if q.section == letter and q.code != "accompanying_children"
        ]
        assert [label for label in shown[letter] if label not in derived] == expected, letter


def test_a_question_added_to_the_catalogue_appears_on_the_case_page(client, worker_tm, monkeypatch):
    """Question 57 as docs/catalogue.md adds it: a declaration in the catalogue (the model
    column stands in as a class attribute here, no migration in a test)."""
    school = Question("school_name", "B", 57, "Name of the school", "line", max_length=200)
    monkeypatch.setattr(questions, "QUESTIONS", (*QUESTIONS, school))
    monkeypatch.setitem(questions.BY_CODE, "school_name", school)
    monkeypatch.setattr(Child, "school_name", "Liceul Teoretic Nr. 1", raising=False)
    child = make_child(worker_tm, seed=1)
    client.force_login(worker_tm)
    body = client.get(child.get_absolute_url()).content.decode()
    assert case_page_sections(body)["B"][-1] == "Name of the school"
    assert "<dt>Name of the school</dt><dd>Liceul Teoretic Nr. 1</dd>" in body
    assert field_label("school_name") == "Name of the school"


# ---------------------------------------------------------------- history labels


def test_history_labels_every_answer_as_the_catalogue_asks_it():
    child_fields = {f.name for f in Child._meta.get_fields()}
    for q in QUESTIONS:
        if q.code in child_fields or q.caregiver_attr:
            assert field_label(q.code) == capitalised(q.label), q.code


def test_history_of_an_edit_shows_the_catalogue_labels(client, worker_tm, coord_tm):
    child = make_child(worker_tm, seed=1, planned_stay="stay", destination_country="")
    update_case(child, {"current_locality": "Lugoj", "medical_needs": "asthma"}, coord_tm, 1)
    client.force_login(worker_tm)
    latest = client.get(child.get_absolute_url()).context["history"][0]
    by_code = questions.BY_CODE
    assert {c.label for c in latest.changes} == {
        capitalised(by_code["current_locality"].label),
        capitalised(by_code["medical_needs"].label),
    }


def test_a_relabelled_question_is_relabelled_in_the_history_and_on_the_page(
    client, worker_tm, coord_tm, monkeypatch
):
    relabelled = dataclasses.replace(questions.BY_CODE["medical_needs"], label="Health needs")
    monkeypatch.setitem(questions.BY_CODE, "medical_needs", relabelled)
    monkeypatch.setattr(
        questions,
        "QUESTIONS",
        tuple(relabelled if q.code == "medical_needs" else q for q in QUESTIONS),
    )
    child = make_child(worker_tm, seed=1)
    update_case(child, {"medical_needs": "asthma"}, coord_tm, 1)
    client.force_login(worker_tm)
    response = client.get(child.get_absolute_url())
    assert [c.label for c in response.context["history"][0].changes] == ["Health needs"]
    assert "Health needs" in case_page_sections(response.content.decode())["B"]
