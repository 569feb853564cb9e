"""The report engine against the hand-built data set of tests/reporting/dataset.py.

Every expected figure below was counted by hand from the data set's description.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Child
from reporting.engine import MEASURES, TABLES, compute_report
from tests.reporting import dataset


def rows(doc, table):
    return doc["tables"][table]["rows"]


def cells(doc, table):
    """{dimension values: (cumulative, in_quarter)} of a table."""
    dims = doc["tables"][table]["dimensions"]
    return {
        tuple(r[d] for d in dims) if len(dims) > 1 else r[dims[0]]: (
            r["cumulative"],
            r["in_quarter"],
        )
        for r in rows(doc, table)
    }


@pytest.fixture
def data(worker_tm, worker_sv):
    return dataset.build(worker_tm, worker_sv)


@pytest.fixture
def q4(data):
    return compute_report(
        "2023Q4", None, "full", generated_at=dt.datetime(2024, 1, 1, 3, tzinfo=dt.UTC)
    )


NATIONAL_Q4_TOTALS = [
    {"measure": "children_registered", "cumulative": 10, "in_quarter": 6},
    {"measure": "caregivers_registered", "cumulative": 7, "in_quarter": 3},
    {"measure": "cases_closed", "cumulative": 3, "in_quarter": 2},
    {"measure": "children_with_concerns", "cumulative": 3, "in_quarter": 2},
    {"measure": "children_referred", "cumulative": 4, "in_quarter": 4},
    {"measure": "unaccompanied_or_separated", "cumulative": 3, "in_quarter": 2},
    {"measure": "cases_open", "cumulative": 6, "in_quarter": None},
    {"measure": "followups_overdue", "cumulative": 3, "in_quarter": None},
]


def test_document_header_and_table_order(q4):
    assert list(q4) == [
        "report",
        "period",
        "period_start",
        "period_end",
        "scope",
        "variant",
        "generated_at",
        "provisional",
        "as_of",
        "tables",
    ]
    assert q4["report"] == "quarterly_statistics"
    # A finished quarter: final, as of its last day (quarterly_report.md).
    assert (q4["provisional"], q4["as_of"]) == (False, "2023-12-31")
    assert (q4["period"], q4["period_start"], q4["period_end"]) == (
        "2023Q4",
        "2023-10-01",
        "2023-12-31",
    )
    assert q4["scope"] == "national"
    assert q4["variant"] == "full"
    assert q4["generated_at"] == "2024-01-01T03:00:00Z"
    assert list(q4["tables"]) == list(TABLES)
    for name, table in q4["tables"].items():
        assert table["dimensions"] == TABLES[name]
        for row in table["rows"]:
            assert list(row) == [*TABLES[name], "cumulative", "in_quarter"]


def test_totals_every_measure_in_order(q4):
    assert rows(q4, "totals") == NATIONAL_Q4_TOTALS
    assert [r["measure"] for r in rows(q4, "totals")] == list(MEASURES)


def test_by_sex_age_sorted_youngest_first(q4):
    assert rows(q4, "by_sex_age") == [
        {"sex": "female", "age_group": "0-5", "cumulative": 2, "in_quarter": 1},
        {"sex": "female", "age_group": "6-13", "cumulative": 3, "in_quarter": 1},
        {"sex": "male", "age_group": "0-5", "cumulative": 1, "in_quarter": 1},
        {"sex": "male", "age_group": "6-13", "cumulative": 2, "in_quarter": 1},
        {"sex": "male", "age_group": "14-17", "cumulative": 2, "in_quarter": 2},
    ]


def test_by_county_sex_uses_current_county(q4):
    assert rows(q4, "by_county_sex") == [
        {"county": "RO-B", "sex": "male", "cumulative": 1, "in_quarter": 0},
        {"county": "RO-SV", "sex": "female", "cumulative": 2, "in_quarter": 1},
        {"county": "RO-SV", "sex": "male", "cumulative": 2, "in_quarter": 2},
        {"county": "RO-TM", "sex": "female", "cumulative": 3, "in_quarter": 1},
        {"county": "RO-TM", "sex": "male", "cumulative": 2, "in_quarter": 2},
    ]


def test_uasc_by_county_has_no_accompanied_rows(q4):
    assert rows(q4, "uasc_by_county") == [
        {"county": "RO-SV", "uasc_status": "separated", "cumulative": 1, "in_quarter": 0},
        {"county": "RO-SV", "uasc_status": "unaccompanied", "cumulative": 1, "in_quarter": 1},
        {"county": "RO-TM", "uasc_status": "separated", "cumulative": 1, "in_quarter": 1},
    ]


def test_concerns_count_a_child_under_each_concern(q4):
    assert rows(q4, "concerns") == [
        {"concern": "neglect", "cumulative": 3, "in_quarter": 2},
        {"concern": "trafficking", "cumulative": 1, "in_quarter": 1},
    ]
    assert rows(q4, "concerns_by_risk") == [
        {"risk_level": "high", "cumulative": 1, "in_quarter": 1},
        {"risk_level": "medium", "cumulative": 2, "in_quarter": 1},
    ]


def test_disability_by_sex_counts_yes_only(q4):
    assert rows(q4, "disability_by_sex") == [
        {"sex": "female", "cumulative": 3, "in_quarter": 2},
    ]


def test_referrals_by_service_counts_referrals_of_every_status(q4):
    assert rows(q4, "referrals_by_service") == [
        {"service_type": "disability", "cumulative": 1, "in_quarter": 1},
        {"service_type": "education", "cumulative": 1, "in_quarter": 1},
        {"service_type": "health", "cumulative": 2, "in_quarter": 1},
        {"service_type": "legal_documentation", "cumulative": 1, "in_quarter": 1},
        {"service_type": "mhpss", "cumulative": 1, "in_quarter": 1},
    ]


def test_monthly_registrations_every_month_zeros_included(q4):
    expected = {
        "2022-12": 1,
        "2023-01": 0,
        "2023-02": 0,
        "2023-03": 1,
        "2023-04": 0,
        "2023-05": 0,
        "2023-06": 1,
        "2023-07": 0,
        "2023-08": 1,
        "2023-09": 0,  # only the duplicate was registered that month
        "2023-10": 2,
        "2023-11": 3,
        "2023-12": 1,
    }
    assert rows(q4, "monthly_registrations") == [
        {"month": m, "cumulative": n, "in_quarter": None} for m, n in expected.items()
    ]


def test_intention_of_travel_destination_only_for_transit(q4):
    assert rows(q4, "intention_of_travel") == [
        {"planned_stay": "return", "destination_country": "", "cumulative": 1, "in_quarter": 1},
        {"planned_stay": "stay", "destination_country": "", "cumulative": 5, "in_quarter": 3},
        {"planned_stay": "transit", "destination_country": "DE", "cumulative": 2, "in_quarter": 1},
        {"planned_stay": "transit", "destination_country": "PL", "cumulative": 1, "in_quarter": 1},
        {"planned_stay": "undecided", "destination_country": "", "cumulative": 1, "in_quarter": 0},
    ]


def test_entry_points(q4):
    assert rows(q4, "entry_points") == [
        {"entry_point": "INLAND", "cumulative": 5, "in_quarter": 2},
        {"entry_point": "SIRET", "cumulative": 5, "in_quarter": 4},
    ]


def test_closures_by_reason_never_duplicate(q4):
    assert rows(q4, "closures_by_reason") == [
        {"closure_reason": "left_romania", "cumulative": 1, "in_quarter": 0},
        {"closure_reason": "needs_met", "cumulative": 1, "in_quarter": 1},
        {"closure_reason": "returned_ukraine", "cumulative": 1, "in_quarter": 1},
    ]


def test_previous_quarter_figures_at_its_own_end(data):
    q3 = compute_report("2023Q3", None, "full")
    assert rows(q3, "totals") == [
        {"measure": "children_registered", "cumulative": 4, "in_quarter": 1},
        # CG3's only child of Q3 is the duplicate: not counted there.
        {"measure": "caregivers_registered", "cumulative": 4, "in_quarter": 1},
        {"measure": "cases_closed", "cumulative": 1, "in_quarter": 0},
        {"measure": "children_with_concerns", "cumulative": 1, "in_quarter": 0},
        {"measure": "children_referred", "cumulative": 1, "in_quarter": 0},
        {"measure": "unaccompanied_or_separated", "cumulative": 1, "in_quarter": 1},
        {"measure": "cases_open", "cumulative": 3, "in_quarter": None},
        # c1 (no follow-up yet, first due 2023-04-09) and c4 (first due 2023-09-19);
        # c7's follow-up of 2023-09-28 moved its next one to 2024.
        {"measure": "followups_overdue", "cumulative": 2, "in_quarter": None},
    ]
    months = rows(q3, "monthly_registrations")
    assert months[0]["month"] == "2022-12" and months[-1] == {
        "month": "2023-09",
        "cumulative": 0,
        "in_quarter": None,
    }
    assert len(months) == 10
    assert "closures_by_reason" in q3["tables"]
    assert cells(q3, "closures_by_reason") == {"left_romania": (1, 0)}


def test_county_report_covers_current_county_only(data):
    tm = compute_report("2023Q4", "RO-TM", "full")
    assert tm["scope"] == "RO-TM"
    assert rows(tm, "totals") == [
        {"measure": "children_registered", "cumulative": 5, "in_quarter": 3},
        {"measure": "caregivers_registered", "cumulative": 3, "in_quarter": 1},
        {"measure": "cases_closed", "cumulative": 2, "in_quarter": 1},
        {"measure": "children_with_concerns", "cumulative": 2, "in_quarter": 1},
        {"measure": "children_referred", "cumulative": 1, "in_quarter": 1},
        {"measure": "unaccompanied_or_separated", "cumulative": 1, "in_quarter": 1},
        {"measure": "cases_open", "cumulative": 2, "in_quarter": None},
        {"measure": "followups_overdue", "cumulative": 1, "in_quarter": None},
    ]
    assert {r["county"] for r in rows(tm, "by_county_sex")} == {"RO-TM"}
    # The transferred case counts in its new county, under its own entry point.
    bucharest = compute_report("2023Q4", "RO-B", "full")
    assert cells(bucharest, "totals")["children_registered"] == (1, 0)
    assert cells(bucharest, "totals")["children_referred"] == (1, 1)
    assert cells(bucharest, "totals")["cases_open"] == (1, None)
    assert cells(bucharest, "entry_points") == {"INLAND": (1, 0)}
    assert rows(bucharest, "monthly_registrations")[0]["month"] == "2023-06"


def test_empty_county_has_zero_totals_and_no_rows(data):
    doc = compute_report("2023Q4", "RO-CJ", "full")
    assert [r["cumulative"] for r in rows(doc, "totals")] == [0] * 8
    assert all(doc["tables"][t]["rows"] == [] for t in TABLES if t != "totals")


def test_duplicate_never_counts_even_before_its_closure(data):
    # In 2023Q3 the duplicate (registered 2023-09-10, closed 2024-01-15) was still open.
    q3 = compute_report("2023Q3", "RO-TM", "full")
    assert cells(q3, "totals")["children_registered"] == (2, 0)  # c1 and c8 (c7 moved away)
    assert cells(q3, "referrals_by_service") == {"health": (1, 0)}
    assert cells(q3, "concerns") == {"neglect": (1, 0)}


def test_anonymous_record_counts_in_registration_tables_only(data):
    anonymous = data["c6"]
    assert anonymous.anonymous and anonymous.caregiver is None
    before = compute_report("2023Q4", "RO-TM", "full")
    Child.objects.filter(pk=anonymous.pk).delete()
    after = compute_report("2023Q4", "RO-TM", "full")
    diff = {
        measure: (before_cells[0] - after_cells[0])
        for (measure, before_cells), after_cells in zip(
            cells(before, "totals").items(), cells(after, "totals").values(), strict=True
        )
    }
    assert diff == {
        "children_registered": 1,
        "caregivers_registered": 0,
        "cases_closed": 0,
        "children_with_concerns": 1,
        "children_referred": 0,
        "unaccompanied_or_separated": 1,
        "cases_open": 0,
        "followups_overdue": 0,
    }
    assert cells(before, "intention_of_travel")[("transit", "PL")] == (1, 1)
    assert ("transit", "PL") not in cells(after, "intention_of_travel")


def test_age_group_is_by_age_on_registration_date(data):
    # 2018-01-01 .. 2023-12-31: five years and 364 days.
    assert data["c2"].age_group == "0-5"
    six_today = dataset.kid(
        data["c1"].created_by,
        reg=dt.date(2023, 12, 30),
        county="RO-CJ",
        sex="female",
        dob=dt.date(2017, 12, 30),
        seed=40,
    )
    assert six_today.age_group == "6-13"
    seventeen = dataset.kid(
        data["c1"].created_by,
        reg=dt.date(2023, 12, 30),
        county="RO-CJ",
        sex="female",
        dob=dt.date(2006, 12, 31),
        seed=41,
    )
    assert seventeen.age_group == "14-17"
    doc = compute_report("2023Q4", "RO-CJ", "full")
    assert cells(doc, "by_sex_age") == {("female", "6-13"): (1, 1), ("female", "14-17"): (1, 1)}


def test_stored_age_groups_agree_with_dates_of_birth(data):
    from cases.rules import age_group, age_on

    for child in Child.objects.filter(date_of_birth__isnull=False):
        assert child.age_group == age_group(age_on(child.date_of_birth, child.registration_date))


def test_public_variant_tables_and_flags(data):
    doc = compute_report("2023Q4", None, "public")
    assert doc["variant"] == "public"
    assert list(doc["tables"]) == [
        "totals",
        "by_sex_age",
        "by_county_sex",
        "uasc_by_county",
        "concerns",
        "disability_by_sex",
        "referrals_by_service",
        "monthly_registrations",
        "intention_of_travel",
        "entry_points",
    ]
    for table in doc["tables"].values():
        for row in table["rows"]:
            assert isinstance(row["cumulative_suppressed"], bool)
            assert isinstance(row["in_quarter_suppressed"], bool)
            for m in ("cumulative", "in_quarter"):
                if row[f"{m}_suppressed"]:
                    assert row[m] is None
                elif row[m] is not None:
                    assert row[m] == 0 or row[m] >= 5
    totals = {r["measure"]: r for r in rows(doc, "totals")}
    assert totals["children_registered"]["cumulative"] == 10
    assert totals["children_registered"]["in_quarter"] == 6
    assert totals["cases_closed"]["cumulative"] is None
    assert totals["cases_closed"]["cumulative_suppressed"] is True
    # A figure at the period's end has no in_quarter: null, but not suppressed.
    assert totals["cases_open"]["in_quarter"] is None
    assert totals["cases_open"]["in_quarter_suppressed"] is False


def test_suppression_threshold_from_settings(data, settings):
    settings.REPORT_SUPPRESSION_THRESHOLD = 2
    doc = compute_report("2023Q4", None, "public")
    assert cells(doc, "entry_points") == {"INLAND": (5, 2), "SIRET": (5, 4)}
    settings.REPORT_SUPPRESSION_THRESHOLD = 6
    doc = compute_report("2023Q4", None, "public")
    assert cells(doc, "entry_points") == {"INLAND": (None, None), "SIRET": (None, None)}


def test_bad_period_county_variant_are_refused(db):
    with pytest.raises(ValueError, match="YYYYQn"):
        compute_report("2023Q5", None, "full")
    with pytest.raises(ValueError, match="RO-XX"):
        compute_report("2023Q4", "RO-XX", "full")
    with pytest.raises(ValueError, match="secret"):
        compute_report("2023Q4", None, "secret")


def test_query_count_does_not_grow_with_cases(data, worker_tm):
    with CaptureQueriesContext(connection) as small:
        compute_report("2023Q4", None, "full")
    for seed in range(20):
        dataset.kid(
            worker_tm, reg=dt.date(2023, 11, 2), county="RO-TM", sex="male", age=3, seed=100 + seed
        )
    with CaptureQueriesContext(connection) as large:
        doc = compute_report("2023Q4", None, "full")
    assert len(large.captured_queries) == len(small.captured_queries) <= 25
    assert cells(doc, "totals")["children_registered"] == (30, 26)


def test_progress_is_reported_per_table(data):
    seen = []
    compute_report("2023Q4", None, "full", progress=lambda done, total: seen.append((done, total)))
    assert seen == [(i, len(TABLES)) for i in range(1, len(TABLES) + 1)]
