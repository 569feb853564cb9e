"""The workflow panel of the case page: what each role is shown and offered."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from cases.services.closure import close_case
from cases.services.followups import record_follow_up
from cases.services.sharing import share_case
from cases.services.transfer import request_transfer
from cases.services.workflow import mark_referred, record_assessment
from tests.cases._workflow import TODAY, open_case

pytestmark = pytest.mark.django_db

PANEL = Template("{% load case_workflow %}{% workflow_panel %}")


def render(user, child):
    request = RequestFactory().get(child.get_absolute_url())
    request.user = user
    return PANEL.render(Context({"request": request, "child": child}))


def test_stage_steps_mark_the_current_one(worker_tm):
    child = open_case(worker_tm)
    record_assessment(child, worker_tm, assessed_on=TODAY(), risk_level="low")
    child.refresh_from_db()
    html = render(worker_tm, child)
    assert 'class="stage done">Registered' in html
    assert 'class="stage current" aria-current="step">Initial assessment done' in html


def test_a_case_referred_before_any_assessment_shows_the_assessment_not_done(worker_tm):
    child = open_case(worker_tm)
    mark_referred(child, worker_tm)
    child.refresh_from_db()
    html = render(worker_tm, child)
    assert 'class="stage">Initial assessment done' in html
    assert 'class="stage done">Initial assessment done' not in html
    assert 'class="stage done">Registered' in html
    assert 'class="stage current" aria-current="step">Referred to services' in html
    assert "Not done yet." in html
    # Once assessed, the bar and the panel agree again.
    record_assessment(child, worker_tm, assessed_on=TODAY(), risk_level="low")
    child.refresh_from_db()
    html = render(worker_tm, child)
    assert 'class="stage done">Initial assessment done' in html
    assert "Not done yet." not in html


def test_coordinator_is_offered_what_a_worker_is_not(worker_tm, coord_tm):
    child = open_case(worker_tm)
    worker_html, coord_html = render(worker_tm, child), render(coord_tm, child)
    for offer in ("Assign or reassign", "Share with a user of another county"):
        assert offer in coord_html and offer not in worker_html
    for offer in ("Record a follow-up", "Close the case", "Ask another county"):
        assert offer in worker_html and offer in coord_html


def test_closed_case_shows_its_reason_and_offers_reopening(worker_tm):
    child = open_case(worker_tm)
    close_case(child, worker_tm, "returned_ukraine", TODAY())
    child.refresh_from_db()
    html = render(worker_tm, child)
    assert "Returned to Ukraine" in html and "Reopen the case" in html
    assert "Record a follow-up" not in html and "Close the case" not in html


def test_waiting_transfer_is_shown_and_the_country_may_decide(worker_tm, country):
    child = open_case(worker_tm)
    request_transfer(child, worker_tm, "RO-SV")
    worker_html = render(worker_tm, child)
    assert "Waiting for Suceava to accept" in worker_html
    assert "Withdraw the request" in worker_html and "Decide" not in worker_html
    assert "Decide" in render(country, child)


def test_panel_queries_do_not_grow_with_the_records(
    worker_tm, coord_tm, worker_sv, django_assert_max_num_queries
):
    child = open_case(worker_tm)
    share_case(child, coord_tm, worker_sv)
    for _ in range(8):
        record_follow_up(child, worker_tm, TODAY(), "phone", "", "low")
    record_assessment(child, worker_tm, assessed_on=TODAY(), risk_level="low")
    child.refresh_from_db()
    with django_assert_max_num_queries(9):
        html = render(coord_tm, child)
    assert "The 5 latest of 8 follow-ups." in html
    assert "worker.sv" in html


def test_a_closed_case_is_not_offered_for_sharing_but_its_shares_can_be_revoked(
    worker_tm, coord_tm, worker_sv
):
    child = open_case(worker_tm)
    share_case(child, coord_tm, worker_sv)
    close_case(child, coord_tm, "returned_ukraine", TODAY())
    child.refresh_from_db()
    html = render(coord_tm, child)
    assert "Share with a user of another county" not in html
    assert "Revoke" in html and worker_sv.username in html
