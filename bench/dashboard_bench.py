"""Benchmark of the coordinators' home page (dashboards) on an already filled database.

    DATABASE_URL=postgres://.../primero_report_bench_1000000_copy \\
    CACHE_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/dashboard_bench.py [--repeat 20] [--users bench.country ...]

For each user (default: bench.country and bench.coord.RO-SV, as bench/cases_bench.py's
filler makes them), prints the server time of the home page through Django's test Client
(median and p95, ms) in three states of the dashboards' cache:
  cold     every county's figures counted again (the first visit of a day, or with an
           empty cache);
  changed  the first visit after a change in the user's county (RO-SV for the country
           coordinator): that county's figures are counted again, the others are kept;
  warm     nothing changed since the last visit;
beside the time of the dashboard figures alone (reporting.dashboard.build) and the raw
SQL of the same aggregates over the whole scope (hand-written, one statement per figure,
as the page ran them before they were kept per county).

The dashboards' cache is the configured one (CACHE_URL, else the broker's Redis, else
local memory): use a Redis database of your own. measure() is what a combined bench
command can call.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primero_ro.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("LANGUAGE_CODE", "en")
os.environ.setdefault("LOG_LEVEL", "WARNING")

USERS = ("bench.country", "bench.coord.RO-SV")
CHANGED_COUNTY_OF_THE_COUNTRY = "RO-SV"

# The aggregates of the dashboards over a scope ({where}: the county, or true), by hand.
RAW_SQL = [
    """SELECT count(*), count(*) FILTER (WHERE status = 'open'),
              count(*) FILTER (WHERE status = 'closed'),
              count(*) FILTER (WHERE status = 'open' AND risk_level = 'high'),
              count(*) FILTER (WHERE status = 'open' AND next_follow_up_due < current_date)
       FROM cases_child WHERE NOT anonymous AND {where}""",
    """SELECT date_trunc('month', registration_date) AS m, count(*) FROM cases_child
       WHERE closure_reason <> 'duplicate' AND {where}
         AND registration_date >= date_trunc('month', current_date) - interval '11 months'
         AND registration_date <= current_date GROUP BY m""",
    """SELECT current_county_id, sex, age_group, count(*) FROM cases_child
       WHERE closure_reason <> 'duplicate' AND {where} GROUP BY 1, 2, 3""",
    """SELECT pc.protectionconcern_id, count(DISTINCT c.id) FROM cases_child c
       JOIN cases_child_protection_concerns pc ON pc.child_id = c.id
       WHERE c.closure_reason <> 'duplicate' AND {where} GROUP BY 1""",
    """SELECT risk_level, count(*) FROM cases_child
       WHERE NOT anonymous AND status = 'open' AND {where} GROUP BY 1""",
]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def _timed(fn, repeat: int, before=None) -> list[float]:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def _raw_sql(county: str | None, repeat: int) -> list[float]:
    from django.db import connection

    where = f"current_county_id = '{county}'" if county else "true"
    statements = [s.replace("{where}", where) for s in RAW_SQL]
    with connection.cursor() as cursor:

        def run():
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()

        return _timed(run, repeat)


def signed_in_client(user):
    """A test Client signed in as the user, past the second step that coordinators need
    (an authenticator device named "bench" is added to the user once, as tests/personas.py
    does for the test users)."""
    import django_otp
    from django.contrib.auth.signals import user_logged_in
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )

    def verify(sender, request, user, **kwargs):
        if not hasattr(request, "user"):
            request.user = user
            django_otp.login(request, device)

    user_logged_in.connect(verify, dispatch_uid="dashboard_bench_otp")
    try:
        client = Client()
        client.force_login(user)
    finally:
        user_logged_in.disconnect(dispatch_uid="dashboard_bench_otp")
    return client


def measure(usernames=USERS, repeat: int = 20, page_repeat: int | None = None) -> list[dict]:
    """One row per user and state: {user, state, median, p95} of the home page (ms), with
    the figures alone, the page's to-do lists alone (cases.todo.home_blocks: kept per county
    like the figures, so its median is the kept state) and
    the raw SQL beside it. page_repeat (default repeat) requests of the whole page; 0
    times the figures only. Django must be set up."""
    from cases import todo

    page_repeat = repeat if page_repeat is None else page_repeat
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from cases import figure_versions
    from lookups import registry
    from reporting import dashboard

    every_county = registry.codes("county")
    rows = []
    for username in usernames:
        user = User.objects.get(username=username)
        client = signed_in_client(user)
        url = reverse("home")
        assert client.get(url).status_code == 200  # templates, lookups, sessions warmed
        county = user.county_id if user.is_county_coordinator else None
        changed = county or CHANGED_COUNTY_OF_THE_COUNTRY

        def page(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        def figures(user=user):
            dashboard.build(user, timezone.localdate())

        def forget_all():
            figure_versions.forget(every_county)

        def change(changed=changed):
            figure_versions.changed([changed])  # outside a transaction: at once

        sql = _raw_sql(county, repeat)
        todo_times = _timed(lambda user=user: todo.home_blocks(user), max(1, page_repeat))
        for state, before in (("cold", forget_all), ("changed", change), ("warm", None)):
            if state == "warm":
                # The last visit: the figures and the to-do lists (kept alike) are current.
                page() if page_repeat else figures()
            times = _timed(page, page_repeat, before) if page_repeat else [float("nan")]
            alone = _timed(figures, repeat, before)
            rows.append(
                {
                    "user": username,
                    "state": state,
                    "median": statistics.median(times),
                    "p95": pct(times, 95),
                    "todo_median": statistics.median(todo_times),
                    "figures_median": statistics.median(alone),
                    "figures_p95": pct(alone, 95),
                    "sql_median": statistics.median(sql),
                    "sql_p95": pct(sql, 95),
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--page-repeat", type=int, default=None)
    parser.add_argument("--users", nargs="+", default=list(USERS))
    args = parser.parse_args()
    import django

    django.setup()
    from cases.models import Child

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{Child.objects.count()} children; {args.repeat} requests per figure; ms")
    print(f"load average before the run: {load} ({os.cpu_count()} CPUs)")
    print(
        f"{'user':20} {'state':8} {'page median':>11} {'p95':>7} "
        f"{'figures median':>14} {'p95':>7} {'raw SQL median':>14} {'p95':>7} {'to-do median':>12}"
    )
    for r in measure(args.users, args.repeat, args.page_repeat):
        print(
            f"{r['user']:20} {r['state']:8} {r['median']:11.1f} {r['p95']:7.1f} "
            f"{r['figures_median']:14.1f} {r['figures_p95']:7.1f} "
            f"{r['sql_median']:14.1f} {r['sql_p95']:7.1f} {r['todo_median']:12.1f}"
        )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average after the run: {load}")


if __name__ == "__main__":
    main()
