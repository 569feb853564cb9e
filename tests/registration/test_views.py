"""The registration pages: /register/, /register/done/<code>/, /register/duplicates/."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Caregiver, Child, Household
from referrals.models import Referral
from registration.models import PendingSibling
from tests.factories import make_child
from tests.registration.helpers import post_data, with_children

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def save(client, **overrides):
    response = client.post("/register/", post_data(**overrides))
    assert response.status_code == 302, _errors(response)
    code = response["Location"].rstrip("/").split("/")[-1]
    return response, Child.objects.get(code=code)


def _errors(response) -> list[str]:
    return re.findall(r'class="error"[^>]*>([^<]*)<', response.content.decode())


# The form page ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["worker_tm", "coord_tm", "country"])
def test_every_role_gets_the_form_with_question_codes_as_field_names(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/register/")
    assert response.status_code == 200
    page = response.content.decode()
    for code in (
        "registration_date",
        "consent_registration",
        "first_name",
        "uasc_status",
        "caregiver_first_name",
        "accompanying_children-TOTAL_FORMS",
        "current_county",
        "protection_concerns",
        "risk_level",
        "interviewer_notes",
        "submission_token",
    ):
        assert f'name="{code}"' in page, code
    assert "Register a child" in page  # the menu link


def test_the_form_is_translated_lookup_labels_in_romanian_and_ukrainian(client, worker_tm):
    client.force_login(worker_tm)
    client.cookies["django_language"] = "ro"
    assert "Feminin" in client.get("/register/").content.decode()
    client.cookies["django_language"] = "uk"
    page = client.get("/register/").content.decode()
    assert "Жіноча" in page and "Німеччина" in page  # sex and a country of destination


def test_logged_out_user_is_sent_to_login(client):
    response = client.get("/register/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_wrong_methods_are_refused(client, worker_tm):
    client.force_login(worker_tm)
    assert client.put("/register/").status_code == 405
    assert client.get("/register/duplicates/").status_code == 405
    _r, child = save(client)
    assert client.post(f"/register/done/{child.code}/").status_code == 405


# Saving ----------------------------------------------------------------------------------


def test_saving_stores_the_case_caregiver_referrals_audit_and_follow_up(client, worker_tm):
    client.force_login(worker_tm)
    response, child = save(client, services_needed=["mhpss", "education"])
    assert response["Location"] == f"/register/done/{child.code}/"
    assert child.first_name == "Oleksandr" and child.created_by == worker_tm
    assert child.caregiver.first_name == "Olena"
    assert child.caregiver.phone == "+380501234567"
    assert child.contact_phone == "+40722123456"
    assert child.languages == ["uk", "ru"]
    assert child.consent_share_providers is True and child.interpreter_used is False
    assert child.first_follow_up_due == TODAY + dt.timedelta(days=60)
    assert set(Referral.objects.filter(child=child).values_list("service_type", flat=True)) == {
        "mhpss",
        "education",
    }
    assert AuditEvent.objects.filter(action="create_case", object_code=child.code).count() == 1
    assert child.history.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert child.code in page
    assert f"{child.first_follow_up_due:%Y}" in page
    assert f'href="/cases/{child.code}/"' in page


@pytest.mark.parametrize(
    ("overrides", "days"),
    [
        ({"risk_level": "low"}, 60),
        ({"has_disability": "yes", "disability_details": "x", "risk_level": "medium"}, 30),
        ({"risk_level": "high", "risk_justification": "Threats at home"}, 14),
        (
            {
                "care_arrangement": "alone",
                "uasc_status": "unaccompanied",
                "consent_given_by": "child",
                "risk_level": "high",
                "risk_justification": "Alone",
                **dict.fromkeys(
                    [
                        "caregiver_first_name",
                        "caregiver_last_name",
                        "caregiver_relationship",
                        "caregiver_sex",
                        "caregiver_date_of_birth",
                        "caregiver_id_document_type",
                        "caregiver_phone",
                        "caregiver_is_legal_guardian",
                        "caregiver_ability_to_care",
                    ]
                ),
            },
            14,
        ),
    ],
)
def test_first_follow_up_by_risk_level(client, worker_tm, overrides, days):
    client.force_login(worker_tm)
    _r, child = save(client, **overrides)
    assert child.first_follow_up_due == TODAY + dt.timedelta(days=days)
    assert child.next_follow_up_due == child.first_follow_up_due


def test_unaccompanied_child_has_no_caregiver(client, worker_tm):
    client.force_login(worker_tm)
    data = post_data(
        care_arrangement="alone",
        uasc_status="unaccompanied",
        risk_level="high",
        risk_justification="Alone",
    )
    for key in list(data):
        if key.startswith("caregiver_"):
            del data[key]
    response = client.post("/register/", data)
    assert response.status_code == 302, _errors(response)
    assert Child.objects.get().caregiver is None
    assert not Caregiver.objects.exists()


def test_double_submit_creates_one_record(client, worker_tm):
    client.force_login(worker_tm)
    data = post_data()
    first = client.post("/register/", data)
    second = client.post("/register/", data)
    assert Child.objects.count() == 1
    assert Caregiver.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_validation_error_keeps_everything_typed(client, worker_tm):
    client.force_login(worker_tm)
    response = client.post(
        "/register/",
        post_data(entry_date="2021-01-01", interviewer_notes="Came with a neighbour"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The date cannot be before 24 February 2022." in page
    assert 'value="Oleksandr"' in page and "Came with a neighbour" in page
    assert 'value="Олександр Шевченко"' in page
    assert re.search(r'value="ru"[^>]*checked', page)
    assert not Child.objects.exists()


def test_script_in_every_text_field_is_escaped(client, worker_tm):
    client.force_login(worker_tm)
    evil = '<script>alert("x")</script>'
    texts = dict.fromkeys(
        (
            "first_name",
            "last_name",
            "name_native",
            "id_document_number",
            "medical_needs",
            "caregiver_first_name",
            "caregiver_last_name",
            "current_locality",
            "current_address",
            "urgent_action_taken",
            "interviewer_notes",
        ),
        evil,
    )
    # Re-displayed with an error: every value escaped in the form.
    page = client.post("/register/", post_data(entry_date="2021-01-01", **texts)).content.decode()
    assert "<script>alert" not in page
    assert page.count(html.escape(evil)) >= len(texts)
    # Saved: escaped on the confirmation page.
    response, child = save(client, **texts)
    assert child.first_name == evil  # stored as typed
    done = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in done and html.escape(evil) in done


# Consent ----------------------------------------------------------------------------------


def test_without_consent_only_the_anonymous_record_reaches_the_database(client, worker_tm):
    client.force_login(worker_tm)
    data = with_children(
        post_data(
            consent_registration="no",
            medical_needs="asthma",
            interviewer_notes="notes",
            concern_details="details",
            services_needed=["mhpss"],
            risk_level="low",
        ),
        [
            {
                "first_name": "Mariia",
                "last_name": "Shevchenko",
                "sex": "female",
                "date_of_birth": "2019-01-01",
            }
        ],
    )
    response = client.post("/register/", data)
    assert response.status_code == 302, _errors(response)
    child = Child.objects.get()
    assert child.anonymous is True
    for field in (
        "first_name",
        "last_name",
        "name_native",
        "id_document_number",
        "current_locality",
        "current_address",
        "contact_phone",
        "medical_needs",
        "interviewer_notes",
        "concern_details",
        "risk_justification",
    ):
        assert getattr(child, field) == "", field
    assert child.date_of_birth is None and child.caregiver is None and child.household is None
    assert child.age_group == "6-13"
    assert child.first_follow_up_due is None
    assert not Caregiver.objects.exists()
    assert not Household.objects.exists()
    assert not PendingSibling.objects.exists()
    assert not Referral.objects.exists()
    # Nothing personal in any history row either.
    assert not child.history.filter(first_name__gt="").exists()
    done = client.get(response["Location"]).content.decode()
    assert "an anonymous statistical record was stored" in done
    assert "Shevchenko" not in done


def test_the_form_says_what_happens_without_consent_before_saving(client, worker_tm):
    client.force_login(worker_tm)
    page = client.get("/register/").content.decode()
    assert 'id="consent-notice"' in page
    assert "only an anonymous statistical record is stored" in page


# Confirmation page access -------------------------------------------------------------------


def test_other_county_worker_gets_404_on_the_confirmation(client, worker_tm, worker_sv):
    client.force_login(worker_tm)
    _r, child = save(client)
    client.force_login(worker_sv)
    assert client.get(f"/register/done/{child.code}/").status_code == 404
    assert client.get(f"/register/?after={child.code}").status_code == 404


def test_anonymous_record_confirmation_only_for_who_registered_it(client, worker_tm, worker2_tm):
    client.force_login(worker_tm)
    _r, child = save(client, consent_registration="no")
    assert client.get(f"/register/done/{child.code}/").status_code == 200
    client.force_login(worker2_tm)
    assert client.get(f"/register/done/{child.code}/").status_code == 404


# Households ---------------------------------------------------------------------------------


def sibling_rows(n: int) -> list[dict]:
    return [
        {
            "first_name": f"Child{i}",
            "last_name": "Shevchenko",
            "sex": "female" if i % 2 else "male",
            "date_of_birth": dt.date(TODAY.year - 1 - (i % 16), 1, 1 + i).isoformat(),
            "relationship": "mother",
        }
        for i in range(n)
    ]


def register_sibling(client, done_url: str, sibling: PendingSibling) -> Child:
    """Follow the confirmation page's link and save the pre-filled form as it comes."""
    page = client.get(done_url).content.decode()
    link = f"?after={done_url.rstrip('/').split('/')[-1]}&amp;sibling={sibling.public_id}"
    assert link in page
    form_page = client.get("/register/" + html.unescape(link)).content.decode()
    assert f'value="{sibling.first_name}"' in form_page
    prefilled = _form_values(form_page)
    prefilled.update(
        name_native="",
        id_document_type="birth_certificate",
        id_document_number="B1",
        education_status="ua_online",
        has_disability="no",
        date_of_birth_estimated="no",
        risk_level="low",
    )
    response = client.post("/register/", prefilled)
    assert response.status_code == 302, _errors(response)
    return Child.objects.get(code=response["Location"].rstrip("/").split("/")[-1])


