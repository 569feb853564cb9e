import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Child
from cases.services.assignment import assign_case
from cases.services.sharing import share_case, shared_with, unshare_case
from tests.cases._workflow import events, open_case

pytestmark = pytest.mark.django_db


def visible(user, child):
    return Child.objects.visible_to(user).filter(pk=child.pk).exists()


def test_coordinator_shares_and_revokes(coord_tm, worker_tm, worker_sv):
    child = open_case(worker_tm)
    share_case(child, coord_tm, worker_sv)
    assert visible(worker_sv, child)
    assert list(shared_with(child)) == [worker_sv]
    assert events(child, "share", step="granted").get().details["user_id"] == worker_sv.pk
    unshare_case(child, coord_tm, worker_sv)
    assert not visible(worker_sv, child)
    assert events(child, "share", step="revoked").count() == 1


def test_field_worker_and_other_coordinator_cannot_share(worker_tm, coord_sv, worker_sv):
    child = open_case(worker_tm)
    for user in (worker_tm, coord_sv):
        with pytest.raises(PermissionDenied):
            share_case(child, user, worker_sv)
    assert not visible(worker_sv, child)


def test_cannot_share_with_someone_who_already_sees_it(coord_tm, worker_tm, worker_sv, country):
    child = open_case(worker_tm)
    for target in (worker_tm, country):
        with pytest.raises(ValidationError):
            share_case(child, coord_tm, target)
    share_case(child, coord_tm, worker_sv)
    with pytest.raises(ValidationError):
        share_case(child, coord_tm, worker_sv)


def test_revoking_clears_the_assignment_of_the_outsider(coord_tm, worker_tm, worker_sv):
    child = open_case(worker_tm)
    share_case(child, coord_tm, worker_sv)
    assign_case(child, coord_tm, worker_sv)
    unshare_case(child, coord_tm, worker_sv)
    child.refresh_from_db()
    assert child.assigned_to is None
    assert not visible(worker_sv, child)


def test_a_closed_case_cannot_be_shared(coord_tm, worker_tm, worker_sv):
    from cases.services.closure import close_case
    from tests.cases._workflow import TODAY

    child = open_case(worker_tm)
    close_case(child, coord_tm, "returned_ukraine", TODAY())
    child.refresh_from_db()
    with pytest.raises(ValidationError, match="The case is closed."):
        share_case(child, coord_tm, worker_sv)
    assert not visible(worker_sv, child)
    assert not events(child, "share").exists()
