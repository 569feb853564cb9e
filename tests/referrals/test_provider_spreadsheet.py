"""The provider directory imported and exported as a spreadsheet in the admin."""

import pytest
import tablib

from referrals.models import ServiceProvider
from referrals.resources import ServiceProviderResource
from tests.personas import make_user

pytestmark = pytest.mark.django_db

HEADERS = ["code", "name", "kind", "county", "service_types", "phone", "active"]


def dataset(*rows):
    return tablib.Dataset(*rows, headers=HEADERS)


def test_import_creates_providers_with_codes_checked_and_reimport_changes_nothing():
    data = dataset(
        ["S-TM0001", "Centrul Speranța", "private", "RO-TM", "mhpss;education", "0256 111", "1"]
    )
    result = ServiceProviderResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    provider = ServiceProvider.objects.get(code="S-TM0001")
    assert provider.county_id == "RO-TM"
    assert provider.service_types == ["mhpss", "education"]
    again = ServiceProviderResource().import_data(data, dry_run=False)
    assert again.totals["skip"] == 1
    assert provider.history.count() == 1


@pytest.mark.parametrize(
    ("column", "value"),
    [("service_types", "mhpss;flying"), ("kind", "charity"), ("county", "RO-XX")],
)
def test_unknown_codes_are_refused_and_nothing_is_written(column, value):
    row = dict(zip(HEADERS, ["S-TM0002", "X", "private", "RO-TM", "mhpss", "", "1"], strict=True))
    row[column] = value
    result = ServiceProviderResource().import_data(dataset(list(row.values())), dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    assert not ServiceProvider.objects.filter(code="S-TM0002").exists()


def test_export_writes_codes_as_the_import_reads_them():
    ServiceProvider.objects.create(
        code="S-SV0001",
        name="DGASPC Suceava",
        kind="institutional",
        county_id="RO-SV",
        service_types=["alternative_care", "social_assistance"],
    )
    exported = ServiceProviderResource().export()
    row = dict(zip(exported.headers, exported[0], strict=True))
    assert row["county"] == "RO-SV"
    assert row["service_types"] == "alternative_care;social_assistance"


def test_superuser_sees_import_and_export_in_the_admin(client):
    admin = make_user("root", "country_coordinator", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/referrals/serviceprovider/")
    body = response.content.decode()
    assert "/admin/referrals/serviceprovider/import/" in body
    assert "/admin/referrals/serviceprovider/export/" in body
