"""An independent count: a seeded random data set, every table of the full report
recomputed by a deliberately naive Python loop over the model rows (quarterly_report.md,
word by word), compared with compute_report for several periods and scopes."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest

from cases.models import Child, FollowUp, Reopening
from cases.rules import AGE_GROUPS
from referrals.models import Referral
from reporting.engine import MEASURES, TABLES, compute_report
from reporting.periods import parse_period
from tests.reporting import dataset

D = dt.date
CONCERNS = ("neglect", "trafficking", "bullying", "physical_abuse")
SERVICES = ("health", "mhpss", "education", "disability", "accommodation")
REASONS = ("left_romania", "returned_ukraine", "needs_met", "duplicate", "lost_contact")
STATUSES = ("pending", "accepted", "declined", "completed")


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def build_random(worker_tm, worker_sv, seed: int, n: int = 45) -> None:
    rng = random.Random(seed)
    caregivers = []
    for i in range(n):
        county = rng.choice(("RO-TM", "RO-SV"))
        user = worker_tm if county == "RO-TM" else worker_sv
        reg = day_between(rng, D(2023, 1, 1), D(2024, 3, 31))
        if rng.random() < 0.1:  # the quarter's first or last day
            reg = rng.choice((D(2023, 10, 1), D(2023, 12, 31), D(2023, 9, 30)))
        uasc = rng.choice(("accompanied", "accompanied", "separated", "unaccompanied"))
        planned = rng.choice(("stay", "transit", "return", "undecided"))
        consent = rng.random() > 0.2
        caregiver = "new"
        if not consent or uasc == "unaccompanied":
            caregiver = None
        elif caregivers and rng.random() < 0.4:
            caregiver = rng.choice(caregivers)
        child = dataset.kid(
            user,
            reg=reg,
            county=county,
            sex=rng.choice(("female", "male")),
            age=rng.choice((0, 3, 5, 6, 9, 13, 14, 17)),
            uasc=uasc,
            concerns=tuple(rng.sample(CONCERNS, rng.choice((0, 0, 1, 2)))),
            disability=rng.choice(("yes", "no", "no", "unknown")),
            planned=planned,
            dest=rng.choice(("DE", "PL", "IT")) if planned == "transit" else "",
            entry=rng.choice(("SIRET", "INLAND", "ISACCEA")),
            caregiver=caregiver,
            consent=consent,
            seed=1000 * seed + i,
        )
        if child.caregiver_id and child.caregiver not in caregivers:
            caregivers.append(child.caregiver)
        if rng.random() < 0.15:  # a transfer
            Child.objects.filter(pk=child.pk).update(current_county_id="RO-B")
        if rng.random() < 0.2:  # a stale destination on a record not in transit
            Child.objects.filter(pk=child.pk).update(destination_country="FR")
        if child.anonymous:
            continue
        for _ in range(rng.choice((0, 0, 1, 2))):
            dataset.refer(
                child,
                rng.choice(SERVICES),
                day_between(rng, reg, reg + dt.timedelta(days=200)),
                rng.choice(STATUSES),
            )
        done = reg
        for _ in range(rng.choice((0, 1, 2, 3))):
            done = done + dt.timedelta(days=rng.randint(5, 60))
            next_due = None if rng.random() < 0.1 else done + dt.timedelta(rng.randint(7, 60))
            dataset.follow_up(child, done, next_due)
        if rng.random() < 0.35:
            closed_on = day_between(rng, reg, reg + dt.timedelta(days=250))
            reason = rng.choice(REASONS)
            dataset.close(child, closed_on, reason)
            if rng.random() < 0.4:  # reopened later, perhaps closed again
                reopened_on = closed_on + dt.timedelta(days=rng.randint(0, 120))
                Reopening.objects.create(
                    child=child,
                    reopened_on=reopened_on,
                    reason="QA",
                    previous_closure_reason=reason,
                    previous_closed_on=closed_on,
                )
                Child.objects.filter(pk=child.pk).update(
                    status="open", closed_on=None, closure_reason=""
                )
                if rng.random() < 0.5:
                    dataset.close(
                        child,
                        reopened_on + dt.timedelta(days=rng.randint(1, 150)),
                        rng.choice(REASONS),
                    )


def naive_tables(period_code: str, county: str | None) -> dict:
    """Every table, by plain loops over the rows (no ORM aggregation)."""
    period = parse_period(period_code)
    start, end = period.start, period.end

    def in_q(day) -> bool:
        return day is not None and start <= day <= end

    kids = []
    for c in Child.objects.all():
        if c.closure_reason == "duplicate":
            continue
        if county is not None and c.current_county_id != county:
            continue
        kids.append(c)
    registered = [c for c in kids if c.registration_date <= end]
    cases = [c for c in registered if not c.anonymous]
    concerns_of = {c.pk: sorted(c.protection_concerns.values_list("pk", flat=True)) for c in kids}
    referrals = [r for r in Referral.objects.all() if any(r.child_id == c.pk for c in cases)]
    referrals = [r for r in referrals if r.referred_on <= end]
    follow_ups = list(FollowUp.objects.all())
    reopenings = list(Reopening.objects.order_by("previous_closed_on", "id"))

    def closure_at_end(c):
        """(date, reason) of the closure that covered the period's end, or None."""
        if c.closed_on is not None and c.closed_on <= end:
            return c.closed_on, c.closure_reason
        for r in reopenings:
            if r.child_id == c.pk and r.previous_closed_on <= end < r.reopened_on:
                return r.previous_closed_on, r.previous_closure_reason
        return None

    def count(children, key, date=lambda c: c.registration_date):
        cum, inq = Counter(), Counter()
        for c in children:
            for k in key(c):
                cum[k] += 1
                if in_q(date(c)):
                    inq[k] += 1
        return cum, inq

    def rows(dimensions, cum, inq):
        out = []
        for k in cum:
            if cum[k]:
                row = dict(zip(dimensions, k, strict=True))
                row.update(cumulative=cum[k], in_quarter=inq[k])
                out.append(row)
        return out

    def open_at_end(c):
        return closure_at_end(c) is None

    tables = {}
    # totals
    t = {}
    t["children_registered"] = (
        len(registered),
        sum(1 for c in registered if in_q(c.registration_date)),
    )
    first_child = {}
    for c in registered:
        if c.caregiver_id is not None:
            first = first_child.get(c.caregiver_id)
            if first is None or c.registration_date < first:
                first_child[c.caregiver_id] = c.registration_date
    t["caregivers_registered"] = (len(first_child), sum(1 for d in first_child.values() if in_q(d)))
    closed = [c for c in cases if closure_at_end(c)]
    t["cases_closed"] = (len(closed), sum(1 for c in closed if in_q(closure_at_end(c)[0])))
    with_concern = [c for c in registered if concerns_of[c.pk]]
    t["children_with_concerns"] = (
        len(with_concern),
        sum(1 for c in with_concern if in_q(c.registration_date)),
    )
    referred = {r.child_id for r in referrals}
    referred_q = {r.child_id for r in referrals if in_q(r.referred_on)}
    t["children_referred"] = (len(referred), len(referred_q))
    uasc = [c for c in registered if c.uasc_status in ("separated", "unaccompanied")]
    t["unaccompanied_or_separated"] = (
        len(uasc),
        sum(1 for c in uasc if in_q(c.registration_date)),
    )
    open_cases = [c for c in cases if open_at_end(c)]
    t["cases_open"] = (len(open_cases), None)
    overdue = 0
    for c in open_cases:
        mine = [f for f in follow_ups if f.child_id == c.pk and f.done_on <= end]
        latest = max(mine, key=lambda f: (f.done_on, f.id), default=None)
        due = latest.next_due if latest else c.first_follow_up_due
        if due is not None and due < end:
            overdue += 1
    t["followups_overdue"] = (overdue, None)
    tables["totals"] = [
        {"measure": m, "cumulative": t[m][0], "in_quarter": t[m][1]}
        for m in (
            "children_registered",
            "caregivers_registered",
            "cases_closed",
            "children_with_concerns",
            "children_referred",
            "unaccompanied_or_separated",
            "cases_open",
            "followups_overdue",
        )
    ]
    tables["by_sex_age"] = rows(
        ["sex", "age_group"], *count(registered, lambda c: [(c.sex, c.age_group)])
    )
    tables["by_county_sex"] = rows(
        ["county", "sex"], *count(registered, lambda c: [(c.current_county_id, c.sex)])
    )
    tables["uasc_by_county"] = rows(
        ["county", "uasc_status"],
        *count(uasc, lambda c: [(c.current_county_id, c.uasc_status)]),
    )
    tables["concerns"] = rows(
        ["concern"], *count(registered, lambda c: [(k,) for k in concerns_of[c.pk]])
    )
    tables["concerns_by_risk"] = rows(
        ["risk_level"], *count(with_concern, lambda c: [(c.risk_level,)])
    )
    tables["disability_by_sex"] = rows(
        ["sex"],
        *count([c for c in registered if c.has_disability == "yes"], lambda c: [(c.sex,)]),
    )
    cum, inq = Counter(), Counter()
    for r in referrals:
        cum[(r.service_type,)] += 1
        if in_q(r.referred_on):
            inq[(r.service_type,)] += 1
    tables["referrals_by_service"] = rows(["service_type"], cum, inq)
    months = Counter(c.registration_date.strftime("%Y-%m") for c in registered)
    monthly = []
    if months:
        y, m = map(int, min(months).split("-"))
        while (y, m) <= (end.year, end.month):
            key = f"{y:04d}-{m:02d}"
            monthly.append({"month": key, "cumulative": months[key], "in_quarter": None})
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    tables["monthly_registrations"] = monthly
    tables["intention_of_travel"] = rows(
        ["planned_stay", "destination_country"],
        *count(
            registered,
            lambda c: [
                (c.planned_stay, c.destination_country if c.planned_stay == "transit" else "")
            ],
        ),
    )
    tables["entry_points"] = rows(
        ["entry_point"], *count(registered, lambda c: [(c.entry_point_id,)])
    )
    tables["closures_by_reason"] = rows(
        ["closure_reason"],
        *count(closed, lambda c: [(closure_at_end(c)[1],)], lambda c: closure_at_end(c)[0]),
    )

    # The order of the spec: age groups youngest first, every other value by its code.
    for name, dimensions in TABLES.items():
        if name == "totals":
            continue
        tables[name].sort(
            key=lambda r, dims=dimensions: tuple(
                AGE_GROUPS.index(r[d]) if d == "age_group" else r[d] for d in dims
            )
        )
    return tables