def _form_values(page: str) -> dict:
    """What a browser would send for the pre-filled form (inputs, checked boxes, selects)."""
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        value = re.search(r'value="([^"]*)"', tag)
        value = html.unescape(value.group(1)) if value else ""
        if 'type="radio"' in tag or 'type="checkbox"' in tag:
            if "checked" in tag:
                data.setdefault(name.group(1), []).append(value)
        else:
            data[name.group(1)] = value
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = html.unescape(body.strip())
    return data


def test_accompanying_children_become_registrations_in_one_household(client, worker_tm):
    client.force_login(worker_tm)
    response = client.post("/register/", with_children(post_data(), sibling_rows(2)))
    assert response.status_code == 302, _errors(response)
    first = Child.objects.get()
    assert first.household is not None
    pending = list(PendingSibling.objects.filter(household=first.household))
    assert [p.first_name for p in pending] == ["Child0", "Child1"]
    done_url = response["Location"]
    second = register_sibling(client, done_url, pending[0])
    assert second.household == first.household
    assert second.caregiver == first.caregiver  # entered once, linked to each child
    assert second.first_name == "Child0" and second.sex == "male"
    assert second.current_locality == first.current_locality
    assert second.entry_date == first.entry_date and second.consent_registration is True
    assert Caregiver.objects.count() == 1
    pending[0].refresh_from_db()
    assert pending[0].registered_child == second
    # The next confirmation offers the one still to register.
    page = client.get(f"/register/done/{second.code}/").content.decode()
    assert "Register Child1 Shevchenko" in page and "Register Child0" not in page


