"""Editing a section of a case: the registration rules, history, audit, and no lost update."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from cases.forms_edit import SECTION_FORMS
from cases.models import Child
from cases.names import name_key
from tests.factories import make_child

pytestmark = pytest.mark.django_db


def edit_url(child, section):
    return reverse("cases:edit", kwargs={"code": child.code, "section": section})


def form_data(child, section, **changes):
    """What the browser sends back for an untouched form, with some answers changed."""
    form = SECTION_FORMS[section](child=child)
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    if section == "D":
        data.update({"adults-TOTAL_FORMS": "0", "adults-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


@pytest.fixture
def case(worker_tm):
    return make_child(
        worker_tm,
        seed=1,
        first_name="Iryna",
        last_name="Melnyk",
        name_native="",
        risk_level="low",
        uasc_status="accompanied",
        care_arrangement="parents",
        protection_concerns=[],
        has_disability="no",
    )


def test_form_shows_the_saved_answers_and_the_version(client, worker_tm, case):
    client.force_login(worker_tm)
    response = client.get(edit_url(case, "B"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Melnyk"' in body
    assert 'name="version" value="1"' in body


def test_saving_a_section_changes_the_case_keeps_history_and_audits_codes(client, worker_tm, case):
    client.force_login(worker_tm)
    response = client.post(
        edit_url(case, "B"), form_data(case, "B", last_name="Shevchenko"), REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 302
    assert response["Location"].startswith(case.get_absolute_url())
    case.refresh_from_db()
    assert case.last_name == "Shevchenko"
    assert case.version == 2
    assert case.updated_by == worker_tm
    assert case.name_key == name_key("Iryna", "Shevchenko")
    latest = case.history.latest()
    assert latest.history_user == worker_tm
    assert latest.last_name == "Shevchenko"
    event = AuditEvent.objects.get(action="change_case")
    assert event.object_code == case.code
    assert event.details["fields"] == ["last_name"]
    assert "Shevchenko" not in str(event.details)
    assert event.ip_address == "10.9.8.7"
    # The case page shows the change in the history, with the question's label.
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Last name" in page and "Melnyk" in page and "Shevchenko" in page


def test_an_unchanged_form_saves_no_new_version(client, worker_tm, case):
    client.force_login(worker_tm)
    response = client.post(edit_url(case, "E"), form_data(case, "E"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.version == 1
    assert not AuditEvent.objects.filter(action="change_case").exists()


def test_concerns_recompute_the_suggested_risk_level(client, worker_tm, case):
    client.force_login(worker_tm)
    data = form_data(
        case,
        "F",
        protection_concerns=["trafficking"],
        concern_source="disclosed",
        concern_details="Described at the interview.",
        risk_level="high",
        risk_justification="Trafficking disclosed.",
    )
    assert client.post(edit_url(case, "F"), data).status_code == 302
    case.refresh_from_db()
    assert case.suggested_risk_level == "high"
    assert case.risk_level == "high"
    assert list(case.protection_concerns.values_list("pk", flat=True)) == ["trafficking"]
    # One history record for the edit, not one per concern added.
    assert case.history.count() == 2
    assert AuditEvent.objects.get(action="change_case").details["fields"] == [
        "concern_details",
        "concern_source",
        "protection_concerns",
        "risk_justification",
        "risk_level",
    ]


def test_date_of_birth_recomputes_the_age_group(client, worker_tm, case):
    client.force_login(worker_tm)
    dob = case.registration_date - dt.timedelta(days=15 * 365 + 30)
    assert (
        client.post(edit_url(case, "B"), form_data(case, "B", date_of_birth=dob)).status_code == 302
    )
    case.refresh_from_db()
    assert case.age_group == "14-17"


@pytest.mark.parametrize(
    ("section", "changes", "field"),
    [
        ("B", {"date_of_birth": "2000-01-01"}, "date_of_birth"),
        ("B", {"id_document_type": "passport", "id_document_number": ""}, "id_document_number"),
        ("B", {"has_disability": "yes", "disability_details": ""}, "disability_details"),
        ("B", {"languages": []}, "languages"),
        ("B", {"first_name": "Олександр"}, "first_name"),
        ("B", {"last_name": "Шевченко"}, "last_name"),
        ("A", {"entry_date": "2022-01-01"}, "entry_date"),
        ("A", {"interpreter_used": "yes", "interpreter_language": ""}, "interpreter_language"),
        ("C", {"care_arrangement": "alone", "uasc_status": "accompanied"}, "uasc_status"),
        ("C", {"caregiver_first_name": ""}, "caregiver_first_name"),
        ("C", {"caregiver_phone": "12"}, "caregiver_phone"),
        ("E", {"planned_stay": "transit", "destination_country": ""}, "destination_country"),
        ("E", {"planned_stay": "transit", "destination_country": "UA"}, "destination_country"),
        ("F", {"risk_level": "high", "risk_justification": ""}, "risk_justification"),
        ("F", {"protection_concerns": ["neglect"], "concern_source": ""}, "concern_source"),
    ],
)
def test_the_registration_rules_apply(client, worker_tm, case, section, changes, field):
    client.force_login(worker_tm)
    response = client.post(edit_url(case, section), form_data(case, section, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    case.refresh_from_db()
    assert case.version == 1


def test_caregiver_is_edited_as_a_person(client, worker_tm, case):
    client.force_login(worker_tm)
    data = form_data(case, "C", caregiver_first_name="Oksana", caregiver_phone="0722 123 456")
    assert client.post(edit_url(case, "C"), data).status_code == 302
    case.refresh_from_db()
    assert case.caregiver.first_name == "Oksana"
    assert case.caregiver.phone == "+40722123456"


def test_accompanying_adults_are_edited_as_a_group(client, worker_tm, case):
    client.force_login(worker_tm)
    data = form_data(case, "D")
    data.update(
        {
            "adults-TOTAL_FORMS": "1",
            "adults-0-first_name": "Petro",
            "adults-0-last_name": "Melnyk",
            "adults-0-sex": "male",
            "adults-0-relationship": "grandparent",
        }
    )
    assert client.post(edit_url(case, "D"), data).status_code == 302
    case.refresh_from_db()
    assert case.accompanying_adults == [
        {"first_name": "Petro", "last_name": "Melnyk", "sex": "male", "relationship": "grandparent"}
    ]


def test_a_stale_save_is_refused_showing_what_changed_and_keeping_typed_values(
    worker_tm, coord_tm, case
):
    first, second = Client(), Client()
    first.force_login(worker_tm)
    second.force_login(coord_tm)
    # Both open the form at version 1.
    assert 'name="version" value="1"' in first.get(edit_url(case, "E")).content.decode()
    assert 'name="version" value="1"' in second.get(edit_url(case, "E")).content.decode()
    saved = first.post(edit_url(case, "E"), form_data(case, "E", current_locality="Lugoj"))
    assert saved.status_code == 302

    stale = second.post(
        edit_url(case, "E"), form_data(case, "E", current_address="Strada Florilor 3")
    )
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "Not saved" in body
    assert "Town or commune: now Lugoj" in body
    assert "Strada Florilor 3" in body  # what the second user typed is still in the form
    case.refresh_from_db()
    assert case.current_locality == "Lugoj"
    assert case.current_address != "Strada Florilor 3"
    assert case.version == 2

    # Saving again after reading the changes is a deliberate choice, against version 2.
    assert 'name="version" value="2"' in body
    again = second.post(
        edit_url(case, "E"),
        form_data(case, "E", current_address="Strada Florilor 3", version=2),
    )
    assert again.status_code == 302
    case.refresh_from_db()
    assert case.current_address == "Strada Florilor 3"
    assert case.current_locality == "Lugoj"
    assert case.version == 3


def test_county_and_consent_are_not_changed_by_an_edit(client, worker_tm, case):
    client.force_login(worker_tm)
    data = form_data(case, "E", current_county="RO-SV", current_locality="Lugoj")
    assert client.post(edit_url(case, "E"), data).status_code == 302
    case.refresh_from_db()
    assert case.current_county_id == "RO-TM"
    assert case.current_locality == "Lugoj"


@pytest.mark.parametrize("persona", ["worker_sv", "coord_sv", "worker2_tm"])
def test_users_who_may_not_open_the_case_get_404_and_change_nothing(client, case, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(edit_url(case, "B")).status_code == 404
    response = client.post(edit_url(case, "B"), form_data(case, "B", last_name="Forged"))
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.last_name == "Melnyk"


def test_unknown_section_is_404(client, worker_tm, case):
    client.force_login(worker_tm)
    assert client.get(edit_url(case, "Z")).status_code == 404


def test_a_closed_case_cannot_be_edited(client, worker_tm, case):
    Child.objects.filter(pk=case.pk).update(status="closed", workflow_stage="closed")
    client.force_login(worker_tm)
    assert client.get(edit_url(case, "B")).status_code == 403
    response = client.post(edit_url(case, "B"), form_data(case, "B", last_name="Other"))
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.last_name == "Melnyk"


def test_other_methods_are_not_allowed(client, worker_tm, case):
    client.force_login(worker_tm)
    assert client.put(edit_url(case, "B")).status_code == 405
    assert client.delete(edit_url(case, "B")).status_code == 405


def test_anonymous_visitor_is_sent_to_login(client, case):
    response = client.get(edit_url(case, "B"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def marked(body: str, code: str) -> bool:
    """The field's box carries the mark of an answer that differs from what was sent."""
    found = re.search(rf'class="field([^"]*)" id="field-{code}"', body)
    return found is not None and "merged" in found.group(1).split()