PUBLIC = (
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
)


def naive_public(tables: dict, threshold: int) -> dict:
    """The public variant by the spec's words, written again from scratch."""
    out = {}
    for name in PUBLIC:
        dims = TABLES[name]
        rows = tables[name]
        hidden = {}
        for measure in ("cumulative", "in_quarter"):
            values = [r[measure] for r in rows]
            sup = [v is not None and 1 <= v <= threshold - 1 for v in values]
            if name not in ("totals", "concerns"):

                def hide_smallest(indexes, values=values, sup=sup):
                    if sum(sup[i] for i in indexes) != 1:
                        return
                    others = [i for i in indexes if not sup[i] and values[i]]
                    if others:
                        sup[min(others, key=lambda i: (values[i], i))] = True

                groups = {}
                for i, r in enumerate(rows):
                    groups.setdefault(tuple(r[d] for d in dims[:-1]), []).append(i)
                for indexes in groups.values():
                    hide_smallest(indexes)
                hide_smallest(list(range(len(rows))))
            hidden[measure] = sup
        out[name] = []
        for i, r in enumerate(rows):
            row = {d: r[d] for d in dims}
            for measure in ("cumulative", "in_quarter"):
                row[measure] = None if hidden[measure][i] else r[measure]
            for measure in ("cumulative", "in_quarter"):
                row[f"{measure}_suppressed"] = hidden[measure][i]
            out[name].append(row)
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_every_table_matches_a_naive_count(worker_tm, worker_sv, seed):
    build_random(worker_tm, worker_sv, seed)
    assert Child.objects.filter(anonymous=True).exists()
    assert Child.objects.filter(closure_reason="duplicate").exists()
    assert Reopening.objects.exists()
    q4 = naive_tables("2024Q1", None)
    assert all(q4[name] for name in TABLES), "the data set leaves a table empty"
    assert all(row["cumulative"] for row in q4["totals"]), q4["totals"]
    for period in ("2023Q1", "2023Q3", "2023Q4", "2024Q1", "2024Q3"):
        for county in (None, "RO-TM", "RO-SV", "RO-B", "RO-CJ"):
            document = compute_report(period, county, "full")
            expected = naive_tables(period, county)
            assert list(document["tables"]) == list(TABLES)
            assert [r["measure"] for r in document["tables"]["totals"]["rows"]] == list(MEASURES)
            for name in TABLES:
                assert document["tables"][name]["rows"] == expected[name], (
                    period,
                    county,
                    name,
                )
    secondary = 0
    for period in ("2023Q4", "2024Q1"):
        for county in (None, "RO-TM"):
            for threshold in (5, 3, 10):
                public = compute_report(period, county, "public", threshold=threshold)
                full = naive_tables(period, county)
                expected = naive_public(full, threshold)
                secondary += sum(
                    row[f"{m}_suppressed"] and full_row[m] >= threshold
                    for name in PUBLIC
                    for row, full_row in zip(expected[name], full[name], strict=True)
                    for m in ("cumulative", "in_quarter")
                )
                assert list(public["tables"]) == list(PUBLIC)
                for name in PUBLIC:
                    assert public["tables"][name]["rows"] == expected[name], (
                        period,
                        county,
                        threshold,
                        name,
                    )
    assert secondary, "the data set never needs secondary suppression"


