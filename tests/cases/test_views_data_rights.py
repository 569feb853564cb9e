"""The case page's data-rights panel: anonymisation on request and subject access."""

from __future__ import annotations

import json
import subprocess

import pytest
from django.urls import reverse

from cases.models import AnonymisationRequest
from cases.services.anonymisation import request_anonymisation
from tests.cases._erasure import CAREGIVER_FIRST, FIRST, personal_case
from tests.cases._workflow import events, open_case
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def country2(db):
    return make_user("country2", "country_coordinator")


def url(child, name, **kw):
    return reverse(f"cases:{name}", kwargs={"code": child.code, **kw})


# Asking ------------------------------------------------------------------------------
def test_coordinator_asks_and_the_country_coordinator_approves(
    client, worker_tm, coord_tm, country
):
    child = open_case(worker_tm)
    client.force_login(coord_tm)
    page = client.get(child.get_absolute_url()).content.decode()
    assert "Ask to anonymise the case" in page
    form = client.get(url(child, "anonymise")).content.decode()
    assert "The family asked for their data to be erased" in form
    assert "retention period" not in form  # not a reason anyone asks for
    response = client.post(url(child, "anonymise"), {"reason": "erasure_request"})
    assert response.status_code == 302
    assert AnonymisationRequest.objects.get(child=child).status == "pending"
    assert events(child, "change_case", event="anonymisation_requested").count() == 1

    client.force_login(country)
    listing = client.get(reverse("cases:anonymisation_requests")).content.decode()
    assert child.code in listing
    page = client.get(child.get_absolute_url()).content.decode()
    assert "Approve and anonymise" in page
    response = client.post(url(child, "approve_anonymisation"), follow=True)
    assert "The case was anonymised" in response.content.decode()
    child.refresh_from_db()
    assert child.anonymised_at is not None and child.first_name == ""
    assert "was removed on" in client.get(child.get_absolute_url()).content.decode()


def test_a_bad_reason_is_refused_with_a_message_and_nothing_is_asked(client, worker_tm, coord_tm):
    child = open_case(worker_tm)
    client.force_login(coord_tm)
    for reason in ("retention", "<script>", ""):
        response = client.post(url(child, "anonymise"), {"reason": reason})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode() or "required" in (
            response.content.decode()
        )
    assert not AnonymisationRequest.objects.exists()


def test_a_pending_transfer_refuses_with_a_message(client, worker_tm, coord_tm):
    from cases.services.transfer import request_transfer

    child = open_case(worker_tm)
    request_transfer(child, coord_tm, "RO-SV")
    client.force_login(coord_tm)
    page = client.get(child.get_absolute_url()).content.decode()
    assert "A transfer of this case is waiting for a decision" in page
    response = client.post(url(child, "anonymise"), {"reason": "erasure_request"})
    assert "A transfer of this case is waiting for a decision" in response.content.decode()
    assert not AnonymisationRequest.objects.exists()


def test_country_coordinator_refuses(client, worker_tm, coord_tm, country):
    child = open_case(worker_tm)
    request_anonymisation(child, coord_tm, "purpose_ended")
    client.force_login(country)
    response = client.post(url(child, "refuse_anonymisation"), follow=True)
    assert "was refused" in response.content.decode()
    assert AnonymisationRequest.objects.get().status == "refused"
    child.refresh_from_db()
    assert child.anonymised_at is None


def test_wrong_methods_get_405(client, worker_tm, coord_tm, country):
    child = open_case(worker_tm)
    client.force_login(country)
    assert client.put(url(child, "anonymise")).status_code == 405
    assert client.get(url(child, "approve_anonymisation")).status_code == 405
    assert client.get(url(child, "refuse_anonymisation")).status_code == 405
    assert client.post(reverse("cases:anonymisation_requests")).status_code == 405
    assert client.post(url(child, "subject_access", fmt="pdf")).status_code == 405


def test_wrong_roles_get_403(client, worker_tm, coord_tm, country):
    child = open_case(worker_tm)
    client.force_login(worker_tm)
    assert client.get(url(child, "anonymise")).status_code == 403
    assert client.post(url(child, "anonymise"), {"reason": "erasure_request"}).status_code == 403
    assert client.get(url(child, "subject_access", fmt="json")).status_code == 403
    assert "Ask to anonymise" not in client.get(child.get_absolute_url()).content.decode()
    request_anonymisation(child, coord_tm, "erasure_request")
    client.force_login(coord_tm)  # asks, but does not decide
    assert client.post(url(child, "approve_anonymisation")).status_code == 403
    assert client.get(reverse("cases:anonymisation_requests")).status_code == 403
    client.force_login(country)  # the country coordinator's own request: four eyes
    other = open_case(worker_tm, seed=4)
    request_anonymisation(other, country, "erasure_request")
    assert client.post(url(other, "approve_anonymisation")).status_code == 403
    assert AnonymisationRequest.objects.filter(status="pending").count() == 2


def test_other_county_gets_404(client, worker_tm, coord_sv):
    child = open_case(worker_tm)
    client.force_login(coord_sv)
    assert client.get(url(child, "anonymise")).status_code == 404
    assert client.post(url(child, "anonymise"), {"reason": "erasure_request"}).status_code == 404
    assert client.post(url(child, "approve_anonymisation")).status_code == 404
    assert client.get(url(child, "subject_access", fmt="pdf")).status_code == 404
    response = client.get(reverse("cases:subject_access", kwargs={"code": "C-NOPE", "fmt": "pdf"}))
    assert response.status_code == 404
    assert not AnonymisationRequest.objects.exists()
    assert not events(child, "export").exists()


# Subject access ------------------------------------------------------------------------
def test_subject_access_json_holds_everything_and_is_audited(client, worker_tm, coord_tm):
    child = personal_case(worker_tm)
    client.force_login(coord_tm)
    response = client.get(url(child, "subject_access", fmt="json") + "?language=uk")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response.get("Cache-Control", "") or "no-cache" in response.get(
        "Cache-Control", ""
    )
    doc = json.loads(response.content)
    assert doc["case"] == child.code and doc["language"] == "uk"
    answers = {q["code"]: q["value"] for s in doc["answers"] for q in s["questions"]}
    assert answers["first_name"] == FIRST
    assert doc["caregiver"]["fields"][0]["value"] == CAREGIVER_FIRST
    management = {f["name"]: f["value"] for f in doc["case_management"]["fields"]}
    assert management["status"] == "closed" and management["closure_reason"] == "left_romania"
    assert "name_key" not in management and "first_name" not in management
    kinds = {r["model"]: len(r["rows"]) for r in doc["records"]}
    assert kinds["followup"] == 1 and kinds["referral"] == 1 and kinds["closurerequest"] == 1
    assert kinds["assessment"] == 1
    assert doc["history"] and doc["audit_events"]
    event = events(child, "export", export="subject_access").get()
    assert event.details == {"export": "subject_access", "format": "json", "language": "uk"}
    assert FIRST not in str(event.details)


def test_subject_access_pdf_in_ukrainian(client, worker_tm, coord_tm, tmp_path):
    child = personal_case(worker_tm)
    client.force_login(coord_tm)
    response = client.get(url(child, "subject_access", fmt="pdf") + "?language=uk")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = tmp_path / "sa.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert FIRST in text and child.code in text
    assert "Усе, що зберігається" in text  # the title, in Ukrainian
    assert events(child, "export", export="subject_access", format="pdf").count() == 1