def test_a_household_of_twelve_children(client, worker_tm):
    client.force_login(worker_tm)
    response = client.post("/register/", with_children(post_data(), sibling_rows(12)))
    assert response.status_code == 302, _errors(response)
    first = Child.objects.get()
    done_url = response["Location"]
    for sibling in PendingSibling.objects.filter(household=first.household):
        child = register_sibling(client, done_url, sibling)
        done_url = f"/register/done/{child.code}/"
    household = first.household
    assert household.children.count() == 13
    assert {c.caregiver_id for c in household.children.all()} == {first.caregiver_id}
    assert not PendingSibling.objects.filter(registered_child=None).exists()
    assert Household.objects.count() == 1


def test_more_than_twenty_rows_are_refused(client, worker_tm):
    client.force_login(worker_tm)
    response = client.post("/register/", with_children(post_data(), sibling_rows(21)))
    assert response.status_code == 200
    assert not Child.objects.exists()


def test_an_adult_in_the_children_group_is_refused(client, worker_tm):
    client.force_login(worker_tm)
    rows = sibling_rows(1)
    rows[0]["date_of_birth"] = "2000-01-01"
    response = client.post("/register/", with_children(post_data(), rows))
    assert "The child must be under 18 on the date of the interview." in _errors(response)


def test_add_a_row_without_javascript_keeps_the_form(client, worker_tm):
    client.force_login(worker_tm)
    data = with_children(post_data(), sibling_rows(1))
    data["action"] = "add_child"
    page = client.post("/register/", data).content.decode()
    assert 'name="accompanying_children-1-first_name"' in page
    assert 'value="Child0"' in page and not Child.objects.exists()