def test_a_reopened_case_keeps_the_closure_of_an_earlier_quarter(worker_tm):
    """Closed on 10 August 2023 (left Romania), reopened on 1 February 2024: recomputed
    after the reopening, 2023Q3 and 2023Q4 still show it closed, 2024Q1 open."""
    child = dataset.kid(worker_tm, reg=D(2023, 7, 1), county="RO-TM", sex="female", age=8)
    dataset.close(child, D(2023, 8, 10), "left_romania")
    Reopening.objects.create(
        child=child,
        reopened_on=D(2024, 2, 1),
        reason="QA",
        previous_closure_reason="left_romania",
        previous_closed_on=D(2023, 8, 10),
    )
    Child.objects.filter(pk=child.pk).update(status="open", closed_on=None, closure_reason="")

    def figures(period):
        tables = compute_report(period, "RO-TM")["tables"]
        totals = {
            r["measure"]: (r["cumulative"], r["in_quarter"]) for r in tables["totals"]["rows"]
        }
        return totals, tables["closures_by_reason"]["rows"]

    totals, reasons = figures("2023Q3")
    assert totals["cases_closed"] == (1, 1) and totals["cases_open"] == (0, None)
    assert reasons == [{"closure_reason": "left_romania", "cumulative": 1, "in_quarter": 1}]
    totals, reasons = figures("2023Q4")
    assert totals["cases_closed"] == (1, 0) and totals["cases_open"] == (0, None)
    assert reasons == [{"closure_reason": "left_romania", "cumulative": 1, "in_quarter": 0}]
    totals, reasons = figures("2024Q1")
    assert totals["cases_closed"] == (0, 0) and totals["cases_open"] == (1, None)
    assert reasons == []
