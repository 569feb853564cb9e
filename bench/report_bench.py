"""Benchmark of the quarterly report engine at 35,000 and 350,000 cases.

    .venv/bin/python bench/report_bench.py [--sizes 35000 350000] [--repeat 5]
                                           [--period 2026Q3] [--no-pdf]
                                           [--database NAME] [--json FILE]

For each size, a PostgreSQL database of its own (primero_report_bench_<size>; created,
migrated and filled when missing, reused when already filled). The children are filled
by bench/cases_bench.py's COPY filler (reused, not copied); this script adds what the
report reads and that filler leaves out: caregivers shared by siblings, anonymous
records, duplicates, referrals of every status and follow-ups (bulk SQL).

--database uses an existing database instead (e.g. a copy of
primero_report_bench_1000000: `createdb -T primero_report_bench_1000000 NAME`).

It then prints, for the national and a county report, the median and p95 time of the
engine (compute_report, full and public) beside those of hand-written raw SQL that
computes the same tables, checks that both give the same figures (an independent count),
and times the whole snapshot build (document, CSV and PDF) as the Celery task does it, in
a worker that imported WeasyPrint when it started (the import is timed apart). Each size
runs in a subprocess of its own (Django binds one database per process); --json writes
every figure to a file.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# Issue 14: within 1.2x of raw SQL, the full national report with CSV and PDF in 15 s.
TARGET_RATIO = 1.2
PDF_BUDGET_S = 15.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[35_000, 350_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--period", default=None, help="default: the last completed quarter")
    parser.add_argument("--county", default="RO-SV")
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument(
        "--database",
        default=None,
        help="an existing database to use (e.g. a copy of primero_report_bench_1000000) "
        "instead of primero_report_bench_<size>; filled like it when empty",
    )
    parser.add_argument(
        "--json", default=None, help="also write every figure to this file, as JSON (a list)"
    )
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    return parser.parse_args()


# Filling ------------------------------------------------------------------------------------

SUPPLEMENT_SQL = [
    # Siblings share a caregiver: consecutive accompanied/separated children of a county,
    # in pairs for about one child in six (≈ 30,000 caregivers for 34,000 children).
    """
    INSERT INTO cases_caregiver (code, caregiver_ref, first_name, last_name, sex,
                                 id_document_type, phone, name_key, created_at, updated_at)
    SELECT 'P-B' || lpad(to_hex(c.id), 9, '0'), '', 'Olena', 'Bench', 'female', 'passport',
           '', 'olena bench', now(), now()
    FROM cases_child c
    WHERE c.uasc_status <> 'unaccompanied' AND c.caregiver_id IS NULL AND c.id % 6 <> 1
    """,
    """
    UPDATE cases_child c SET caregiver_id = g.id
    FROM cases_caregiver g
    WHERE g.code = 'P-B' || lpad(to_hex(c.id), 9, '0')
    """,
    # Fresh statistics, or the planner takes the self-join below for a tiny nested loop.
    "ANALYZE cases_child",
    """
    UPDATE cases_child c SET caregiver_id = p.caregiver_id
    FROM cases_child p
    WHERE c.id % 6 = 1 AND p.id = c.id - 1 AND c.uasc_status <> 'unaccompanied'
      AND c.caregiver_id IS NULL AND p.caregiver_id IS NOT NULL
    """,
    # Five per cent without consent: anonymous statistical records.
    """
    UPDATE cases_child SET anonymous = true, consent_registration = false, status = '',
           workflow_stage = '', closed_on = NULL, closure_reason = '', caregiver_id = NULL,
           first_follow_up_due = NULL, next_follow_up_due = NULL
    WHERE id % 20 = 7
    """,
    # About one per cent closed as duplicates.
    """
    UPDATE cases_child SET status = 'closed', workflow_stage = 'closed',
           closed_on = registration_date + 20, closure_reason = 'duplicate'
    WHERE id % 97 = 3 AND NOT anonymous
    """,
    # Closure reasons spread over the list.
    """
    UPDATE cases_child SET closure_reason = (ARRAY['left_romania', 'returned_ukraine',
           'needs_met', 'turned_18', 'lost_contact', 'other'])[1 + id % 6]
    WHERE status = 'closed' AND closure_reason <> 'duplicate'
    """,
    # Referrals: one child in three, one in nine twice; every status.
    """
    INSERT INTO referrals_referral (code, child_id, service_type, reason, referred_on, status,
                                    created_at, updated_at)
    SELECT 'R-B' || lpad(to_hex(c.id * 2 + k), 9, '0'), c.id,
           (ARRAY['health', 'mhpss', 'education', 'legal_documentation', 'accommodation',
                  'financial', 'social_assistance', 'family_tracing'])[1 + (c.id + k) % 8],
           '', c.registration_date + (k * 45 + c.id % 30)::int,
           (ARRAY['pending', 'accepted', 'declined', 'completed'])[1 + (c.id / 3) % 4],
           now(), now()
    FROM cases_child c CROSS JOIN generate_series(0, 1) AS k
    WHERE NOT c.anonymous AND c.id % 3 = 0 AND (k = 0 OR c.id % 9 = 0)
    """,
    # Follow-ups: one to three for half of the cases, each scheduling the next.
    """
    INSERT INTO cases_followup (child_id, done_on, contact_type, notes, risk_level, next_due,
                                recorded_at)
    SELECT c.id, c.first_follow_up_due + (k * 40 + c.id % 10)::int, 'phone', '', c.risk_level,
           c.first_follow_up_due + (k * 40 + c.id % 10 + 30 + (c.id % 7) * 10)::int, now()
    FROM cases_child c CROSS JOIN generate_series(0, 2) AS k
    WHERE NOT c.anonymous AND c.first_follow_up_due IS NOT NULL AND c.id % 2 = 0
      AND k <= c.id % 3
    """,
    "ANALYZE cases_child",
    "ANALYZE cases_caregiver",
    "ANALYZE referrals_referral",
    "ANALYZE cases_followup",
    "ANALYZE cases_child_protection_concerns",
]


def fill(n_cases: int) -> None:
    import cases_bench
    from django.db import connection, transaction

    from cases.models import Child
    from referrals.models import Referral

    if Child.objects.count() == 0:
        t0 = time.perf_counter()
        cases_bench.fill(n_cases)
        print(f"  filled {n_cases} children in {time.perf_counter() - t0:.0f} s")
    if not Referral.objects.exists():
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in SUPPLEMENT_SQL:
                cursor.execute(sql)
        # The updates left dead rows behind: compact the tables as a long-lived,
        # autovacuumed production table would be, not twice their size. VACUUM FULL leaves
        # the visibility map empty, and without it every index-only scan (the capped counts,
        # a worker's scope) reads the table too: the plain VACUUM after it sets the map, as
        # autovacuum does on a live table.
        with connection.cursor() as cursor:
            for table in ("cases_child", "cases_caregiver", "referrals_referral", "cases_followup"):
                cursor.execute(f"VACUUM FULL ANALYZE {table}")
                cursor.execute(f"VACUUM {table}")
        print(
            f"  added caregivers, anonymous records, duplicates, referrals, follow-ups"
            f" in {time.perf_counter() - t0:.0f} s"
        )


REPORT_TABLES = (
    "cases_child",
    "cases_caregiver",
    "cases_followup",
    "referrals_referral",
    "cases_child_protection_concerns",
    "cases_reopening",
)


def vacuum() -> None:
    """What autovacuum keeps on a production table: fresh statistics and the visibility
    map, by which the report's scans read its covering indexes without visiting the
    table. A copy made by `createdb -T`, or a table just rewritten by VACUUM FULL, has no
    visibility map yet (quick when there is nothing left to do)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in REPORT_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


