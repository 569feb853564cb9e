"""Benchmark of the bulk import: 35,000 children with their caregivers and referrals.

Generates the three CSV files, creates and migrates a PostgreSQL database of its own
(primero_import_bench, dropped first), imports the files with the management command,
then imports them again (nothing may change), printing the time and the peak memory;
--repeat N does it N times on a fresh database each time and prints the medians.

    .venv/bin/python bench/import_bench.py [--children 35000] [--repeat 3] [--keep]

From another script: `from bench.import_bench import run; figures = run(35_000, repeat=3)`
(a dict of the figures; run it in a process of its own, as it sets up Django).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
DB_NAME = os.environ.get("BENCH_DB", "primero_import_bench")  # one per engineer when shared
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU time of this process: unlike the wall-clock time, not inflated when other
    processes share the machine (the database server's own CPU is not included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def create_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def generate(folder: Path, n: int) -> dict[str, Path]:
    from cases import rules
    from cases.demo import COUNTY_WEIGHTS, synthetic_child
    from imports.columns import CAREGIVER_COLUMNS, CHILD_COLUMNS, REFERRAL_COLUMNS

    rng = random.Random(2022)
    today = dt.date(2025, 12, 31)
    counties = list(COUNTY_WEIGHTS)
    weights = list(COUNTY_WEIGHTS.values())
    paths = {name: folder / f"{name}.csv" for name in ("children", "caregivers", "referrals")}
    files = {name: open(path, "w", newline="", encoding="utf-8") for name, path in paths.items()}  # noqa: SIM115
    writers = {name: csv.writer(f) for name, f in files.items()}
    writers["children"].writerow([c.name for c in CHILD_COLUMNS])
    writers["caregivers"].writerow([c.name for c in CAREGIVER_COLUMNS])
    writers["referrals"].writerow([c.name for c in REFERRAL_COLUMNS])
    previous = None
    household = 0
    caregiver_count = referral_count = 0
    for i in range(n):
        data = synthetic_child(rng, rng.choices(counties, weights)[0], today)
        if data["protection_concerns"]:
            data["concern_details"] = "Noted during the interview."
        if data["has_disability"] == "yes":
            data["disability_details"] = "Needs support at school."
        suggested = rules.suggested_risk_level(
            data["uasc_status"], data["protection_concerns"], data["has_disability"]
        )
        if data["risk_level"] == "high" or data["risk_level"] != suggested:
            data["risk_justification"] = "Assessed at the interview."
        if data["id_document_type"] == "none":
            data["id_document_number"] = ""
        data["entry_date"] = max(data["entry_date"], rules.WAR_START)
        ref = f"SRC-{i:06d}"
        caregiver_ref = ""
        if data["uasc_status"] != "unaccompanied":
            # About one child in seven travels with a sibling: same caregiver and household.
            if previous and previous["county"] == data["current_county"] and rng.random() < 0.15:
                caregiver_ref, household_ref = previous["caregiver"], previous["household"]
            else:
                caregiver_count += 1
                household += 1
                caregiver_ref, household_ref = f"CG-{caregiver_count:06d}", f"HH-{household:06d}"
                writers["caregivers"].writerow(
                    [
                        caregiver_ref,
                        data["caregiver_first_name"],
                        data["caregiver_last_name"],
                        data["caregiver_sex"],
                        "",
                        data["caregiver_id_document_type"],
                        f"+40 7{rng.randrange(10**7, 10**8)}" if rng.random() < 0.6 else "",
                    ]
                )
            previous = {
                "county": data["current_county"],
                "caregiver": caregiver_ref,
                "household": household_ref,
            }
        else:
            household_ref = ""
        closed = rng.random() < 0.2
        row = {
            **data,
            "record_ref": ref,
            "household_ref": household_ref,
            "caregiver_ref": caregiver_ref,
            "status": "closed" if closed else "open",
            "closed_on": data["registration_date"] + dt.timedelta(days=90) if closed else None,
            "closure_reason": "left_romania" if closed else "",
        }
        if row["closed_on"] and row["closed_on"] > today:
            row.update(status="open", closed_on=None, closure_reason="")
        writers["children"].writerow([_fmt(row.get(c.name)) for c in CHILD_COLUMNS])
        for service in data["services_needed"] or (["health"] if rng.random() < 0.25 else []):
            referral_count += 1
            writers["referrals"].writerow(
                [ref, service, "", data["registration_date"].isoformat(), "pending", "", ""]
            )
    for f in files.values():
        f.close()
    print(f"generated {n} children, {caregiver_count} caregivers, {referral_count} referrals")
    return paths


def _migrated_database() -> None:
    from django.core.management import call_command
    from django.db import connections

    from accounts.models import Role, User

    connections.close_all()
    create_database()
    t = time.monotonic()
    call_command("migrate", verbosity=0)
    print(f"database {DB_NAME} created and migrated in {time.monotonic() - t:.1f} s")
    User.objects.create(username="bench.country", role=Role.COUNTRY_COORDINATOR)


def _drop_database() -> None:
    from django.db import connections

    connections.close_all()
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")


def _backend_cpu_s(pid: int | None) -> float | None:
    """CPU time of the PostgreSQL backend serving this process, when the server runs on
    this machine and /proc is readable: with this process's CPU, a figure that the other
    processes sharing the machine do not inflate as they inflate the wall-clock time."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _backend_pid() -> int | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _timed_import(files: list[str]) -> tuple[float, float, float | None]:
    """Wall-clock seconds, CPU seconds of this process and of its database backend."""
    from django.core.management import call_command

    pid = _backend_pid()
    db_before = _backend_cpu_s(pid)
    t, c = time.monotonic(), cpu_s()
    call_command("import_registrations", *files)
    wall, cpu = time.monotonic() - t, cpu_s() - c
    db_after = _backend_cpu_s(pid)
    db = None if db_before is None or db_after is None else db_after - db_before
    return wall, cpu, db