def resubmit(response, **changes):
    """What the browser sends back from a page's form left as shown, with some changes."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    if hasattr(form, "adults"):
        data.update({"adults-TOTAL_FORMS": "0", "adults-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_saving_again_after_a_conflict_keeps_the_colleagues_change(worker_tm, coord_tm, case):
    first, second = Client(), Client()
    first.force_login(worker_tm)
    second.force_login(coord_tm)
    opened_first = first.get(edit_url(case, "E"))
    opened_second = second.get(edit_url(case, "E"))
    # The colleague changes the locality and saves first.
    saved = second.post(edit_url(case, "E"), resubmit(opened_second, current_locality="Lugoj"))
    assert saved.status_code == 302
    # The first user changed the address only, from the form opened before.
    stale = first.post(
        edit_url(case, "E"), resubmit(opened_first, current_address="Strada Florilor 3")
    )
    assert stale.status_code == 409
    form = stale.context["form"]
    assert form["current_locality"].value() == "Lugoj"
    assert form["current_address"].value() == "Strada Florilor 3"
    body = stale.content.decode()
    assert "Changed by a colleague: now “Lugoj”" in body
    assert marked(body, "current_locality")
    assert 'id="field-current_address"' in body
    assert not marked(body, "current_address")
    # Saving the page as shown keeps both changes.
    again = first.post(edit_url(case, "E"), resubmit(stale))
    assert again.status_code == 302
    case.refresh_from_db()
    assert case.current_locality == "Lugoj"
    assert case.current_address == "Strada Florilor 3"
    assert case.version == 3


def test_an_answer_both_changed_shows_both_values_and_needs_a_choice(worker_tm, coord_tm, case):
    first, second = Client(), Client()
    first.force_login(worker_tm)
    second.force_login(coord_tm)
    opened_first = first.get(edit_url(case, "E"))
    opened_second = second.get(edit_url(case, "E"))
    second.post(edit_url(case, "E"), resubmit(opened_second, current_locality="Lugoj"))
    stale = first.post(edit_url(case, "E"), resubmit(opened_first, current_locality="Buziaș"))
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "You changed this to “Buziaș”; a colleague saved “Lugoj”." in body
    assert stale.context["form"]["current_locality"].value() == "Buziaș"
    assert 'name="keep__current_locality"' in body

    # Saving without choosing is refused, with a message, and changes nothing.
    unchosen = first.post(edit_url(case, "E"), resubmit(stale))
    assert unchosen.status_code == 200
    assert "Choose which answer to keep." in unchosen.content.decode()
    case.refresh_from_db()
    assert (case.current_locality, case.version) == ("Lugoj", 2)

    # Choosing the saved answer keeps the colleague's value.
    kept = first.post(edit_url(case, "E"), resubmit(stale, keep__current_locality="saved"))
    assert kept.status_code == 302
    case.refresh_from_db()
    assert (case.current_locality, case.version) == ("Lugoj", 2)


def test_choosing_ones_own_answer_after_a_conflict_saves_it(worker_tm, coord_tm, case):
    first, second = Client(), Client()
    first.force_login(worker_tm)
    second.force_login(coord_tm)
    opened_first = first.get(edit_url(case, "E"))
    opened_second = second.get(edit_url(case, "E"))
    second.post(edit_url(case, "E"), resubmit(opened_second, current_locality="Lugoj"))
    stale = first.post(edit_url(case, "E"), resubmit(opened_first, current_locality="Buziaș"))
    mine = first.post(edit_url(case, "E"), resubmit(stale, keep__current_locality="mine"))
    assert mine.status_code == 302
    case.refresh_from_db()
    assert (case.current_locality, case.version) == ("Buziaș", 3)


def test_a_tampered_original_makes_every_difference_a_choice(worker_tm, coord_tm, case):
    first, second = Client(), Client()
    first.force_login(worker_tm)
    second.force_login(coord_tm)
    opened_first = first.get(edit_url(case, "E"))
    opened_second = second.get(edit_url(case, "E"))
    second.post(edit_url(case, "E"), resubmit(opened_second, current_locality="Lugoj"))
    stale = first.post(edit_url(case, "E"), resubmit(opened_first, original="{not json"))
    assert stale.status_code == 409
    assert 'name="keep__current_locality"' in stale.content.decode()
    case.refresh_from_db()
    assert case.current_locality == "Lugoj"


def test_adults_changed_by_a_colleague_are_not_reverted(worker_tm, coord_tm, case):
    first, second = Client(), Client()
    first.force_login(worker_tm)
    second.force_login(coord_tm)
    opened_first = first.get(edit_url(case, "D"))
    opened_second = second.get(edit_url(case, "D"))
    adult = {
        "adults-TOTAL_FORMS": "1",
        "adults-0-first_name": "Petro",
        "adults-0-last_name": "Melnyk",
        "adults-0-sex": "male",
        "adults-0-relationship": "grandparent",
    }
    assert second.post(edit_url(case, "D"), resubmit(opened_second, **adult)).status_code == 302
    stale = first.post(edit_url(case, "D"), resubmit(opened_first))
    assert stale.status_code == 409
    adults = stale.context["form"].adults
    data = resubmit(stale)
    data.update(
        {
            "adults-TOTAL_FORMS": str(len(adults.forms)),
            "adults-INITIAL_FORMS": str(adults.initial_form_count()),
        }
    )
    for form in adults.forms:
        for name in form.fields:
            value = form[name].value()
            data[form.add_prefix(name)] = "" if value is None else value
    assert first.post(edit_url(case, "D"), data).status_code == 302
    case.refresh_from_db()
    assert [a["first_name"] for a in case.accompanying_adults] == ["Petro"]


def test_adults_both_changed_need_a_choice_and_the_saved_list_can_be_kept(
    worker_tm, coord_tm, case
):
    first, second = Client(), Client()
    first.force_login(worker_tm)
    second.force_login(coord_tm)
    opened_first = first.get(edit_url(case, "D"))
    opened_second = second.get(edit_url(case, "D"))

    def adult(name):
        return {
            "adults-TOTAL_FORMS": "1",
            "adults-0-first_name": name,
            "adults-0-last_name": "Melnyk",
            "adults-0-sex": "male",
            "adults-0-relationship": "grandparent",
        }

    assert (
        second.post(edit_url(case, "D"), resubmit(opened_second, **adult("Petro"))).status_code
        == 302
    )
    stale = first.post(edit_url(case, "D"), resubmit(opened_first, **adult("Ivan")))
    assert stale.status_code == 409
    body = stale.content.decode()
    assert 'name="keep__accompanying_adults"' in body
    assert "my list (below)" in body
    kept = first.post(
        edit_url(case, "D"),
        resubmit(stale, keep__accompanying_adults="saved", **adult("Ivan")),
    )
    assert kept.status_code == 302
    case.refresh_from_db()
    assert [a["first_name"] for a in case.accompanying_adults] == ["Petro"]
