import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Child
from cases.services.assignment import assign_case, assignable_workers
from cases.services.sharing import share_case
from tests.cases._workflow import events, open_case
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def test_coordinator_assigns_a_worker_who_then_opens_the_case(coord_tm, worker_tm, worker2_tm):
    child = open_case(worker_tm)
    assert not Child.objects.visible_to(worker2_tm).filter(pk=child.pk).exists()
    assign_case(child, coord_tm, worker2_tm)
    child.refresh_from_db()
    assert child.assigned_to == worker2_tm and child.version == 2
    assert Child.objects.visible_to(worker2_tm).filter(pk=child.pk).exists()
    event = events(child, "change_case", event="assigned").get()
    assert event.details["assigned_to_id"] == worker2_tm.pk
    assert child.history.first().history_user == coord_tm


def test_reassign_and_clear(coord_tm, worker_tm, worker2_tm):
    child = open_case(worker_tm)
    assign_case(child, coord_tm, worker2_tm)
    assign_case(child, coord_tm, worker_tm)
    assign_case(child, coord_tm, None)
    child.refresh_from_db()
    assert child.assigned_to is None and child.version == 4
    with pytest.raises(ValidationError):
        assign_case(child, coord_tm, None)


def test_field_worker_and_other_county_coordinator_cannot_assign(worker_tm, worker2_tm, coord_sv):
    child = open_case(worker_tm)
    for user in (worker_tm, coord_sv):
        with pytest.raises(PermissionDenied):
            assign_case(child, user, worker2_tm)
    child.refresh_from_db()
    assert child.assigned_to is None and child.version == 1


def test_only_active_field_workers_who_may_open_the_case(coord_tm, worker_tm, worker_sv, country):
    child = open_case(worker_tm)
    inactive = make_user("gone.tm", "field_worker", "RO-TM", is_active=False)
    for user in (worker_sv, inactive, coord_tm):
        with pytest.raises(ValidationError):
            assign_case(child, country, user)
    assert set(assignable_workers(child)) == {worker_tm}
    # Shared with a worker of another county: that worker may be assigned.
    share_case(child, coord_tm, worker_sv)
    assign_case(child, country, worker_sv)
    child.refresh_from_db()
    assert child.assigned_to == worker_sv
