"""Primary and secondary suppression (quarterly_report.md, "The public variant") on crafted
tables, then on the document of the hand-built data set."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reporting import engine
from reporting.suppression import (
    PUBLIC_TABLES,
    measure_reasons,
    suppress_document,
    suppress_table,
)
from tests.reporting import dataset

T = 5


def table(dimensions, *rows):
    """rows: (dimension values..., cumulative, in_quarter)."""
    n = len(dimensions)
    return {
        "dimensions": list(dimensions),
        "rows": [
            {
                **dict(zip(dimensions, r[:n], strict=True)),
                "cumulative": r[n],
                "in_quarter": r[n + 1],
            }
            for r in rows
        ],
    }


def published(tbl, measure="cumulative"):
    return [r[measure] for r in tbl["rows"]]


def reasons(name, tbl, measure="cumulative", threshold=T):
    return measure_reasons(
        tbl["rows"], tbl["dimensions"], measure, threshold, name not in ("totals", "concerns")
    )


# Primary ---------------------------------------------------------------------------------


def test_primary_replaces_1_to_4_by_null_never_zero_nor_5():
    t = table(["measure"], ("a", 0, 0), ("b", 1, 4), ("c", 4, 5), ("d", 5, None), ("e", 123, 2))
    out, notes = suppress_table("totals", t, T)
    assert published(out) == [0, None, None, 5, 123]
    assert published(out, "in_quarter") == [0, None, 5, None, None]
    assert [r["cumulative_suppressed"] for r in out["rows"]] == [False, True, True, False, False]
    # A null that is not a count (a figure at the period's end) is not "suppressed".
    assert [r["in_quarter_suppressed"] for r in out["rows"]] == [False, True, False, False, True]
    assert {n["reason"] for n in notes} == {"primary"}
    assert len(notes) == 4


def test_every_public_row_carries_both_flags_after_the_counts():
    t = table(["sex", "age_group"], ("female", "0-5", 10, 6))
    out, _notes = suppress_table("by_sex_age", t, T)
    assert out["rows"] == [
        {
            "sex": "female",
            "age_group": "0-5",
            "cumulative": 10,
            "in_quarter": 6,
            "cumulative_suppressed": False,
            "in_quarter_suppressed": False,
        }
    ]


def test_threshold_is_a_parameter():
    t = table(["sex"], ("female", 2, 0), ("male", 9, 0))
    assert published(suppress_table("disability_by_sex", t, 2)[0]) == [2, 9]
    assert published(suppress_table("disability_by_sex", t, 3)[0]) == [None, None]
    assert published(suppress_table("disability_by_sex", t, 10)[0]) == [None, None]


# Secondary, step 1: groups sharing every dimension but the last ----------------------------


def test_group_with_one_small_cell_loses_its_smallest_other_cell():
    t = table(
        ["sex", "age_group"],
        ("female", "0-5", 10, 0),
        ("female", "6-13", 3, 0),
        ("female", "14-17", 7, 0),
        ("male", "0-5", 20, 0),
        ("male", "6-13", 30, 0),
        ("male", "14-17", 40, 0),
    )
    assert reasons("by_sex_age", t) == [None, "primary", "secondary", None, None, None]
    out, notes = suppress_table("by_sex_age", t, T)
    assert published(out) == [10, None, None, 20, 30, 40]
    assert notes == [
        {
            "table": "by_sex_age",
            "row": {"sex": "female", "age_group": "6-13"},
            "measure": "cumulative",
            "reason": "primary",
        },
        {
            "table": "by_sex_age",
            "row": {"sex": "female", "age_group": "14-17"},
            "measure": "cumulative",
            "reason": "secondary",
        },
    ]


def test_group_whose_only_other_cell_is_zero_falls_to_the_whole_table():
    # Female: one small cell and nothing else non-zero in the group, so the group's total
    # (the female figure of another table) is the small cell itself: step (1) cannot help,
    # step (2) suppresses the smallest other non-zero count of the table.
    t = table(
        ["sex", "age_group"],
        ("female", "0-5", 3, 0),
        ("female", "6-13", 0, 0),
        ("male", "0-5", 9, 0),
        ("male", "6-13", 6, 0),
        ("male", "14-17", 8, 0),
    )
    assert reasons("by_sex_age", t) == ["primary", None, None, "secondary", None]


def test_two_small_cells_in_a_group_need_nothing_more():
    t = table(
        ["county", "sex"],
        ("RO-SV", "female", 2, 0),
        ("RO-SV", "male", 3, 0),
        ("RO-TM", "female", 50, 0),
        ("RO-TM", "male", 60, 0),
    )
    assert reasons("by_county_sex", t) == ["primary", "primary", None, None]


def test_each_group_is_protected_then_the_table_is_not_touched_again():
    t = table(
        ["county", "uasc_status"],
        ("RO-B", "separated", 1, 0),
        ("RO-B", "unaccompanied", 12, 0),
        ("RO-SV", "separated", 40, 0),
        ("RO-SV", "unaccompanied", 4, 0),
        ("RO-TM", "separated", 7, 0),
        ("RO-TM", "unaccompanied", 9, 0),
    )
    assert reasons("uasc_by_county", t) == [
        "primary",
        "secondary",
        "secondary",
        "primary",
        None,
        None,
    ]


def test_ties_take_the_first_row_in_table_order():
    t = table(
        ["planned_stay", "destination_country"],
        ("transit", "CZ", 8, 0),
        ("transit", "DE", 2, 0),
        ("transit", "IT", 8, 0),
        ("transit", "PL", 8, 0),
    )
    assert reasons("intention_of_travel", t) == ["secondary", "primary", None, None]


def test_zero_is_never_chosen_for_secondary_suppression():
    t = table(["sex"], ("female", 0, 0), ("male", 4, 0), ("other", 6, 0))
    assert reasons("disability_by_sex", t) == [None, "primary", "secondary"]


def test_one_dimension_table_is_one_group():
    t = table(
        ["entry_point"],
        ("INLAND", 30, 0),
        ("ISACCEA", 6, 0),
        ("SIRET", 2, 0),
        ("SCULENI", 6, 0),
    )
    assert reasons("entry_points", t) == [None, "secondary", "primary", None]


def test_each_measure_is_suppressed_on_its_own():
    t = table(
        ["service_type"],
        ("education", 10, 3),
        ("health", 2, 20),
        ("mhpss", 9, 11),
    )
    out, _notes = suppress_table("referrals_by_service", t, T)
    assert published(out) == [10, None, None]
    assert published(out, "in_quarter") == [None, 20, None]
    assert [(r["cumulative_suppressed"], r["in_quarter_suppressed"]) for r in out["rows"]] == [
        (False, True),
        (True, False),
        (True, True),
    ]


def test_lone_small_cell_without_any_other_nonzero_count_stays_alone():
    t = table(["sex"], ("female", 3, 0), ("male", 0, 0))
    assert reasons("disability_by_sex", t) == ["primary", None]


def test_table_step_can_reach_into_another_group_only_when_exactly_one_is_suppressed():
    # After step (1) the table holds exactly one suppressed count (the group had no other
    # non-zero cell): the smallest other non-zero count of the whole table goes too,
    # even if that leaves its own group with a single suppressed cell (nothing else).
    t = table(
        ["county", "sex"],
        ("RO-B", "female", 4, 0),
        ("RO-SV", "female", 11, 0),
        ("RO-SV", "male", 30, 0),
        ("RO-TM", "female", 12, 0),
        ("RO-TM", "male", 11, 0),
    )
    assert reasons("by_county_sex", t) == ["primary", "secondary", None, None, None]


# Tables without secondary suppression --------------------------------------------------


@pytest.mark.parametrize("name", ["totals", "concerns"])
def test_totals_and_concerns_get_primary_suppression_only(name):
    t = table(["x"], ("a", 3, 0), ("b", 10, 0), ("c", 20, 0))
    assert reasons(name, t) == ["primary", None, None]


def test_monthly_in_quarter_nulls_stay_unflagged():
    t = table(["month"], ("2023-10", 2, None), ("2023-11", 0, None), ("2023-12", 7, None))
    out, _notes = suppress_table("monthly_registrations", t, T)
    assert published(out) == [None, 0, None]
    assert [r["in_quarter_suppressed"] for r in out["rows"]] == [False, False, False]


# Properties on random tables --------------------------------------------------------------

counts = st.integers(min_value=0, max_value=12)


@st.composite
def two_dimension_tables(draw):
    groups = draw(st.integers(min_value=1, max_value=4))
    rows = []
    for g in range(groups):
        for c in range(draw(st.integers(min_value=1, max_value=4))):
            rows.append((f"g{g}", f"c{c}", draw(counts), draw(counts)))
    return table(["g", "c"], *rows)


@settings(max_examples=300, deadline=None)
@given(two_dimension_tables())
def test_properties_of_secondary_suppression(tbl):
    out, notes = suppress_table("by_county_sex", tbl, T)
    for measure in ("cumulative", "in_quarter"):
        raw = published(tbl, measure)
        shown = published(out, measure)
        why = reasons("by_county_sex", tbl, measure)
        for value, pub, reason in zip(raw, shown, why, strict=True):
            # Primary exactly for 1..T-1; secondary only on counts that were publishable.
            assert (reason == "primary") == (0 < value < T)
            if reason == "secondary":
                assert value >= T
            assert pub == (None if reason else value)
        suppressed = [r for r in why if r]
        nonzero = [v for v in raw if v]
        # Never exactly one suppressed count in the table while another could be taken.
        if len(suppressed) == 1:
            assert len(nonzero) == 1
        # At most one secondary cell per group, plus one for the table.
        groups = {r["g"] for r in tbl["rows"]}
        assert why.count("secondary") <= len(groups) + 1
    assert len(notes) == sum(
        r["cumulative_suppressed"] + r["in_quarter_suppressed"] for r in out["rows"]
    )


# Whole documents ----------------------------------------------------------------------------


def test_suppress_document_keeps_public_tables_in_order_and_the_header():
    full = {
        "report": "quarterly_statistics",
        "period": "2023Q4",
        "period_start": "2023-10-01",
        "period_end": "2023-12-31",
        "scope": "national",
        "variant": "full",
        "generated_at": "2024-01-01T03:00:00Z",
        "tables": {name: table(["x"]) for name in engine.TABLES},
    }
    public, notes = suppress_document(full, T)
    assert list(public) == list(full)
    assert public["variant"] == "public"
    assert list(public["tables"]) == list(PUBLIC_TABLES)
    assert "concerns_by_risk" not in public["tables"]
    assert "closures_by_reason" not in public["tables"]
    assert notes == []
    assert full["variant"] == "full"  # the full document is left alone


@pytest.fixture
def data(worker_tm, worker_sv):
    return dataset.build(worker_tm, worker_sv)


def test_public_document_of_the_data_set(data):
    doc = engine.compute_report("2023Q4", None, "public")
    by_sex_age = doc["tables"]["by_sex_age"]["rows"]
    # Every count of the data set is below 5: all suppressed (primary), zeros excepted.
    assert [(r["cumulative"], r["in_quarter"]) for r in by_sex_age] == [(None, None)] * 5
    county = {(r["county"], r["sex"]): r for r in doc["tables"]["by_county_sex"]["rows"]}
    assert county[("RO-B", "male")]["in_quarter"] == 0
    assert county[("RO-B", "male")]["in_quarter_suppressed"] is False


def test_suppression_notes_stored_and_recomputed_agree(data):
    doc = engine.compute_report("2023Q4", None, "public", generated_at="2024-01-01T03:00:00Z")
    cached = engine.suppression_notes(doc)
    assert cached == doc["suppression_notes"]
    # A public document stored before the notes were has them recomputed.
    older = {k: v for k, v in doc.items() if k != "suppression_notes"}
    recomputed = engine.suppression_notes(older)
    assert cached == recomputed
    assert cached
    flagged = sum(
        r["cumulative_suppressed"] + r["in_quarter_suppressed"]
        for t in doc["tables"].values()
        for r in t["rows"]
    )
    assert len(cached) == flagged
    assert {n["reason"] for n in cached} <= {"primary", "secondary"}
    assert engine.suppression_notes(engine.compute_report("2023Q4", None, "full")) == []


def test_suppression_notes_name_secondary_cells(data, settings):
    settings.REPORT_SUPPRESSION_THRESHOLD = 3
    doc = engine.compute_report("2023Q4", None, "public")
    notes = [n for n in engine.suppression_notes(doc) if n["table"] == "entry_points"]
    # INLAND 5/2 and SIRET 5/4: in_quarter 2 is primary, 4 secondary.
    assert notes == [
        {
            "table": "entry_points",
            "row": {"entry_point": "INLAND"},
            "measure": "in_quarter",
            "reason": "primary",
        },
        {
            "table": "entry_points",
            "row": {"entry_point": "SIRET"},
            "measure": "in_quarter",
            "reason": "secondary",
        },
    ]
