"""The case page reads only the kinds of records a case has (cases.case_records): most
cases have no closure request, transfer, reopening, anonymisation request or referral, and
each query that finds nothing still costs its compiling (issue 14)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.case_records import has, track, tracked
from cases.models import Child
from cases.services.anonymisation import request_anonymisation
from cases.services.closure import close_case, reopen_case
from cases.services.followups import record_follow_up
from cases.services.transfer import request_transfer
from cases.services.workflow import record_assessment
from referrals.models import Referral
from referrals.services import create_referral
from tests.cases._workflow import TODAY, open_case

pytestmark = pytest.mark.django_db

# The tables of the records the case page's panels show.
TABLES = (
    "cases_followup",
    "cases_assessment",
    "cases_closurerequest",
    "cases_reopening",
    "cases_transfer",
    "cases_anonymisationrequest",
    "referrals_referral",
    "referrals_historicalreferral",
)


def _reads_of_record_tables(queries) -> list[str]:
    """Statements that read the records themselves (the scope's subqueries name transfers
    too, inside a statement that reads cases)."""
    first_table = re.compile(r'^SELECT .*? FROM "(\w+)"')
    return [
        q["sql"]
        for q in queries
        if (found := first_table.match(q["sql"])) and found.group(1) in TABLES
    ]


def test_a_case_without_records_is_shown_with_one_look_at_their_tables(client, worker_tm):
    child = open_case(worker_tm)
    client.force_login(worker_tm)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(child.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "No follow-up recorded yet." in html and "Not done yet." in html
    reads = _reads_of_record_tables(ctx.captured_queries)
    assert len(reads) == 1, reads
    assert reads[0].startswith("SELECT EXISTS")


def _with_follow_up(child, worker, coord):
    record_follow_up(child, worker, TODAY(), "phone", "Spoke with the aunt", "high")
    return "Spoke with the aunt"


def _with_assessment(child, worker, coord):
    record_assessment(child, worker, assessed_on=TODAY(), risk_level="high", strengths="Sings")
    return "Sings"


def _with_closure_request(child, worker, coord):
    close_case(child, worker, "returned_ukraine", TODAY())  # high risk: a coordinator approves
    return "asked to close the case"


def _closed_by(coord, child):
    close_case(child, coord, "returned_ukraine", TODAY())
    return Child.objects.get(pk=child.pk)


def _with_reopening(child, worker, coord):
    reopen_case(_closed_by(coord, child), coord, "Came back")
    return "Reopened on"


def _with_transfer(child, worker, coord):
    request_transfer(child, worker, "RO-SV")
    return "Waiting for Suceava to accept"


def _with_anonymisation_request(child, worker, coord):
    request_anonymisation(_closed_by(coord, child), coord, "erasure_request")
    return "A request to anonymise this case waits"


def _with_referral(child, worker, coord):
    referral = create_referral(child, worker, service_type="mhpss")
    return referral.code


@pytest.mark.parametrize(
    ("add", "kinds"),
    [
        (_with_follow_up, {"follow_ups"}),
        (_with_assessment, {"assessments"}),
        (_with_closure_request, {"closure_requests"}),
        (_with_reopening, {"closure_requests", "reopenings"}),
        (_with_transfer, {"transfers"}),
        (_with_anonymisation_request, {"closure_requests", "anonymisation_requests"}),
        (_with_referral, {"referrals", "referral_history"}),
    ],
    ids=lambda value: getattr(value, "__name__", "")[6:] or None,
)
def test_each_kind_of_record_is_read_and_shown_when_the_case_has_one(
    client, worker_tm, coord_tm, add, kinds
):
    child = open_case(worker_tm, risk="high")
    shown = add(child, worker_tm, coord_tm)
    child = Child.objects.get(pk=child.pk)
    assert {kind for kind in tracked() if has(child, kind)} == kinds

    client.force_login(coord_tm)
    response = client.get(child.get_absolute_url())
    assert response.status_code == 200
    assert shown in response.content.decode()


def test_a_refreshed_case_reads_its_records_again(worker_tm):
    child = open_case(worker_tm)
    assert not has(child, "follow_ups")
    record_follow_up(child, worker_tm, TODAY(), "phone", "", "low")
    assert not has(child, "follow_ups")  # read once for the page being rendered
    child.refresh_from_db()
    assert has(child, "follow_ups")


def test_only_records_that_point_to_a_case_can_be_tracked():
    with pytest.raises(ValueError, match="does not point to a case"):
        track("providers", Referral, "provider")
    with pytest.raises(KeyError):
        has(Child(pk=1), "households")