def test_an_existing_caregiver_can_be_found_and_picked(client, worker_tm):
    client.force_login(worker_tm)
    _r, first = save(client)
    page = client.post(
        "/register/",
        post_data(action="find_caregiver", caregiver_search="Олена Шевченко"),
    ).content.decode()
    assert f'value="{first.caregiver.code}"' in page
    _r, second = save(
        client,
        first_name="Mariia",
        name_native="",
        date_of_birth="2015-06-01",
        existing_caregiver=first.caregiver.code,
        caregiver_first_name="",
        caregiver_last_name="",
    )
    assert second.caregiver == first.caregiver and Caregiver.objects.count() == 1


def test_a_caregiver_of_another_county_cannot_be_picked(client, worker_tm, worker_sv):
    client.force_login(worker_tm)
    _r, first = save(client)
    client.force_login(worker_sv)
    page = client.post(
        "/register/", post_data(action="find_caregiver", caregiver_search="Olena Shevchenko")
    ).content.decode()
    assert first.caregiver.code not in page
    response = client.post(
        "/register/", post_data(existing_caregiver=first.caregiver.code, first_name="Ivan")
    )
    assert response.status_code == 200
    assert "The chosen caregiver cannot be linked: choose again." in response.content.decode()
    response = client.post("/register/", post_data(household="H-XXXXXXX"))
    assert "This household cannot be used." in response.content.decode()


# Duplicates -----------------------------------------------------------------------------------


def test_duplicate_in_own_scope_is_shown_with_its_details(client, worker_tm):
    client.force_login(worker_tm)
    _r, existing = save(client)
    response = client.post(
        "/register/",
        post_data(first_name="Olexandr", last_name="Shevcenko", name_native=""),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert existing.code in page and f'href="/cases/{existing.code}/"' in page
    assert (
        "Possible duplicates were found: open the existing record, or confirm that this is a "
        "new child." in page
    )
    assert Child.objects.count() == 1
    response = client.post(
        "/register/",
        post_data(first_name="Olexandr", last_name="Shevcenko", confirm_new_child="on"),
    )
    assert response.status_code == 302 and Child.objects.count() == 2


def test_out_of_county_duplicate_shows_only_the_county_to_call(client, worker_tm, worker_sv):
    client.force_login(worker_tm)
    _r, existing = save(client)
    client.force_login(worker_sv)
    for url, data in (
        ("/register/", post_data(first_name="Alexandr", name_native="", current_county="RO-SV")),
        ("/register/duplicates/", post_data(first_name="Alexandr", name_native="")),
    ):
        page = client.post(url, data).content.decode()
        assert "A possible match is registered in a caseload you cannot open" in page
        assert "Timiș" in page
        assert existing.code not in page
        # The name typed is in the form; the other record's stored spelling is not shown.
        assert "Oleksandr" not in page.split('id="duplicates-panel"')[-1].split("</div>")[0]


def test_estimated_date_of_birth_matches_within_a_year(client, worker_tm):
    client.force_login(worker_tm)
    make_child(
        worker_tm,
        first_name="Yuliia",
        last_name="Hnatiuk",
        name_native="",
        date_of_birth=dt.date(2015, 3, 1),
        date_of_birth_estimated=True,
    )
    page = client.post(
        "/register/duplicates/",
        post_data(first_name="Julia", last_name="Gnatyuk", date_of_birth="2015-11-20"),
    ).content.decode()
    assert "Possible duplicates" in page
    page = client.post(
        "/register/duplicates/",
        post_data(first_name="Julia", last_name="Gnatyuk", date_of_birth="2017-11-20"),
    ).content.decode()
    assert "No possible duplicate found." in page


def test_duplicate_panel_token_is_not_needed(client, worker_tm):
    client.force_login(worker_tm)
    page = client.post(
        "/register/duplicates/", {"first_name": "A", "date_of_birth": "2015-01-01"}
    ).content.decode()
    assert "No possible duplicate found." in page
    assert uuid.UUID(post_data()["submission_token"])


def test_a_post_without_the_hidden_token_says_so_and_saves_nothing(client, worker_tm):
    client.force_login(worker_tm)
    response = client.post("/register/", post_data(submission_token=None))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Child.objects.exists()


def test_check_button_reports_duplicates_or_none_without_saving(client, worker_tm):
    client.force_login(worker_tm)
    page = client.post("/register/", post_data(action="check")).content.decode()
    assert "No possible duplicate found." in page
    _r, existing = save(client)
    page = client.post("/register/", post_data(action="check")).content.decode()
    assert existing.code in page and "Possible duplicates" in page
    assert Child.objects.count() == 1
