"""Referrals keep their identity on a round trip: the optional referral_ref column."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from imports.reading import Source
from imports.services import run_import
from referrals.models import Referral
from tests.imports.helpers import caregiver_row, child_row, exported, referral_row, sources, to_csv


def _unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name.removesuffix(".csv"): archive.read(name) for name in archive.namelist()}


def _import(country, children, referrals, caregivers=None):
    return run_import(sources(children, caregivers or [caregiver_row()], referrals), country)


@pytest.mark.django_db
def test_two_referrals_same_child_service_and_day_survive_a_round_trip(client, country):
    assert _import(country, [child_row("REF-1")], [referral_row("REF-1")]).ok
    child = Referral.objects.get().child
    # A second referral for the same service on the same day, as the browser allows.
    Referral.objects.create(
        child=child,
        service_type="health",
        referred_on=child.referrals.get().referred_on,
        status="accepted",
        created_by=country,
        updated_by=country,
    )
    client.force_login(country)
    files = _unzip(exported(client))
    rows = list(csv.DictReader(io.StringIO(files["referrals"].decode("utf-8-sig"))))
    assert sorted(r["referral_ref"] for r in rows) == sorted(
        Referral.objects.values_list("code", flat=True)
    )
    result = run_import({f: Source(f, f"{f}.csv", data) for f, data in files.items()}, country)
    assert result.ok, [str(i) for i in result.issues]
    assert result.counts_dict()["referrals"] == {"new": 0, "changed": 0, "unchanged": 2}
    assert Referral.objects.count() == 2
    assert sorted(Referral.objects.values_list("status", flat=True)) == ["accepted", "pending"]


@pytest.mark.django_db
def test_referral_ref_updates_the_named_referral_only(country):
    assert _import(country, [child_row("REF-1")], [referral_row("REF-1")]).ok
    first = Referral.objects.get()
    second = Referral.objects.create(
        child=first.child,
        service_type="health",
        referred_on=first.referred_on,
        status="pending",
        created_by=country,
        updated_by=country,
    )
    result = _import(
        country,
        [child_row("REF-1")],
        [
            referral_row("REF-1", referral_ref=first.code),
            referral_row(
                "REF-1", referral_ref=second.code, status="completed", closed_on="2023-06-01"
            ),
        ],
    )
    assert result.ok, [str(i) for i in result.issues]
    assert result.counts_dict()["referrals"] == {"new": 0, "changed": 1, "unchanged": 1}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("pending", "completed")
    assert second.history.first().history_type == "~"


@pytest.mark.django_db
def test_same_natural_key_without_referral_ref_is_still_a_duplicate(country):
    result = _import(country, [child_row("REF-1")], [referral_row("REF-1"), referral_row("REF-1")])
    assert [(i.line, i.column, i.code) for i in result.issues] == [
        (3, "record_ref", "duplicate_ref")
    ]
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_duplicate_referral_ref_and_a_referral_of_another_child_are_errors(country):
    assert _import(country, [child_row("REF-1"), child_row("REF-2")], [referral_row("REF-2")]).ok
    other = Referral.objects.get()
    result = _import(
        country,
        [child_row("REF-1"), child_row("REF-2")],
        [
            referral_row("REF-1", referral_ref="R-X"),
            referral_row("REF-1", referral_ref="R-X", service_type="education"),
            referral_row("REF-1", referral_ref=other.code, service_type="mhpss"),
        ],
    )
    found = sorted((i.line, i.column, i.code) for i in result.issues)
    assert found == [
        (3, "referral_ref", "duplicate_ref"),
        (4, "referral_ref", "referral_other_child"),
    ]
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_unknown_referral_ref_is_a_new_referral_and_the_column_is_optional(country):
    old_format = [
        "record_ref",
        "service_type",
        "provider_name",
        "referred_on",
        "status",
        "closed_on",
    ]
    files = sources([child_row("REF-1")], [caregiver_row()])
    files["referrals"] = Source("referrals", "r.csv", to_csv([referral_row("REF-1")], old_format))
    assert run_import(files, country).ok
    result = _import(
        country, [child_row("REF-1")], [referral_row("REF-1", referral_ref="FOREIGN-9")]
    )
    assert result.ok, [str(i) for i in result.issues]
    # Unknown code: matched by record_ref, service_type and referred_on.
    assert result.counts_dict()["referrals"] == {"new": 0, "changed": 0, "unchanged": 1}