# Raw SQL: the same tables, written by hand ----------------------------------------------------

BASE = """
    FROM cases_child c
    WHERE c.closure_reason <> 'duplicate' AND c.registration_date <= %(end)s
      AND (%(county)s::text IS NULL OR c.current_county_id = %(county)s)
"""
COUNTS = "count(*), count(*) FILTER (WHERE c.registration_date >= %(start)s)"
CASES = BASE + " AND NOT c.anonymous"
HAS_CONCERN = "EXISTS (SELECT 1 FROM cases_child_protection_concerns pc WHERE pc.child_id = c.id)"

RAW = {
    "registered": f"""
        SELECT {COUNTS},
          count(*) FILTER (WHERE {HAS_CONCERN}),
          count(*) FILTER (WHERE {HAS_CONCERN} AND c.registration_date >= %(start)s),
          count(*) FILTER (WHERE c.uasc_status IN ('separated', 'unaccompanied')),
          count(*) FILTER (WHERE c.uasc_status IN ('separated', 'unaccompanied')
                           AND c.registration_date >= %(start)s)
        {BASE}""",
    "caregivers": f"""
        SELECT count(*), count(*) FILTER (WHERE first >= %(start)s)
        FROM (SELECT c.caregiver_id, min(c.registration_date) AS first
              {BASE} AND c.caregiver_id IS NOT NULL GROUP BY c.caregiver_id) x""",
    "closed": f"""
        SELECT count(*), count(*) FILTER (WHERE c.closed_on >= %(start)s)
        {CASES} AND c.closed_on <= %(end)s""",
    "referred": """
        SELECT count(DISTINCT r.child_id),
               count(DISTINCT r.child_id) FILTER (WHERE r.referred_on >= %(start)s)
        FROM referrals_referral r JOIN cases_child c ON c.id = r.child_id
        WHERE r.referred_on <= %(end)s AND c.closure_reason <> 'duplicate' AND NOT c.anonymous
          AND (%(county)s::text IS NULL OR c.current_county_id = %(county)s)""",
    "open": f"SELECT count(*) {CASES} AND (c.closed_on IS NULL OR c.closed_on > %(end)s)",
    "overdue": """
        SELECT count(*)
        FROM cases_child c
        LEFT JOIN LATERAL (
            SELECT f.next_due FROM cases_followup f
            WHERE f.child_id = c.id AND f.done_on <= %(end)s
            ORDER BY f.done_on DESC, f.id DESC LIMIT 1) lf ON true
        LEFT JOIN LATERAL (
            SELECT 1 AS any FROM cases_followup f
            WHERE f.child_id = c.id AND f.done_on <= %(end)s LIMIT 1) hf ON true
        WHERE c.closure_reason <> 'duplicate' AND c.registration_date <= %(end)s
          AND (%(county)s::text IS NULL OR c.current_county_id = %(county)s)
          AND NOT c.anonymous AND (c.closed_on IS NULL OR c.closed_on > %(end)s)
          AND (CASE WHEN hf.any IS NOT NULL THEN lf.next_due ELSE c.first_follow_up_due END)
              < %(end)s""",
    "by_sex_age": f"SELECT c.sex, c.age_group, {COUNTS} {BASE} GROUP BY 1, 2",
    "by_county_sex": f"SELECT c.current_county_id, c.sex, {COUNTS} {BASE} GROUP BY 1, 2",
    "uasc_by_county": f"""
        SELECT c.current_county_id, c.uasc_status, {COUNTS} {BASE}
          AND c.uasc_status IN ('separated', 'unaccompanied') GROUP BY 1, 2""",
    "concerns": f"""
        SELECT pc.protectionconcern_id, {COUNTS}
        FROM cases_child_protection_concerns pc JOIN cases_child c ON c.id = pc.child_id
        WHERE c.closure_reason <> 'duplicate' AND c.registration_date <= %(end)s
          AND (%(county)s::text IS NULL OR c.current_county_id = %(county)s)
        GROUP BY 1""",
    "concerns_by_risk": f"SELECT c.risk_level, {COUNTS} {BASE} AND {HAS_CONCERN} GROUP BY 1",
    "disability_by_sex": f"SELECT c.sex, {COUNTS} {BASE} AND c.has_disability = 'yes' GROUP BY 1",
    "referrals_by_service": """
        SELECT r.service_type, count(*), count(*) FILTER (WHERE r.referred_on >= %(start)s)
        FROM referrals_referral r JOIN cases_child c ON c.id = r.child_id
        WHERE r.referred_on <= %(end)s AND c.closure_reason <> 'duplicate' AND NOT c.anonymous
          AND (%(county)s::text IS NULL OR c.current_county_id = %(county)s)
        GROUP BY 1""",
    "monthly_registrations": f"""
        SELECT to_char(c.registration_date, 'YYYY-MM'), count(*) {BASE} GROUP BY 1""",
    "intention_of_travel": f"""
        SELECT c.planned_stay,
               CASE WHEN c.planned_stay = 'transit' THEN c.destination_country ELSE '' END,
               {COUNTS} {BASE} GROUP BY 1, 2""",
    "entry_points": f"SELECT c.entry_point_id, {COUNTS} {BASE} GROUP BY 1",
    "closures_by_reason": """
        SELECT c.closure_reason, count(*), count(*) FILTER (WHERE c.closed_on >= %(start)s)
        FROM cases_child c
        WHERE c.closure_reason <> 'duplicate' AND c.registration_date <= %(end)s
          AND (%(county)s::text IS NULL OR c.current_county_id = %(county)s)
          AND NOT c.anonymous AND c.closed_on <= %(end)s
        GROUP BY 1""",
}


