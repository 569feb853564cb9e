"""Text typed by people (names, notes, reasons) is escaped on every page of the cases area."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from cases.services.closure import close_case, reject_closure, reopen_case
from cases.services.followups import record_follow_up
from cases.services.transfer import refuse_transfer, request_transfer
from cases.services.workflow import record_assessment
from tests.cases._workflow import TODAY, open_case

pytestmark = pytest.mark.django_db

EVIL = '<script>alert("x")</script><b onmouseover=1>'


def _assert_escaped(body: str) -> None:
    assert "<script>alert" not in body
    assert "<b onmouseover" not in body


def test_workflow_texts_and_names_are_escaped(client, worker_tm, coord_tm, coord_sv):
    User.objects.filter(pk=worker_tm.pk).update(first_name=EVIL)
    worker_tm.refresh_from_db()
    child = open_case(
        worker_tm,
        risk="high",
        first_name="Ivan",
        last_name="Petrenko",
        current_locality=EVIL[:90],
        current_address=EVIL,
    )
    record_follow_up(child, worker_tm, TODAY(), "phone", EVIL, "high")
    record_assessment(
        child, worker_tm, assessed_on=TODAY(), risk_level="high", needs_details=EVIL, strengths=EVIL
    )
    close_case(child, worker_tm, "needs_met", TODAY(), EVIL)
    reject_closure(child, coord_tm, EVIL)
    close_case(child, worker_tm, "needs_met", TODAY(), EVIL)
    from cases.services.closure import approve_closure

    approve_closure(child, coord_tm)
    reopen_case(child, coord_tm, EVIL)
    refuse_transfer(request_transfer(child, coord_tm, "RO-SV"), coord_sv, EVIL)
    client.force_login(coord_tm)
    pages = [
        child.get_absolute_url(),
        reverse("cases:list"),
        reverse("cases:caseload"),
        reverse("cases:overdue"),
        reverse("cases:transfers"),
        reverse("cases:assign", kwargs={"code": child.code}),
        reverse("cases:share", kwargs={"code": child.code}),
        reverse("cases:edit", kwargs={"code": child.code, "section": "E"}),
        reverse("audit:list"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_escaped(response.content.decode())
    body = client.get(child.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_a_typed_search_is_escaped_in_the_search_box(client, coord_tm):
    client.force_login(coord_tm)
    response = client.post(reverse("cases:list"), {"q": '"><script>alert(1)</script>'}, follow=True)
    body = response.content.decode()
    assert "<script>alert(1)" not in body
    assert "&quot;&gt;&lt;script&gt;" in body
