"""A coordinator's own export re-imports even where stored records lack a conditional
answer that the form requires (records kept before a rule, demo data)."""

from __future__ import annotations

import io
import zipfile

import pytest

from cases.models import Child
from imports.reading import Source
from imports.services import run_import
from tests.imports.helpers import caregiver_row, child_row, exported, sources


def _import(country, children):
    return run_import(sources(children, [caregiver_row()]), country)


def _concerned(ref="REF-1", **extra):
    answers = {
        "protection_concerns": "neglect",
        "concern_source": "observed",
        "concern_details": "Seen at the centre.",
        "risk_level": "medium",
        "risk_justification": "Assessed.",
    }
    return child_row(ref, **{**answers, **extra})


@pytest.mark.django_db
def test_export_of_records_with_a_stored_gap_reimports_unchanged(client, country):
    assert _import(country, [_concerned()]).ok
    # A record stored before the rule: the details and the justification are missing.
    Child.objects.update(concern_details="", risk_justification="")
    history = Child.objects.get().history.count()
    client.force_login(country)
    with zipfile.ZipFile(io.BytesIO(exported(client))) as z:
        files = {n.removesuffix(".csv"): z.read(n) for n in z.namelist()}
    result = run_import({f: Source(f, f"{f}.csv", data) for f, data in files.items()}, country)
    assert result.ok, [str(i) for i in result.issues]
    assert result.counts_dict()["children"] == {"new": 0, "changed": 0, "unchanged": 1}
    assert Child.objects.get().history.count() == history


@pytest.mark.django_db
def test_a_gap_is_still_an_error_for_a_new_record_or_a_stored_answer(country):
    assert _import(country, [_concerned()]).ok
    # Blanking an answer the record has: refused, as before.
    result = _import(country, [_concerned(concern_details="")])
    assert [(i.column, i.code) for i in result.issues] == [("concern_details", "required_when")]
    assert "Required when protection concerns were identified." in result.issues[0].message
    # A new record with the gap: refused.
    result = _import(
        country, [_concerned(), _concerned("REF-2", risk_level="high", risk_justification="")]
    )
    assert [(i.line, i.column, i.code) for i in result.issues] == [
        (3, "risk_justification", "risk_high_reason")
    ]
    assert "Explain why the risk level is high." in result.issues[0].message
    assert Child.objects.count() == 1


@pytest.mark.django_db
def test_header_only_caregivers_and_referrals_files_import_nothing_without_error(country):
    result = run_import(sources([child_row("REF-1", caregiver_ref="")], [], []), country)
    # (The row needs its caregiver: the only error is that one, not the empty files.)
    assert {i.file for i in result.issues} == {"children"}
    result = run_import(sources([_concerned()], [caregiver_row()], []), country)
    assert result.ok, [str(i) for i in result.issues]
    assert result.counts_dict()["referrals"] == {"new": 0, "changed": 0, "unchanged": 0}
