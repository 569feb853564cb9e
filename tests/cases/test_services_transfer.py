import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Child, Transfer
from cases.services.assignment import assign_case
from cases.services.transfer import (
    accept_transfer,
    cancel_transfer,
    refuse_transfer,
    request_transfer,
    transfer_case,
)
from tests.cases._workflow import events, open_case
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def visible(user, child):
    return Child.objects.visible_to(user).filter(pk=child.pk).exists()


def test_request_and_accept_moves_the_case_and_the_access(
    coord_tm, worker_tm, worker2_tm, coord_sv, worker_sv
):
    child = open_case(coord_tm)  # registered by the coordinator: no worker keeps it
    assign_case(child, coord_tm, worker2_tm)
    transfer = request_transfer(child, worker2_tm, "RO-SV")
    assert transfer.status == "pending" and transfer.from_county_id == "RO-TM"
    assert not visible(coord_sv, child)  # the receiving county cannot open it yet
    accept_transfer(transfer, coord_sv, worker_sv)
    child.refresh_from_db()
    transfer.refresh_from_db()
    assert child.current_county_id == "RO-SV" and child.assigned_to == worker_sv
    assert transfer.status == "accepted" and transfer.decided_by == coord_sv
    assert visible(coord_sv, child) and visible(worker_sv, child)
    assert not visible(coord_tm, child) and not visible(worker2_tm, child)
    assert child.version == 3
    history = list(child.history.all()[:2])
    assert history[0].history_user == coord_sv
    assert history[0].history_change_reason == f"transfer code={transfer.code} from=RO-TM to=RO-SV"
    # Each step is written for both counties.
    steps = events(child, "transfer")
    assert set(steps.values_list("details__step", "county_id")) == {
        ("requested", "RO-TM"),
        ("requested", "RO-SV"),
        ("accepted", "RO-TM"),
        ("accepted", "RO-SV"),
    }


def test_accept_without_worker_clears_the_assignment(coord_tm, worker_tm, worker2_tm, coord_sv):
    child = open_case(worker_tm)
    assign_case(child, coord_tm, worker2_tm)
    accept_transfer(request_transfer(child, coord_tm, "RO-SV"), coord_sv)
    child.refresh_from_db()
    assert child.assigned_to is None
    assert not visible(worker2_tm, child)
    # Issue 4: the old county loses access, the worker who registered the case included.
    assert not visible(worker_tm, child)


def test_refuse_leaves_the_case_where_it_is(worker_tm, coord_tm, coord_sv):
    child = open_case(worker_tm)
    transfer = request_transfer(child, worker_tm, "RO-SV")
    refuse_transfer(transfer, coord_sv, "Family not at this address")
    child.refresh_from_db()
    transfer.refresh_from_db()
    assert transfer.status == "refused" and child.current_county_id == "RO-TM"
    assert child.version == 1
    with pytest.raises(ValidationError):
        accept_transfer(transfer, coord_sv)


def test_only_the_receiving_coordinator_decides(worker_tm, coord_tm, coord_sv, worker_sv, country):
    child = open_case(worker_tm)
    transfer = request_transfer(child, worker_tm, "RO-SV")
    for user in (coord_tm, worker_sv, worker_tm):
        with pytest.raises(PermissionDenied):
            accept_transfer(transfer, user)
        with pytest.raises(PermissionDenied):
            refuse_transfer(transfer, user)
    assert Transfer.objects.get().status == "pending"
    accept_transfer(transfer, country)
    child.refresh_from_db()
    assert child.current_county_id == "RO-SV"


def test_accepting_coordinator_assigns_only_own_workers(worker_tm, coord_sv, worker2_tm):
    child = open_case(worker_tm)
    transfer = request_transfer(child, worker_tm, "RO-SV")
    with pytest.raises(ValidationError):
        accept_transfer(transfer, coord_sv, worker2_tm)
    assert Transfer.objects.get().status == "pending"


def test_request_rules(worker_tm, worker2_tm, coord_sv):
    child = open_case(worker_tm)
    with pytest.raises(ValidationError):
        request_transfer(child, worker_tm, "RO-TM")
    with pytest.raises(ValidationError):
        request_transfer(child, worker_tm, "RO-XX")
    with pytest.raises(PermissionDenied):
        request_transfer(child, worker2_tm, "RO-SV")  # not theirs
    request_transfer(child, worker_tm, "RO-SV")
    with pytest.raises(ValidationError):
        request_transfer(child, worker_tm, "RO-B")


def test_cancel(worker_tm, coord_tm, worker2_tm):
    child = open_case(worker_tm)
    transfer = request_transfer(child, worker_tm, "RO-SV")
    with pytest.raises(PermissionDenied):
        cancel_transfer(transfer, worker2_tm)
    cancel_transfer(transfer, coord_tm)
    transfer.refresh_from_db()
    assert transfer.status == "cancelled"
    assert events(child, "transfer", step="cancelled").count() == 2


def test_country_coordinator_transfers_directly(worker_tm, coord_tm, country, worker_sv):
    child = open_case(worker_tm)
    with pytest.raises(PermissionDenied):
        transfer_case(child, coord_tm, "RO-SV")
    transfer = transfer_case(child, country, "RO-SV", worker_sv)
    child.refresh_from_db()
    assert transfer.status == "accepted" and transfer.decided_by == country
    assert child.current_county_id == "RO-SV" and child.assigned_to == worker_sv
    assert events(child, "transfer", step="transferred").count() == 2


def test_inactive_receiving_worker_is_refused(worker_tm, country):
    child = open_case(worker_tm)
    gone = make_user("gone.sv", "field_worker", "RO-SV", is_active=False)
    with pytest.raises(ValidationError):
        transfer_case(child, country, "RO-SV", gone)