def _db(db: float | None) -> str:
    return "" if db is None else f" + {db:.1f} s CPU of its database backend"


def run(children: int = 35_000, repeat: int = 1, keep: bool = False) -> dict:
    """Import `children` generated children into an empty database, then again (nothing
    changes), `repeat` times (a fresh database each time); print and return the figures:
    wall-clock seconds of each first import and re-import, their medians, the CPU seconds
    of this process, the peak memory (ru_maxrss of this process, MB) and the load average.

    The bench command calls it in its own process (the peak memory is the process's).
    """
    os.environ["DATABASE_URL"] = f"{PG}/{DB_NAME}"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primero_ro.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    create_database()
    import django

    django.setup()
    from cases.models import Child

    load_before = os.getloadavg()[0]
    firsts, seconds, first_cpu, second_cpu = [], [], [], []
    first_peak = None
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), children)
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in paths.values())
        print(f"files: {sizes}; peak memory before the import {peak_mb():.0f} MB")
        files = [
            f"--children={paths['children']}",
            f"--caregivers={paths['caregivers']}",
            f"--referrals={paths['referrals']}",
        ]
        for n in range(repeat):
            _migrated_database()
            wall, cpu, db = _timed_import(files)
            firsts.append(wall)
            first_cpu.append(cpu + (db or 0))
            if first_peak is None:
                first_peak = peak_mb()
            # Two decimals: bench/run.py judges the target from this line, as this script
            # does below from the exact figure (25.0 printed once hid a 25.04, not met).
            print(
                f"first import: {wall:.2f} s ({cpu:.1f} s CPU of this process{_db(db)}), "
                f"peak memory {peak_mb():.0f} MB, load average {os.getloadavg()[0]:.1f}"
            )
            wall, cpu, db = _timed_import(files)
            seconds.append(wall)
            second_cpu.append(cpu + (db or 0))
            print(
                f"re-import (no change): {wall:.1f} s ({cpu:.1f} s CPU{_db(db)}), "
                f"peak memory {peak_mb():.0f} MB, load average {os.getloadavg()[0]:.1f}"
            )
            print(f"children in the database: {Child.objects.count()}")
            if not keep or n < repeat - 1:
                _drop_database()
    figures = {
        "children": children,
        "first_s": firsts,
        "reimport_s": seconds,
        "first_median_s": statistics.median(firsts),
        "reimport_median_s": statistics.median(seconds),
        "first_cpu_s": statistics.median(first_cpu),
        "reimport_cpu_s": statistics.median(second_cpu),
        "first_peak_mb": first_peak,
        "peak_mb": peak_mb(),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }
    print(
        f"{children} children, {repeat} run(s): first import median "
        f"{figures['first_median_s']:.1f} s (max {max(firsts):.1f}), re-import median "
        f"{figures['reimport_median_s']:.1f} s; CPU of this process and its database backend "
        f"{figures['first_cpu_s']:.1f} s and {figures['reimport_cpu_s']:.1f} s; peak memory "
        f"{first_peak:.0f} MB after the first import, {figures['peak_mb']:.0f} MB in all; "
        f"load average {load_before:.1f} before, {figures['load_after']:.1f} after (2 cores)"
    )
    ok = figures["first_median_s"] <= 25 and first_peak <= 300
    print(f"target 25 s and 300 MB (issue 14): {'met' if ok else 'NOT met'}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=35_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs, each on a fresh database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    run(args.children, args.repeat, args.keep)


if __name__ == "__main__":
    main()
