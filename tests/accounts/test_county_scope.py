"""county_scope(user): the one rule "a county coordinator sees their county, the country
coordinator everything" that the statistics, reports, audit log and imports read."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.scope import EVERYWHERE, NOWHERE, CountyScope, county_scope
from audit.log import record
from audit.models import Action, AuditEvent
from imports.models import ImportJob
from imports.validation import Scope
from reporting import dashboard, services
from reporting.models import ReportSnapshot
from reporting.views import reports_visible_to
from tests.factories import make_child
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def test_each_role(worker_tm, coord_tm, coord_sv, country):
    assert county_scope(worker_tm) == NOWHERE
    assert county_scope(coord_tm) == CountyScope(county="RO-TM")
    assert county_scope(coord_sv) == CountyScope(county="RO-SV")
    assert county_scope(country) == EVERYWHERE


def test_nobody_logged_in_and_inactive_users_have_no_scope(coord_tm, country):
    assert county_scope(AnonymousUser()) == NOWHERE
    for user in (coord_tm, country):
        user.is_active = False
        user.save()
        assert county_scope(User.objects.get(pk=user.pk)) == NOWHERE


@pytest.mark.parametrize(
    ("role", "county", "expected"),
    [
        ("field_worker", "RO-TM", NOWHERE),
        ("county_coordinator", "RO-TM", CountyScope(county="RO-TM")),
        ("country_coordinator", None, EVERYWHERE),
    ],
)
def test_superuser_status_opens_the_admin_only_the_role_decides(role, county, expected):
    root = make_user("root", role, county, is_staff=True, is_superuser=True)
    assert county_scope(root) == expected


def test_allows_and_filter(coord_tm, country, worker_tm):
    tm = county_scope(coord_tm)
    assert tm.allows("RO-TM") and not tm.allows("RO-SV") and not tm.allows(None)
    assert county_scope(country).allows(None) and county_scope(country).allows("RO-SV")
    assert not county_scope(worker_tm).allows("RO-TM") and not county_scope(worker_tm).allows(None)
    assert county_scope(worker_tm).empty and not tm.empty


@pytest.fixture
def records(worker_tm, worker_sv, coord_tm, coord_sv, country):
    """Something of each kind in Timiș and in Suceava."""
    tm, sv = make_child(worker_tm, seed=1), make_child(worker_sv, county="RO-SV", seed=2)
    record(worker_tm, Action.VIEW_CASE, obj=tm)
    record(worker_sv, Action.VIEW_CASE, obj=sv)
    for user in (coord_tm, coord_sv):
        ImportJob.objects.create(created_by=user, county_id=user.county_id)
        ReportSnapshot.objects.create(period="2023Q4", county_id=user.county_id)
    ReportSnapshot.objects.create(period="2023Q4", county=None)


def _counties(qs, field: str = "county_id") -> set:
    return set(qs.values_list(field, flat=True))


@pytest.mark.parametrize("persona", ["worker_tm", "coord_tm", "coord_sv", "country", "inactive"])
def test_every_county_scoped_list_follows_county_scope(request, records, persona):
    if persona == "inactive":
        user = make_user("gone", "county_coordinator", "RO-TM", is_active=False)
    else:
        user = request.getfixturevalue(persona)
    scope = county_scope(user)
    everything = {"RO-TM", "RO-SV"}
    expected = everything if scope.everywhere else everything & {scope.county}
    assert _counties(AuditEvent.objects.visible_to(user)) == expected
    assert _counties(ImportJob.objects.visible_to(user)) == expected
    assert _counties(reports_visible_to(user)) - {None} == expected
    assert (None in _counties(reports_visible_to(user))) == scope.everywhere
    assert _counties(dashboard.statistics_scope(user), "current_county_id") == expected
    assert _counties(dashboard.case_scope(user), "current_county_id") == expected
    for county in ("RO-TM", "RO-SV", None):
        assert services.may_request(user, county) == scope.allows(county)
        assert user.coordinates_county(county) == scope.allows(county)
    if scope.empty:
        with pytest.raises(PermissionError):
            Scope.for_user(user)
    else:
        assert Scope.for_user(user).allows("RO-SV") == scope.allows("RO-SV")