def run_raw(period, county) -> dict[str, list[tuple]]:
    from django.db import connection

    params = {"start": period.start, "end": period.end, "county": county}
    results = {}
    with connection.cursor() as cursor:
        for name, sql in RAW.items():
            cursor.execute(sql, params)
            results[name] = cursor.fetchall()
    return results


def raw_document_tables(raw: dict[str, list[tuple]], period) -> dict[str, list[dict]]:
    """The raw results shaped as the engine's rows, to compare the figures."""
    from reporting.engine import TABLES

    reg = raw["registered"][0]
    totals = {
        "children_registered": reg[0:2],
        "caregivers_registered": raw["caregivers"][0],
        "cases_closed": raw["closed"][0],
        "children_with_concerns": reg[2:4],
        "children_referred": raw["referred"][0],
        "unaccompanied_or_separated": reg[4:6],
        "cases_open": (raw["open"][0][0], None),
        "followups_overdue": (raw["overdue"][0][0], None),
    }
    tables = {
        "totals": [
            {"measure": m, "cumulative": v[0], "in_quarter": v[1]} for m, v in totals.items()
        ]
    }
    order = {"0-5": 0, "6-13": 1, "14-17": 2}
    for name, dims in TABLES.items():
        if name in ("totals", "monthly_registrations"):
            continue
        rows = [
            {
                **dict(zip(dims, r[: len(dims)], strict=True)),
                "cumulative": r[-2],
                "in_quarter": r[-1],
            }
            for r in raw[name]
            if r[-2]
        ]
        rows.sort(key=lambda row: tuple((order.get(row[d], 0), row[d]) for d in dims))
        tables[name] = rows
    months = dict(raw["monthly_registrations"])
    rows = []
    if months:
        y, m = map(int, min(months).split("-"))
        while (y, m) <= (period.end.year, period.end.month):
            key = f"{y:04d}-{m:02d}"
            rows.append({"month": key, "cumulative": months.get(key, 0), "in_quarter": None})
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    tables["monthly_registrations"] = rows
    return tables


