"""The parity test: one bad answer per rule of the question catalogue, driven through the
three entry points (the registration form POST, a case edit POST, one import row), must
give the same message code on the same question in each.

The rules are read from the catalogue (questions.all_rules): a rule added to the
catalogue without a bad answer here fails test_every_rule_has_a_bad_answer; a rule added
to one entry point only makes the sets of codes differ for the answers that trip it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.forms_edit import SECTION_FORMS
from imports.services import run_import
from questions import BY_CODE, CAREGIVER_ATTRS, all_rules
from registration.forms import RegistrationForm
from tests.factories import make_child
from tests.imports.helpers import caregiver_row, child_row, sources
from tests.registration.helpers import post_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# One interview in the past for the three entry points (the import helper's dates).
REG = dt.date(2023, 5, 10)
BASE = {
    "registration_date": REG,
    "entry_date": dt.date(2023, 5, 8),
    "date_of_birth": dt.date(2015, 3, 2),
    "caregiver_date_of_birth": dt.date(1985, 1, 20),
}


def _years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)


# (question, message code) -> the answers that break exactly that rule there, all in the
# question's section (a case edit sends one section).
BAD: dict[tuple[str, str], dict] = {
    ("registration_date", "in_future"): {"registration_date": TODAY + dt.timedelta(days=1)},
    ("registration_date", "before_war"): {
        "registration_date": dt.date(2022, 2, 20),
        "entry_date": dt.date(2022, 2, 24),
    },
    ("entry_date", "in_future"): {"entry_date": TODAY + dt.timedelta(days=1)},
    ("entry_date", "before_war"): {"entry_date": dt.date(2022, 2, 1)},
    ("entry_date", "entry_after_interview"): {
        "registration_date": REG - dt.timedelta(days=10),
        "entry_date": REG - dt.timedelta(days=5),
    },
    ("date_of_birth", "in_future"): {"date_of_birth": TODAY + dt.timedelta(days=1)},
    ("date_of_birth", "birth_after_interview"): {"date_of_birth": REG + dt.timedelta(days=1)},
    ("date_of_birth", "child_adult"): {
        "date_of_birth": _years_before(REG, 18) - dt.timedelta(days=1)
    },
    ("first_name", "latin_script"): {"first_name": "Олена"},
    ("last_name", "latin_script"): {"last_name": "Шевченко"},
    ("uasc_status", "uasc_mismatch"): {"care_arrangement": "parents", "uasc_status": "separated"},
    ("caregiver_date_of_birth", "date_out_of_range"): {"caregiver_date_of_birth": dt.date(1, 1, 1)},
    ("caregiver_date_of_birth", "caregiver_minor"): {
        "caregiver_date_of_birth": _years_before(REG, 17)
    },
    ("destination_country", "destination_ro_ua"): {
        "planned_stay": "transit",
        "destination_country": "RO",
    },
    ("planned_departure_date", "date_out_of_range"): {
        "planned_stay": "transit",
        "destination_country": "DE",
        "planned_departure_date": dt.date(9999, 12, 31),
    },
    ("risk_justification", "risk_high_reason"): {"risk_level": "high", "risk_justification": ""},
    ("risk_justification", "risk_other_reason"): {
        "risk_level": "medium",
        "risk_justification": "",
    },
}
# What the catalogue checks besides the rules of each question: required questions,
# conditions, and the phone type.
BAD_BESIDES_RULES: dict[tuple[str, str], dict] = {
    ("first_name", "required"): {"first_name": ""},
    ("interpreter_language", "required_when"): {
        "interpreter_used": "yes",
        "interpreter_language": "",
    },
    ("interpreter_language", "only_when"): {
        "interpreter_used": "no",
        "interpreter_language": "uk",
    },
    ("planned_departure_date", "only_when"): {
        "planned_stay": "stay",
        "planned_departure_date": REG,
    },
    ("caregiver_date_of_birth", "date_out_of_range"): {"caregiver_date_of_birth": dt.date(1, 1, 1)},
    ("contact_phone", "bad_phone"): {"contact_phone": "12"},
}
CASES = sorted({**BAD, **BAD_BESIDES_RULES}.items())


def _text(value) -> str:
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    return value


# -- the three entry points ------------------------------------------------------------


def form_codes(question: str, answers: dict) -> set[str]:
    data = post_data(**{k: _text(v) for k, v in {**BASE, **answers}.items()})
    form = RegistrationForm(data)
    form.is_valid()
    return {e.code for e in form.errors.as_data().get(question, [])}


@pytest.fixture
def case(worker_tm):
    return make_child(
        worker_tm,
        seed=1,
        registration_date=REG,
        entry_date=BASE["entry_date"],
        date_of_birth=BASE["date_of_birth"],
        caregiver_date_of_birth=BASE["caregiver_date_of_birth"],
        first_name="Iryna",
        last_name="Melnyk",
        risk_level="low",
        uasc_status="accompanied",
        care_arrangement="parents",
        protection_concerns=[],
        has_disability="no",
        interpreter_used=False,
        interpreter_language="",
        planned_stay="stay",
        destination_country="",
        planned_departure_date=None,
    )


def unchanged(child, section: str) -> dict:
    """What the browser sends back for an untouched section form."""
    form = SECTION_FORMS[section](child=child)
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    if section == "D":
        data.update({"adults-TOTAL_FORMS": "0", "adults-INITIAL_FORMS": "0"})
    return data


def edit_codes(client, child, question: str, answers: dict) -> set[str]:
    section = BY_CODE[question].section
    data = unchanged(child, section)
    data.update({k: _text(v) for k, v in answers.items()})
    url = reverse("cases:edit", kwargs={"code": child.code, "section": section})
    response = client.post(url, data)
    if response.status_code != 200:
        return set()  # saved: no message
    errors = response.context["form"].errors.as_data()
    return {e.code for e in errors.get(question, [])}


def import_codes(user, question: str, answers: dict) -> set[str]:
    child, caregiver = {}, {}
    for code, value in answers.items():
        if code in CAREGIVER_ATTRS:
            caregiver[CAREGIVER_ATTRS[code]] = _text(value)
        else:
            child[code] = _text(value)
    result = run_import(sources([child_row(**child)], [caregiver_row(**caregiver)]), user)
    if question in CAREGIVER_ATTRS:
        file, column = "caregivers", CAREGIVER_ATTRS[question]
    else:
        file, column = "children", question
    return {i.code for i in result.issues if i.file == file and i.column == column}


# -- the tests -------------------------------------------------------------------------


def test_every_rule_has_a_bad_answer():
    declared = {(rule.question, rule.code) for rule in all_rules()}
    assert declared == set(BAD), "add a bad answer for each new rule of the catalogue"


def test_the_base_answers_are_valid_everywhere(client, worker_tm, country, case):
    form = RegistrationForm(post_data(**{k: _text(v) for k, v in BASE.items()}))
    assert form.is_valid(), form.errors
    client.force_login(worker_tm)
    for section in SECTION_FORMS:
        url = reverse("cases:edit", kwargs={"code": case.code, "section": section})
        response = client.post(url, unchanged(case, section))
        assert response.status_code == 302, (section, response.context["form"].errors)
    result = run_import(sources([child_row()], [caregiver_row()]), country, dry_run=True)
    assert result.ok, [str(i) for i in result.issues]


@pytest.mark.parametrize(("key", "answers"), CASES, ids=[f"{q}-{c}" for (q, c), _a in CASES])
def test_one_bad_answer_gives_the_same_code_everywhere(
    client, worker_tm, country, case, key, answers
):
    question, code = key
    client.force_login(worker_tm)
    rule = next((r for r in all_rules() if (r.question, r.code) == key), None)
    entry_points = rule.entry_points if rule else {"form", "edit", "import"}
    found = {}
    if "form" in entry_points:
        found["form"] = form_codes(question, answers)
    if "edit" in entry_points:
        found["edit"] = edit_codes(client, case, question, answers)
    if "import" in entry_points:
        found["import"] = import_codes(country, question, answers)
    for entry_point, codes in found.items():
        assert code in codes, f"{entry_point} did not report {code} on {question}: {found}"
    assert len({frozenset(codes) for codes in found.values()}) == 1, found


def test_the_forms_have_no_rule_of_their_own():
    """A rule written into one form (a clean_<question> method, a clean() of a section)
    would be a second copy beside the catalogue: the forms only run questions.check."""
    from cases.forms_edit import SectionForm

    codes = set(BY_CODE)
    for form_class in (RegistrationForm, *SECTION_FORMS.values()):
        own = {
            name.removeprefix("clean_") for name in vars(form_class) if name.startswith("clean_")
        }
        assert not own & codes, (form_class.__name__, own & codes)
    for form_class in SECTION_FORMS.values():
        assert form_class.clean is SectionForm.clean, form_class.__name__
