"""Child.objects.visible_to(user): the one rule of roles.md for "cases they can open"."""

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from cases.models import Child
from tests.factories import make_child

pytestmark = pytest.mark.django_db


def codes(user):
    return set(Child.objects.visible_to(user).values_list("code", flat=True))


def test_field_worker_sees_own_registrations_and_assignments_only(worker_tm, worker2_tm, coord_tm):
    own = make_child(worker_tm, seed=1)
    colleague = make_child(worker2_tm, seed=2)
    assigned = make_child(coord_tm, seed=3)
    assigned.assigned_to = worker_tm
    assigned.save()
    assert codes(worker_tm) == {own.code, assigned.code}
    assert colleague.code not in codes(worker_tm)


def test_county_coordinator_sees_every_case_of_their_county_by_current_county(
    coord_tm, worker_tm, worker_sv
):
    tm_case = make_child(worker_tm, seed=1)
    moved_in = make_child(worker_sv, county="RO-SV", seed=2, current_county="RO-TM")
    sv_case = make_child(worker_sv, county="RO-SV", seed=3)
    assert codes(coord_tm) == {tm_case.code, moved_in.code}
    assert sv_case.code not in codes(coord_tm)


def test_country_coordinator_sees_all_cases(country, worker_tm, worker_sv):
    a = make_child(worker_tm, seed=1)
    b = make_child(worker_sv, seed=2)
    assert codes(country) == {a.code, b.code}


def test_anonymous_records_are_not_cases_for_anybody(country, worker_tm, coord_tm):
    anonymous = make_child(worker_tm, seed=1, consent_registration=False, age_group="6-13")
    assert anonymous.anonymous
    for user in (country, worker_tm, coord_tm):
        assert anonymous.code not in codes(user)


def test_a_case_shared_one_by_one_is_visible_until_revoked(worker_tm, worker_sv, coord_sv):
    case = make_child(worker_tm, seed=1)
    assert case.code not in codes(worker_sv)
    assign_perm("cases.view_child", worker_sv, case)
    assign_perm("cases.view_child", coord_sv, case)
    assert case.code in codes(worker_sv)
    assert case.code in codes(coord_sv)
    remove_perm("cases.view_child", worker_sv, case)
    assert case.code not in codes(worker_sv)


def test_inactive_user_sees_nothing(worker_tm):
    make_child(worker_tm, seed=1)
    worker_tm.is_active = False
    worker_tm.save()
    assert codes(worker_tm) == set()


def test_registering_worker_loses_the_case_when_the_family_moves_to_another_county(
    worker_tm, worker_sv, country
):
    from cases.services.transfer import transfer_case

    case = make_child(worker_tm, seed=1)
    border = make_child(worker_sv, county="RO-SV", seed=2, current_county="RO-TM")
    transfer_case(case, country, "RO-SV")
    assert case.code not in codes(worker_tm)
    # Registered at the border for a family living elsewhere: still the worker's own.
    assert border.code in codes(worker_sv)


# A field worker's scope is compiled once per worker and process (issue 14): what it reads
# (shares, grants, transfers) must still be read when it runs, and a worker moved to
# another county must get the scope of their new county.


def test_an_emergency_grant_ends_at_its_expiry_for_a_scope_already_compiled(worker_tm, worker_sv):
    from emergency.services import grant_emergency_access

    case = make_child(worker_sv, seed=1)
    assert case.code not in codes(worker_tm)  # the scope's SQL is now kept
    grant = grant_emergency_access(worker_tm, case, "Child alone at the border, no papers.")
    assert case.code in codes(worker_tm)
    assert case.code not in set(
        Child.objects.visible_to(worker_tm, emergency=False).values_list("code", flat=True)
    )
    type(grant).objects.filter(pk=grant.pk).update(expires_at=timezone.now())
    assert case.code not in codes(worker_tm)


def test_a_worker_moved_to_another_county_gets_the_scope_of_the_new_county(worker_tm, country):
    from cases.services.transfer import transfer_case

    case = make_child(worker_tm, seed=1)
    transfer_case(case, country, "RO-SV")  # the family moved: Timiș loses the case
    assert case.code not in codes(worker_tm)
    worker_tm.county_id = "RO-SV"
    worker_tm.save()
    # Registered by them, now in their county: theirs again.
    assert case.code in codes(worker_tm)