# Timing ---------------------------------------------------------------------------------------


def timings(fn, repeat: int) -> tuple[float, float]:
    """Median and p95 (nearest rank) of repeat runs of fn, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return statistics.median(times), times[max(0, math.ceil(0.95 * len(times)) - 1)]


def bench_one(size: int, args) -> dict:
    # bench/run.py names the database (one filled database for pages, report and load).
    if args.database:
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    else:
        os.environ["DATABASE_URL"] = os.environ.get("REPORT_BENCH_DATABASE_URL") or (
            f"postgres://postgres@127.0.0.1:5432/primero_report_bench_{size}"
        )
    database = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    import cases_bench  # sets the other environment defaults (settings, language, logs)

    cases_bench.ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fill(size)
    t0 = time.perf_counter()
    vacuum()
    print(f"  VACUUM ANALYZE of the report's tables: {time.perf_counter() - t0:.0f} s")

    from cases.models import Child
    from reporting import services
    from reporting.engine import _without_jit, compute_report
    from reporting.models import ReportSnapshot
    from reporting.pdf import load_renderer
    from reporting.periods import last_completed_quarter, parse_period

    period = parse_period(args.period) if args.period else last_completed_quarter()
    total = Child.objects.count()
    print(f"\n{total} records (database {database}), period {period.code}")
    result = {"size": total, "period": period.code, "rows": []}
    print(
        f"{'scope':10} {'variant':8} {'engine s':>9} {'p95':>7} {'raw SQL s':>10} {'p95':>7}"
        f" {'ratio':>6} {'raw SQL, JIT on s':>18}  figures"
    )
    for county in (None, args.county):
        compute_report(period, county, "full")  # warm the caches once
        run_raw(period, county)
        engine = {
            variant: timings(lambda c=county, v=variant: compute_report(period, c, v), args.repeat)
            for variant in ("full", "public")
        }
        # The engine switches PostgreSQL's JIT off for its queries: time the raw SQL
        # under the same session settings, and also with the server's defaults.
        with _without_jit():
            raw_s, raw_p95 = timings(lambda c=county: run_raw(period, c), args.repeat)
        raw_default_s, _p95 = timings(lambda c=county: run_raw(period, c), args.repeat)
        doc = compute_report(period, county, "full")
        expected = raw_document_tables(run_raw(period, county), period)
        mismatches = [n for n, t in doc["tables"].items() if t["rows"] != expected[n]]
        check = "match" if not mismatches else f"DIFFER in {', '.join(mismatches)}"
        scope = county or "national"
        for variant, (seconds, p95) in engine.items():
            ratio = seconds / raw_s
            print(
                f"{scope:10} {variant:8} {seconds:9.3f} {p95:7.3f} {raw_s:10.3f} {raw_p95:7.3f}"
                f" {ratio:6.2f} {raw_default_s:18.3f}  {check}"
            )
            result["rows"].append(
                {
                    "scope": scope,
                    "variant": variant,
                    "engine_s": seconds,
                    "engine_p95_s": p95,
                    "raw_s": raw_s,
                    "raw_p95_s": raw_p95,
                    "raw_default_s": raw_default_s,
                    "ratio": ratio,
                    "figures": check,
                }
            )
    if not args.no_pdf:
        # As in a Celery worker, which imports WeasyPrint once when it starts
        # (reporting.tasks.load_pdf_renderer): timed on its own, outside the builds.
        t0 = time.perf_counter()
        load_renderer()
        result["weasyprint_import_s"] = time.perf_counter() - t0
        print(
            f"WeasyPrint import, once per worker at its start: {result['weasyprint_import_s']:.1f} s"
        )
        for variant in ("full", "public"):
            snapshot = ReportSnapshot.objects.create(
                period=period.code, variant=variant, language="ro"
            )
            t0 = time.perf_counter()
            built = services.build_report(snapshot.pk)
            seconds = time.perf_counter() - t0
            status = built.status if built.status == "done" else f"{built.status}: {built.error}"
            print(
                f"snapshot national {variant} with CSV and PDF: {seconds:.1f} s ({status}, "
                f"PDF {built.pdf.size if built.pdf else 0} bytes)"
            )
            result[f"snapshot_{variant}_s"] = seconds
            built.pdf.delete(save=False) if built.pdf else None
            built.csv.delete(save=False) if built.csv else None
            snapshot.delete()
    return result


def main() -> None:
    args = parse_args()
    if args.one:
        result = bench_one(args.one, args)
        print("RESULT " + json.dumps(result))
        return
    results = []
    for size in args.sizes:
        cmd = [
            sys.executable,
            __file__,
            "--one",
            str(size),
            "--repeat",
            str(args.repeat),
            "--county",
            args.county,
        ]
        if args.period:
            cmd += ["--period", args.period]
        if args.no_pdf:
            cmd.append("--no-pdf")
        if args.database:
            cmd += ["--database", args.database]
        with subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        ) as proc:
            for line in proc.stdout:
                if line.startswith("RESULT "):
                    results.append(json.loads(line[7:]))
                else:
                    sys.stdout.write(line)
                    sys.stdout.flush()
        if proc.returncode:
            sys.exit(proc.returncode)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    worst = max(r["ratio"] for res in results for r in res["rows"])
    slowest = max((res.get("snapshot_full_s", 0) for res in results), default=0)
    differ = [r for res in results for r in res["rows"] if r["figures"] != "match"]
    print(
        f"\nreport_bench: worst engine/raw SQL ratio {worst:.2f} (target ≤ {TARGET_RATIO}); "
        f"slowest full report with PDF {slowest:.1f} s (target < {PDF_BUDGET_S:.0f} s); "
        f"figures {'match' if not differ else 'DIFFER'}"
    )


if __name__ == "__main__":
    main()
