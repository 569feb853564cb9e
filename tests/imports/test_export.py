"""Record-level export: scoped, filtered, audited, neutralised, and importable unchanged."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import Action, AuditEvent
from cases.models import Child
from cases.services.sharing import share_case
from imports.export import neutralise
from imports.reading import Source
from imports.services import run_import
from referrals.models import Referral, ServiceProvider
from tests.factories import make_child
from tests.imports.helpers import caregiver_row, child_row, exported, referral_row, sources


def _unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name.removesuffix(".csv"): archive.read(name) for name in archive.namelist()}


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _seed(country):
    ServiceProvider.objects.create(
        name="=Clinic", kind="private", county_id="RO-TM", service_types=["health"]
    )
    result = run_import(
        sources(
            [
                child_row("REF-1", medical_needs="'- asthma", interviewer_notes="'=not a formula"),
                child_row(
                    "REF-2",
                    first_name="Mykola",
                    sex="male",
                    status="closed",
                    closed_on="2023-07-01",
                    closure_reason="needs_met",
                ),
            ],
            [caregiver_row()],
            [referral_row("REF-1", provider_name="'=Clinic")],
        ),
        country,
    )
    assert result.ok, result.issues
    # Records registered in the browser (no record_ref), with a referral of their own.
    # (The demo generator leaves some conditional answers empty: set them as the form would.)
    valid = {
        "care_arrangement": "parents",
        "uasc_status": "accompanied",
        "has_disability": "no",
        "disability_details": "",
        "caregiver_first_name": "Iryna",
        "caregiver_last_name": "Melnyk",
        "caregiver_relationship": "mother",
        "caregiver_sex": "female",
        "caregiver_id_document_type": "passport",
        "caregiver_is_legal_guardian": True,
        "caregiver_ability_to_care": "yes",
        "id_document_type": "passport",
    }
    make_child(
        country,
        "RO-TM",
        seed=3,
        services_needed=["mhpss"],
        protection_concerns=["neglect"],
        concern_source="observed",
        concern_details="x",
        risk_level="medium",
        risk_justification="y",
        **valid,
    )
    make_child(
        country,
        "RO-SV",
        seed=4,
        protection_concerns=[],
        concern_source="",
        risk_level="low",
        services_needed=[],
        **valid,
    )


@pytest.mark.django_db
def test_export_csv_round_trip_changes_nothing(client, country):
    _seed(country)
    client.force_login(country)
    files = _unzip(exported(client))
    assert set(files) == {"children", "caregivers", "referrals"}
    assert len(_rows(files["children"])) == 4
    history = {c.pk: c.history.count() for c in Child.objects.all()}
    result = run_import({f: Source(f, f"{f}.csv", data) for f, data in files.items()}, country)
    assert result.ok, [str(i) for i in result.issues]
    assert result.counts_dict()["children"] == {"new": 0, "changed": 0, "unchanged": 4}
    assert result.counts_dict()["referrals"]["new"] == 0
    assert result.counts_dict()["caregivers"]["new"] == 0
    assert {c.pk: c.history.count() for c in Child.objects.all()} == history
    assert Referral.objects.count() == 2


@pytest.mark.django_db
def test_export_xlsx_round_trip_as_one_workbook(client, country):
    _seed(country)
    client.force_login(country)
    content = exported(client, "xlsx")
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    assert workbook.sheetnames == ["children", "caregivers", "referrals"]
    result = run_import({"children": Source("children", "cases.xlsx", content)}, country)
    assert result.ok, [str(i) for i in result.issues]
    assert result.counts_dict() == {
        "children": {"new": 0, "changed": 0, "unchanged": 4},
        "caregivers": {"new": 0, "changed": 0, "unchanged": 3},
        "referrals": {"new": 0, "changed": 0, "unchanged": 2},
    }


@pytest.mark.django_db
def test_formula_like_cells_are_neutralised(client, country):
    _seed(country)
    client.force_login(country)
    files = _unzip(exported(client))
    child = next(r for r in _rows(files["children"]) if r["record_ref"] == "REF-1")
    assert child["medical_needs"] == "'- asthma"
    assert child["interviewer_notes"] == "'=not a formula"
    assert child["contact_phone"] == "'+40722123456"
    referral = next(r for r in _rows(files["referrals"]) if r["record_ref"] == "REF-1")
    assert referral["provider_name"] == "'=Clinic"
    assert neutralise("@cmd") == "'@cmd" and neutralise("plain") == "plain"


@pytest.mark.django_db
def test_county_coordinator_exports_their_county_only_and_is_audited(client, country, coord_tm):
    _seed(country)
    client.force_login(coord_tm)
    files = _unzip(exported(client))
    counties = {r["current_county"] for r in _rows(files["children"])}
    assert counties == {"RO-TM"}
    event = AuditEvent.objects.get(action=Action.EXPORT, details__has_key="format")
    assert event.user == coord_tm and event.county_id == "RO-TM"
    assert event.details["children"] == 3 and event.details["format"] == "csv"


@pytest.mark.django_db
def test_a_case_shared_from_another_county_is_opened_but_not_exported(
    client, country, coord_tm, coord_sv
):
    # roles.md: a county coordinator opens their county's cases and those shared with them,
    # but a record-level export holds their county only.
    _seed(country)
    shared = make_child(coord_sv, first_name="Shared", current_county_id="RO-SV")
    share_case(shared, coord_sv, coord_tm)
    client.force_login(coord_tm)
    assert client.get(shared.get_absolute_url()).status_code == 200
    children = _rows(_unzip(exported(client))["children"])
    assert {r["current_county"] for r in children} == {"RO-TM"}
    assert len(children) == 3


@pytest.mark.django_db
def test_export_follows_the_case_list_filters(client, country):
    _seed(country)
    client.force_login(country)
    rows = _rows(_unzip(exported(client, params={"status": "closed", "q": "Mykola"}))["children"])
    assert [r["record_ref"] for r in rows] == ["REF-2"]
    event = AuditEvent.objects.get(action=Action.EXPORT, details__has_key="format")
    assert event.details["filters"] == {"status": "closed", "q": "used"}
    assert "Mykola" not in str(event.details)


@pytest.mark.django_db
def test_anonymous_records_are_not_exported(client, country):
    from tests.imports.helpers import anonymous_row

    run_import(sources([anonymous_row()], None), country)
    client.force_login(country)
    rows = _rows(_unzip(exported(client))["children"])
    assert rows == []


@pytest.mark.django_db
def test_export_links_keep_the_filters_for_coordinators_only(rf, coord_tm, worker_tm):
    from django.template.loader import render_to_string

    request = rf.get("/cases/", {"status": "open", "risk_level": "high"})
    request.user = coord_tm
    html = render_to_string("imports/_export_links.html", {"user": coord_tm}, request=request)
    assert reverse("imports:export_csv") + "?status=open&amp;risk_level=high" in html
    assert reverse("imports:export_xlsx") in html
    request.user = worker_tm
    assert "export" not in render_to_string(
        "imports/_export_links.html", {"user": worker_tm}, request=request
    )


@pytest.mark.django_db
def test_export_follows_a_name_search_kept_in_the_session(client, country):
    """The case list may keep the typed name in the session behind ?s=: the export links
    copy the list's query string, and the export reads it the way the list does."""
    import cases.views.case_list as case_list_module

    if not hasattr(case_list_module, "_filter_data"):
        pytest.skip("the case list still carries the name in ?q=")
    _seed(country)
    client.force_login(country)
    response = client.post(reverse("cases:list"), {"q": "Mykola", "status": "closed"})
    assert response.status_code == 302
    query = response["Location"].split("?", 1)[1]
    assert "Mykola" not in query and "s=" in query
    rows = _rows(_unzip(exported(client, params=query))["children"])
    assert [r["record_ref"] for r in rows] == ["REF-2"]
    assert (
        AuditEvent.objects.get(action=Action.EXPORT, details__has_key="format").details["filters"][
            "q"
        ]
        == "used"
    )
    # An expired search id exports nothing and goes back to the list (which says so).
    response = client.get(reverse("imports:export_csv"), {"s": "gone", "status": "closed"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("cases:list"))
    assert AuditEvent.objects.filter(action=Action.EXPORT, details__has_key="format").count() == 1
