"""The drifts measured in issue 10 between the registration form, the case edit forms
and the import, each fixed by the catalogue (each of these failed before it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Child
from imports.columns import BY_NAME, CHILDREN
from imports.services import run_import
from imports.validation import _Row, parse_cell
from registration.forms import RegistrationForm
from tests.imports.helpers import caregiver_row, child_row, sources
from tests.questions.test_parity import (
    REG,
    _years_before,
    case,  # noqa: F401  (fixture)
    edit_codes,
    form_codes,
    import_codes,
    unchanged,
)

pytestmark = pytest.mark.django_db


def test_editing_refuses_a_date_of_birth_after_the_interview(client, worker_tm, case):  # noqa: F811
    client.force_login(worker_tm)
    dob = REG + dt.timedelta(days=3)
    assert edit_codes(client, case, "date_of_birth", {"date_of_birth": dob.isoformat()}) == {
        "birth_after_interview"
    }
    case.refresh_from_db()
    assert case.date_of_birth != dob and case.version == 1


def test_the_caregiver_is_18_on_the_interview_date_in_the_edit_and_the_import(
    client,
    worker_tm,
    country,
    case,  # noqa: F811
):
    # 18 today, but 17 on the day of the interview.
    dob = _years_before(REG, 17)
    answers = {"caregiver_date_of_birth": dob}
    client.force_login(worker_tm)
    assert form_codes("caregiver_date_of_birth", answers) == {"caregiver_minor"}
    assert edit_codes(client, case, "caregiver_date_of_birth", answers) == {"caregiver_minor"}
    assert import_codes(country, "caregiver_date_of_birth", answers) == {"caregiver_minor"}


def test_editing_refuses_an_answer_that_does_not_apply_and_keeps_what_was_typed(
    client,
    worker_tm,
    case,  # noqa: F811
):
    client.force_login(worker_tm)
    data = unchanged(case, "E")
    data.update(planned_stay="stay", planned_departure_date="2023-06-01", current_locality="Lugoj")
    response = client.post(reverse("cases:edit", kwargs={"code": case.code, "section": "E"}), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Must be empty unless the child is in transit or returns to Ukraine." in page
    assert 'value="Lugoj"' in page and 'value="2023-06-01"' in page
    case.refresh_from_db()
    assert case.current_locality != "Lugoj" and case.version == 1


def test_the_import_refuses_cyrillic_first_and_last_names(country):
    result = run_import(
        sources([child_row(first_name="Олена", last_name="Шевченко")], [caregiver_row()]),
        country,
    )
    assert {(i.column, i.code) for i in result.issues} == {
        ("first_name", "latin_script"),
        ("last_name", "latin_script"),
    }
    assert not Child.objects.exists()


def test_the_import_and_the_form_accept_the_same_countries():
    form = RegistrationForm()
    column = BY_NAME[CHILDREN]["nationality"]
    offered = [code for code, _label in form.fields["nationality"].choices if code]
    issues: list = []
    row = _Row("children", 2, [], [], issues)
    for code in offered:
        assert parse_cell(column, code, row) == code
    assert not issues
    assert "XX" not in offered
    assert parse_cell(column, "XX", row) is None


@pytest.mark.parametrize(
    ("question", "answers"),
    [
        ("caregiver_date_of_birth", {"caregiver_date_of_birth": dt.date(1, 1, 1)}),
        ("caregiver_date_of_birth", {"caregiver_date_of_birth": dt.date(1899, 12, 31)}),
        (
            "planned_departure_date",
            {"planned_stay": "return", "planned_departure_date": dt.date(1, 1, 1)},
        ),
        (
            "planned_departure_date",
            {"planned_stay": "return", "planned_departure_date": dt.date(9999, 12, 31)},
        ),
        (
            "planned_departure_date",
            {
                "planned_stay": "transit",
                "destination_country": "DE",
                "planned_departure_date": REG - dt.timedelta(days=1),
            },
        ),
    ],
)
def test_impossible_dates_are_refused_everywhere(
    client,
    worker_tm,
    country,
    case,  # noqa: F811
    question,
    answers,
):
    client.force_login(worker_tm)
    assert form_codes(question, answers) == {"date_out_of_range"}
    assert edit_codes(client, case, question, answers) == {"date_out_of_range"}
    assert import_codes(country, question, answers) == {"date_out_of_range"}


def test_a_departure_within_five_years_of_the_interview_is_accepted(client, worker_tm, case):  # noqa: F811
    client.force_login(worker_tm)
    answers = {"planned_stay": "return", "planned_departure_date": REG + dt.timedelta(days=900)}
    assert form_codes("planned_departure_date", answers) == set()
    assert edit_codes(client, case, "planned_departure_date", answers) == set()
