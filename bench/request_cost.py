"""The CPU each request of the load test's mix costs, in the app and in PostgreSQL.

    DATABASE_URL=postgres://.../primero_NAME_1m CACHE_URL=redis://127.0.0.1:6379/N \\
        .venv/bin/python bench/request_cost.py [--workers 8] [--repeat 5]

On a 2-core machine the load test's throughput is bounded by CPU: 60 requests a second
leave ~33 ms of CPU per request, app and database together. Wall-clock times follow the
machine's load (the development machine is shared); CPU time much less so. For each page a
field worker opens in bench/locustfile.py (the bench field workers of the database, spread
over the counties as bench/load_setup.py spreads them), through Django's test Client:
wall time (median, p95), the request thread's CPU (time.thread_time), the CPU of the
database backend that served it (/proc/<pid>/stat, summed over the repeats, so the
database must run on this machine), and the queries. Reads only (the registration POST,
which writes, is timed by bench/form_bench.py). Prints one line per page, and the
ceiling in requests per second that the mix's CPU allows on this machine's cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import cases_bench  # noqa: E402,F401  (the settings defaults)

# The locustfile's weights of the pages read (registrations: the form only).
MIX = {"home": 20, "case list": 20, "case page": 20, "to-do": 10, "name search": 20, "form": 10}
TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role, User
    from cases.models import Child

    workers = list(
        User.objects.filter(role=Role.FIELD_WORKER, username__startswith="bench.worker.")
        .exclude(county__isnull=True)
        .order_by("pk")
    )
    by_county: dict[str, list] = {}
    for w in workers:
        by_county.setdefault(w.county_id, []).append(w)
    chosen = []
    for county in sorted(by_county, key=lambda c: -len(by_county[c])):
        if len(chosen) < args.workers:
            chosen.append(by_county[county][0])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]

    names = ["Ion Popscu", "Maria Ionscu", "Олена Шевченко", "Andrei Rusu"]
    figures: dict[str, dict] = {k: {"wall": [], "cpu": 0.0, "db": 0.0, "n": 0, "q": 0} for k in MIX}
    for user in chosen:
        client = cases_bench.signed_in_client(user.username)
        code = (
            Child.objects.visible_to(user)
            .filter(status="open", assigned_to=user)
            .values_list("code", flat=True)
            .first()
        )
        pages = {
            "home": lambda c: c.get("/"),
            "case list": lambda c: c.get("/cases/"),
            "case page": lambda c, code=code: c.get(f"/cases/{code}/"),
            "to-do": lambda c: c.get("/cases/todo/follow-ups/"),
            "name search": lambda c: c.post("/cases/", {"q": names[0]}, follow=True),
            "form": lambda c: c.get("/register/"),
        }
        for name, call in pages.items():
            if name == "case page" and not code:
                continue
            call(client)  # templates and connections warm
            for _ in range(args.repeat):
                names.append(names.pop(0))
                with CaptureQueriesContext(connection) as ctx:
                    db0, cpu0, t0 = backend_cpu(pid), time.thread_time(), time.perf_counter()
                    response = call(client)
                    wall = time.perf_counter() - t0
                    cpu, db = time.thread_time() - cpu0, backend_cpu(pid) - db0
                assert response.status_code == 200, (name, response.status_code)
                f = figures[name]
                f["wall"].append(wall * 1000)
                f["cpu"] += cpu * 1000
                f["db"] += db * 1000
                f["n"] += 1
                f["q"] += len(ctx)

    load = os.getloadavg()
    print(
        f"{len(chosen)} field workers x {args.repeat} requests per page; load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)"
    )
    print(
        f"  {'page':14} {'wall median':>12} {'p95':>8} {'app CPU':>8} {'db CPU':>8} "
        f"{'queries':>8}   (ms per request; CPU: mean)"
    )
    mix_cpu = 0.0
    for name, f in figures.items():
        if not f["n"]:
            continue
        walls = sorted(f["wall"])
        p95 = walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))]
        app, db = f["cpu"] / f["n"], f["db"] / f["n"]
        mix_cpu += MIX[name] / sum(MIX.values()) * (app + db)
        print(
            f"  {name:14} {statistics.median(walls):12.1f} {p95:8.1f} {app:8.1f} {db:8.1f} "
            f"{f['q'] / f['n']:8.1f}"
        )
    print(
        f"  the mix: {mix_cpu:.1f} ms of CPU per request: at most "
        f"{os.cpu_count() * 1000 / mix_cpu:.0f} requests/s on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
