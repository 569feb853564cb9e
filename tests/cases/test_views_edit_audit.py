"""Opening a page that shows a case to change it is audited like viewing it (issue 11, item
4; roles.md: every look at a case is in the audit log): the section edit forms, the workflow
forms, the referral form. Who, which case, which page, from which address; refused and
out-of-scope requests write nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from cases.forms_edit import SECTION_FORMS
from tests.cases._workflow import open_case

pytestmark = pytest.mark.django_db


def views_of(child):
    return AuditEvent.objects.filter(action=Action.VIEW_CASE, object_code=child.code)


@pytest.mark.parametrize("section", sorted(SECTION_FORMS))
def test_opening_a_section_edit_form_is_audited(client, worker_tm, section):
    child = open_case(worker_tm, seed=1)
    client.force_login(worker_tm)
    url = reverse("cases:edit", kwargs={"code": child.code, "section": section})
    assert client.get(url, REMOTE_ADDR="10.7.7.7").status_code == 200
    event = views_of(child).get()
    assert (event.username, event.county_id, event.ip_address) == ("worker.tm", "RO-TM", "10.7.7.7")
    assert event.details == {"page": "edit", "section": section}


@pytest.mark.parametrize(
    ("name", "persona"),
    [
        ("follow_up", "worker_tm"),
        ("assessment", "worker_tm"),
        ("close", "worker_tm"),
        ("assign", "coord_tm"),
        ("transfer", "worker_tm"),
        ("share", "coord_tm"),
    ],
)
def test_opening_a_workflow_form_is_audited(client, worker_tm, coord_tm, name, persona, request):
    child = open_case(worker_tm, seed=2)
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse(f"cases:{name}", kwargs={"code": child.code}))
    assert response.status_code == 200
    event = views_of(child).get()
    assert (event.username, event.details) == (user.username, {"page": name})


def test_opening_the_referral_form_is_audited(client, worker_tm):
    child = open_case(worker_tm, seed=3)
    client.force_login(worker_tm)
    url = reverse("referrals:refer", kwargs={"case_code": child.code})
    assert client.get(url, {"service_type": "health"}).status_code == 200
    assert views_of(child).get().details == {"page": "refer"}


def test_saving_writes_the_change_not_another_view(client, worker_tm):
    child = open_case(worker_tm, seed=4)
    client.force_login(worker_tm)
    url = reverse("cases:follow_up", kwargs={"code": child.code})
    client.post(url, {})  # invalid: the form comes back with errors
    assert not views_of(child).exists()


def test_other_county_and_wrong_role_write_nothing(client, worker_tm, worker_sv, coord_sv):
    child = open_case(worker_tm, seed=5)
    client.force_login(worker_sv)
    edit = reverse("cases:edit", kwargs={"code": child.code, "section": "B"})
    assert client.get(edit).status_code == 404
    client.force_login(worker_tm)
    assert client.get(reverse("cases:assign", kwargs={"code": child.code})).status_code == 403
    assert not views_of(child).exists()
