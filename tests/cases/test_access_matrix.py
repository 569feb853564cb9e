"""Every case URL x every persona who may not open the case: 404 (never 403), for GET and
for a forged POST, and the forged POST changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Child, ClosureRequest, Transfer
from cases.models.followup import FollowUp
from cases.models.sharing import ChildUserObjectPermission
from cases.services.closure import close_case
from tests.cases._workflow import TODAY, open_case

pytestmark = pytest.mark.django_db

# (url name, extra kwargs, forged POST data): the data a user of the case would send.
CASE_URLS = [
    ("detail", {}, {}),
    ("edit", {"section": "B"}, {"first_name": "Forged", "version": "1"}),
    (
        "follow_up",
        {},
        {"done_on": "2026-01-01", "contact_type": "phone", "notes": "x", "risk_level": "low"},
    ),
    ("assessment", {}, {"risk_level": "low", "summary": "x"}),
    ("close", {}, {"closure_reason": "needs_met", "closed_on": "2026-01-01"}),
    ("approve_closure", {}, {}),
    ("reject_closure", {}, {"note": "no"}),
    ("withdraw_closure", {}, {}),
    ("reopen", {}, {"reason": "forged"}),
    ("assign", {}, {"worker": "WORKER"}),
    ("transfer", {}, {"to_county": "RO-SV", "reason": "The family moved."}),
    ("accept_transfer", {}, {"assign_to": "WORKER"}),
    ("refuse_transfer", {}, {"note": "no"}),
    ("cancel_transfer", {}, {}),
    ("share", {}, {"user": "WORKER"}),
    ("unshare", {}, {"user": "WORKER"}),
    ("anonymise", {}, {"reason": "erasure_request"}),
    ("approve_anonymisation", {}, {}),
    ("refuse_anonymisation", {}, {}),
    ("subject_access", {"fmt": "pdf"}, {}),
]
# Read-only pages: a POST is refused by method (405) before anything is looked up.
GET_ONLY = {"detail", "subject_access"}
OUTSIDERS = ["worker_sv", "coord_sv", "worker2_tm"]


def _snapshot(child: Child):
    child = Child.objects.get(pk=child.pk)
    return (
        child.version,
        child.status,
        child.current_county_id,
        child.assigned_to_id,
        child.first_name,
        child.history.count(),
        ClosureRequest.objects.filter(child=child).values_list("status", flat=True).first(),
        Transfer.objects.filter(child=child).count(),
        FollowUp.objects.filter(child=child).count(),
        ChildUserObjectPermission.objects.filter(content_object=child).count(),
        child.anonymisation_requests.count(),
        AuditEvent.objects.filter(object_code=child.code, action="export").count(),
    )


@pytest.fixture
def case(worker_tm):
    """A high-risk Timiș case carried by worker.tm, its closure awaiting approval."""
    child = open_case(worker_tm, risk="high")
    close_case(child, worker_tm, "needs_met", TODAY())
    return child


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize(("name", "kwargs", "data"), CASE_URLS, ids=[u[0] for u in CASE_URLS])
def test_outsiders_get_404_and_a_forged_post_changes_nothing(
    client, request, case, persona, name, kwargs, data
):
    user = request.getfixturevalue(persona)
    data = {k: (str(user.pk) if v == "WORKER" else v) for k, v in data.items()}
    client.force_login(user)
    url = reverse(f"cases:{name}", kwargs={"code": case.code, **kwargs})
    before = _snapshot(case)
    assert client.get(url).status_code in (404, 405)
    if name not in GET_ONLY:
        assert client.post(url, data).status_code == 404
    assert _snapshot(case) == before


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize(("name", "kwargs", "data"), CASE_URLS, ids=[u[0] for u in CASE_URLS])
def test_an_unknown_case_gets_the_same_404(client, request, persona, name, kwargs, data):
    client.force_login(request.getfixturevalue(persona))
    url = reverse(f"cases:{name}", kwargs={"code": "C-ZZZZZZZ", **kwargs})
    assert client.get(url).status_code in (404, 405)


@pytest.mark.parametrize("name", ["assign", "approve_closure", "reject_closure"])
def test_the_field_worker_of_the_case_may_not_assign_or_decide_the_closure(
    client, case, worker_tm, worker2_tm, name
):
    client.force_login(worker_tm)
    url = reverse(f"cases:{name}", kwargs={"code": case.code})
    before = _snapshot(case)
    assert client.post(url, {"worker": worker2_tm.pk, "note": "x"}).status_code == 403
    assert _snapshot(case) == before


def test_every_case_url_is_in_the_matrix():
    from cases import urls

    with_code = {p.name for p in urls.urlpatterns if "<str:code>" in str(p.pattern) and p.name}
    assert with_code == {name for name, _kwargs, _data in CASE_URLS}


@pytest.mark.parametrize("persona", ["worker_tm", "worker_sv"])
def test_field_workers_cannot_browse_the_audit_log_or_other_caseloads(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("audit:list")).status_code == 403
    own, other = user.county_id, ("RO-SV" if user.county_id == "RO-TM" else "RO-TM")
    assert client.get(reverse("cases:caseload"), {"county": own}).status_code == 403
    assert client.get(reverse("cases:caseload"), {"county": other}).status_code == 404
