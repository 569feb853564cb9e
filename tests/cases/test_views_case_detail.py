import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import make_child

pytestmark = pytest.mark.django_db


def test_worker_opens_own_case_and_the_look_is_audited(client, worker_tm):
    case = make_child(worker_tm)
    client.force_login(worker_tm)
    response = client.get(case.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert case.code in response.content.decode()
    event = AuditEvent.objects.get(action="view_case", object_code=case.code)
    assert event.username == "worker.tm"
    assert event.ip_address == "10.1.2.3"
    assert event.county_id == "RO-TM"


@pytest.mark.parametrize("persona", ["worker_sv", "coord_sv", "worker2_tm"])
def test_users_who_may_not_open_the_case_get_404(client, worker_tm, persona, request):
    case = make_child(worker_tm)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(case.get_absolute_url()).status_code == 404
    assert not AuditEvent.objects.filter(action="view_case").exists()


def test_unknown_code_gets_the_same_404(client, coord_tm):
    client.force_login(coord_tm)
    assert client.get(reverse("cases:detail", kwargs={"code": "C-NOPE123"})).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, worker_tm):
    case = make_child(worker_tm)
    response = client.get(case.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert case.code not in response["Location"] or "next=" in response["Location"]


def test_post_is_not_allowed(client, worker_tm):
    case = make_child(worker_tm)
    client.force_login(worker_tm)
    assert client.post(case.get_absolute_url()).status_code == 405


def test_every_section_is_shown_with_labels_in_the_users_language(client, worker_tm):
    case = make_child(
        worker_tm,
        seed=1,
        sex="female",
        uasc_status="accompanied",
        care_arrangement="parents",
        protection_concerns=["neglect"],
        concern_source="observed",
        concern_details="x",
    )
    client.force_login(worker_tm)
    body = client.get(case.get_absolute_url()).content.decode()
    for title in (
        "A. Interview and consent",
        "B. The child",
        "C. Care arrangement and the caregiver",
        "D. Accompanying persons and family",
        "E. Location and movement",
        "F. Protection concerns, needs and risk",
    ):
        assert title in body
    assert "Female" in body
    assert "With one or both parents" in body
    assert "Neglect" in body
    assert case.caregiver.first_name in body
    assert "Edit section B" in body

    client.cookies["django_language"] = "ro"
    body = client.get(case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ro").content.decode()
    assert "Feminin" in body
    assert "Cu unul sau ambii părinți" in body


def test_household_members_the_user_may_open_are_listed_others_only_counted(
    client, worker_tm, worker2_tm
):
    from cases.models import Household
    from registration.services import register_child
    from tests.factories import child_data

    household = Household.objects.create()
    case = register_child(child_data("RO-TM", 1), worker_tm, household=household)
    sibling = register_child(
        child_data("RO-TM", 2, first_name="Zlata"), worker_tm, household=household
    )
    register_child(child_data("RO-TM", 3), worker2_tm, household=household)
    client.force_login(worker_tm)
    response = client.get(case.get_absolute_url())
    assert [m.code for m in response.context["household_members"]] == [sibling.code]
    assert response.context["hidden_members"] == 1
    body = response.content.decode()
    assert sibling.code in body
    assert "1 other child of this household is a case you cannot open." in body


def test_history_says_who_changed_what_with_labels(client, worker_tm, coord_tm):
    from cases.services.editing import update_case

    case = make_child(worker_tm, seed=1, first_name="Iryna", last_name="Melnyk")
    update_case(case, {"current_locality": "Lugoj", "has_disability": "unknown"}, coord_tm, 1)
    client.force_login(worker_tm)
    response = client.get(case.get_absolute_url())
    latest = response.context["history"][0]
    assert latest.who == "coord.tm"
    # Labelled as the catalogue asks the question.
    assert {c.label for c in latest.changes} == {"Town or commune", "The child has a disability"}
    body = response.content.decode()
    assert "Lugoj" in body
    assert "Unknown" in body  # the label of the code, not the code


def test_the_workflow_panel_and_referrals_are_included(client, worker_tm):
    case = make_child(worker_tm, seed=1, services_needed=["mhpss"])
    client.force_login(worker_tm)
    body = client.get(case.get_absolute_url()).content.decode()
    assert 'id="referrals"' in body
    assert "Mental health and psychosocial support" in body


def test_closed_case_has_no_edit_links(client, worker_tm):
    from cases.models import Child

    case = make_child(worker_tm, seed=1)
    Child.objects.filter(pk=case.pk).update(status="closed", workflow_stage="closed")
    client.force_login(worker_tm)
    body = client.get(case.get_absolute_url()).content.decode()
    assert "Edit section" not in body
