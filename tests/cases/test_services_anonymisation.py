"""Anonymising a case on request: the flow, what is removed, what every report keeps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import AnonymisationRequest, Caregiver, Child
from cases.services.anonymisation import (
    approve_anonymisation,
    refuse_anonymisation,
    request_anonymisation,
)
from cases.services.closure import close_case
from cases.services.editing import update_case
from cases.services.followups import record_follow_up
from cases.services.transfer import request_transfer
from referrals.services import create_referral
from registration.services import register_child
from tests.cases._erasure import FIRST, columns_holding, personal_case, reports
from tests.cases._workflow import TODAY, events, open_case
from tests.factories import child_data
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def country2(db):
    return make_user("country2", "country_coordinator")


def _dataset(worker_tm, worker_sv):
    """Other cases around the one anonymised, over several quarters and two counties."""
    for seed, (user, days) in enumerate(
        [(worker_tm, 800), (worker_tm, 500), (worker_sv, 700), (worker_sv, 300)], start=20
    ):
        child = open_case(user, days_ago=days, seed=seed)
        if seed % 2:
            close_case(child, user, "needs_met", child.registration_date + dt.timedelta(days=40))


def test_approved_anonymisation_keeps_every_report_and_leaves_no_personal_value(
    worker_tm, worker_sv, coord_tm, country
):
    _dataset(worker_tm, worker_sv)
    child = personal_case(worker_tm)
    assert {needle for _t, _c, needle in columns_holding()} >= {FIRST}  # the check can fail
    before = reports()

    pending = request_anonymisation(child, coord_tm, "erasure_request")
    assert pending.status == "pending"
    child.refresh_from_db()
    assert child.first_name == FIRST  # nothing removed before the approval
    approve_anonymisation(child, country)

    assert reports() == before
    assert columns_holding() == []
    child.refresh_from_db()
    assert child.anonymised_at is not None and child.date_of_birth is None
    assert (child.status, child.closure_reason, child.closed_on) == (
        "closed",
        "left_romania",
        dt.date(2024, 8, 5),
    )
    assert child.age_group and child.sex and child.current_county_id == "RO-TM"
    assert list(child.protection_concerns.values_list("code", flat=True)) == ["neglect"]
    assert child.referrals.get().service_type == "mhpss"
    assert child.follow_ups.get().next_due is not None
    assert all(h.date_of_birth is None for h in child.history.all())
    assert child.caregiver.anonymised_at is not None  # their only child
    event = events(child, "change_case", event="anonymised").get()
    assert event.details["reason"] == "erasure_request"
    assert event.username == "country"
    assert child.history.first().history_change_reason == "anonymised reason=erasure_request"


def test_a_caregiver_of_another_case_keeps_their_data_until_the_last_child(
    worker_tm, coord_tm, country
):
    child = personal_case(worker_tm)
    sibling = register_child(child_data("RO-TM", 12), worker_tm, caregiver=child.caregiver)
    request_anonymisation(child, coord_tm, "erasure_request")
    approve_anonymisation(child, country)
    caregiver = Caregiver.objects.get(pk=child.caregiver_id)
    assert caregiver.anonymised_at is None and caregiver.first_name
    request_anonymisation(sibling, coord_tm, "purpose_ended")
    approve_anonymisation(sibling, country)
    caregiver.refresh_from_db()
    assert caregiver.anonymised_at is not None and caregiver.first_name == ""
    assert all(h.first_name == "" for h in caregiver.history.all())


def test_open_case_with_a_pending_transfer_or_closure_is_refused_with_a_message(
    worker_tm, coord_tm, country, country2
):
    child = open_case(worker_tm, risk="high")
    request_transfer(child, coord_tm, "RO-SV")
    with pytest.raises(ValidationError, match="transfer of this case is waiting"):
        request_anonymisation(child, coord_tm, "erasure_request")

    other = open_case(worker_tm, risk="high", seed=3)
    request_anonymisation(other, coord_tm, "erasure_request")
    close_case(other, worker_tm, "needs_met", TODAY())  # a field worker's: pending
    with pytest.raises(ValidationError, match="request to close this case is waiting"):
        approve_anonymisation(other, country)
    other.refresh_from_db()
    assert other.anonymised_at is None and other.first_name
    assert AnonymisationRequest.objects.get(child=other).status == "pending"


def test_roles_request_and_decide(worker_tm, coord_tm, coord_sv, country, country2):
    child = open_case(worker_tm)
    for user in (worker_tm, coord_sv):
        with pytest.raises(PermissionDenied):
            request_anonymisation(child, user, "erasure_request")
    with pytest.raises(ValidationError):
        request_anonymisation(child, coord_tm, "retention")  # retention is not asked for
    request_anonymisation(child, country, "consent_withdrawn")
    with pytest.raises(ValidationError, match="already waiting"):
        request_anonymisation(child, coord_tm, "erasure_request")
    for user in (coord_tm, country):  # not a county coordinator, not one's own request
        with pytest.raises(PermissionDenied):
            approve_anonymisation(child, user)
    refuse_anonymisation(child, country2)
    child.refresh_from_db()
    assert child.anonymised_at is None
    assert events(child, "change_case", event="anonymisation_refused").count() == 1


def test_an_anonymised_open_case_can_be_closed_but_not_edited(worker_tm, coord_tm, country):
    child = open_case(worker_tm)
    request_anonymisation(child, coord_tm, "erasure_request")
    approve_anonymisation(child, country)
    child.refresh_from_db()
    with pytest.raises(ValidationError, match="anonymised"):
        update_case(child, {"first_name": "New"}, worker_tm, child.version)
    with pytest.raises(ValidationError, match="nothing can be added"):
        create_referral(child, worker_tm, service_type="mhpss")
    with pytest.raises(PermissionDenied):
        record_follow_up(child, worker_tm, TODAY(), "phone", "", "low")
    close_case(child, worker_tm, "needs_met", TODAY())
    child.refresh_from_db()
    assert child.status == "closed"
    with pytest.raises(ValidationError, match="already anonymised"):
        request_anonymisation(child, coord_tm, "erasure_request")
    assert Child.objects.filter(pk=child.pk, first_name="").exists()


def test_history_is_cleaned_through_the_append_only_trigger(worker_tm, coord_tm, country):
    """With the history tables append-only (docs/database-roles.md), only the owner's
    function may blank their personal columns; a plain UPDATE stays refused."""
    append_only = pytest.importorskip("audit.append_only")
    from django.db import DatabaseError, connection, transaction

    append_only.install(connection)
    child = personal_case(worker_tm)
    request_anonymisation(child, coord_tm, "erasure_request")
    approve_anonymisation(child, country)
    assert columns_holding() == []
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Child.history.filter(id=child.pk).update(first_name="X")
