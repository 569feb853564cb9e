"""The pages of issue 14, each timed beside its raw SQL, on the database of bench/run.py.

    .venv/bin/python bench/page_bench.py --cases 1000000 [--repeat 30] [--fill-only]

DATABASE_URL names the database (bench/run.py sets it). When it is empty it is filled
by bench/report_bench.py's filler (children by bench/cases_bench.py's COPY, then
caregivers, referrals, follow-ups), so that the pages, the report and the load test read
one database; a filled database is reused. The timing itself is cases_bench's: server time
of repeated requests through Django's test Client, then the SELECTs the last request ran,
replayed raw with cursor.execute. The registration POST writes, so its SQL column is the
time the database took for every statement of the request (reads and writes), as Django
measured it, not a replay.

Prints a table and, last, one line `RESULT {json}` for bench/run.py's summary.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import cases_bench  # noqa: E402  (sets the settings defaults: language, SSL, logs)

COUNTY = "RO-SV"
# Both spellings of one synthetic name: the filler's Latin names have Cyrillic originals.
CYRILLIC_QUERY = "Олена Шевченко"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--fill-only", action="store_true")
    return parser.parse_args()


def letters(n: int) -> str:
    """A number as lowercase letters: names must be letters, and unique per run."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(ord("a") + r) + out
        if n == 0:
            return out


SYLLABLES = [c + v for c in "bdfghklmnprstvz" for v in "aeiou"]


def new_child_name(rng, unique: str) -> tuple[str, str]:
    """A made-up name unlike any other child's: the duplicate check finds nothing to ask
    about (each syllable drawn from 75, the last name ends with a per-run unique tag)."""
    first = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
    last = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() + unique
    return first, last


def registration_post(county: str, first: str, last: str, rng) -> dict:
    """A valid POST of the registration form (the tests' own, tests/registration/helpers.py),
    for a child of the given county, born on a random day."""
    import datetime as dt

    from tests.registration.helpers import post_data

    born = dt.date.today() - dt.timedelta(days=rng.randrange(400, 17 * 365))
    return post_data(
        registration_county=county,
        current_county=county,
        first_name=first,
        last_name=last,
        name_native="",
        date_of_birth=born.isoformat(),
    )


def searched_list(client, text: str) -> str:
    """The list URL a name search lands on: the name is POSTed, the list shown at ?s=<id>."""
    from django.urls import reverse

    response = client.post(reverse("cases:list"), {"q": text})
    assert response.status_code == 302, response.status_code
    return response["Location"]


def time_post(client, url: str, county: str, repeat: int) -> tuple[list[float], list[float], int]:
    """Registration saves: server time, the database time of all its statements, queries."""
    import random

    from django.conf import settings
    from django.db import connection, reset_queries

    rng = random.Random()
    tag = letters(int(time.time() * 1000) % 26**8)
    times, sql_times, n_queries = [], [], 0
    for i in range(repeat + 1):  # the first warms the caches, as time_page does
        first, last = new_child_name(rng, f"{tag}x{letters(i)}")
        data = registration_post(county, first, last, rng)
        settings.DEBUG = True
        reset_queries()
        t = time.perf_counter()
        response = client.post(url, data)
        elapsed = (time.perf_counter() - t) * 1000
        settings.DEBUG = False
        assert response.status_code == 302, (response.status_code, "registration not saved")
        if i:
            times.append(elapsed)
            sql_times.append(sum(float(q["time"]) for q in connection.queries) * 1000)
            n_queries = len(connection.queries)
    return times, sql_times, n_queries


def signed_in(client, user):
    """A session as after the real login, second step included for a coordinator: their
    phone (a confirmed TOTP device, made once) marks the session verified, as typing its
    code does (django_otp.login)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import two_factor

    client.force_login(user)
    if two_factor.required_for(user):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="bench phone", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def run(repeat: int) -> list[dict]:
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from cases.models import Child

    country = User.objects.get(username="bench.country")
    coordinator = User.objects.get(username=f"bench.coord.{COUNTY}")
    worker = User.objects.filter(username__startswith=f"bench.worker.{COUNTY}.").order_by("pk")[0]
    sample = (
        Child.objects.filter(current_county_id=COUNTY, status="open", anonymous=False)
        .order_by("id")
        .values("first_name", "last_name")[min(1000, Child.objects.count() // 100)]
    )
    first, last = sample["first_name"], sample["last_name"]
    typo = f"{first[:-2]}{first[-1]} {last[:3]}{last[2:]}"  # a dropped letter, a doubled one
    case = Child.objects.visible_to(worker).filter(status="open").order_by("id").first()
    home, cases, register = reverse("home"), reverse("cases:list"), reverse("registration:register")
    pages = [
        ("county coordinator", coordinator, "home page (dashboards)", home),
        ("country coordinator", country, "home page (dashboards)", home),
        ("country coordinator", country, "case list, page 1", cases),
        ("country coordinator", country, "case list, page 200", f"{cases}?page=200"),
        ("country coordinator", country, f"name search with a typo ({typo})", ("q", typo)),
        (
            "country coordinator",
            country,
            f"name search in Cyrillic ({CYRILLIC_QUERY})",
            ("q", CYRILLIC_QUERY),
        ),
        ("field worker", worker, "own case list", cases),
        ("field worker", worker, "case page", reverse("cases:detail", kwargs={"code": case.code})),
        ("field worker", worker, "registration form (GET)", register),
        ("field worker", worker, "registration save (POST)", ("post", register)),
    ]
    print(
        f"\nPages: {Child.objects.count()} records; {repeat} requests per figure; times in ms; "
        f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(
        f"{'who':20} {'page':48} {'server median':>13} {'p95':>7} {'SQL median':>10}"
        f" {'p95':>7} {'queries':>7} {'KB':>6}"
    )
    results = []
    clients: dict[int, Client] = {}
    for who, user, label, target in pages:
        if user.pk not in clients:
            clients[user.pk] = signed_in(Client(), user)
        client = clients[user.pk]
        size = None
        if isinstance(target, tuple) and target[0] == "post":
            times, sql_times, n = time_post(client, target[1], user.county_id or COUNTY, repeat)
        else:
            url = searched_list(client, target[1]) if isinstance(target, tuple) else target
            times, sql, _status = cases_bench.time_page(client, url, repeat)
            sql_times, n = cases_bench.time_sql(sql, repeat), len(sql)
            # What travels: compressed when the app compresses (the form's target is on it).
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            size = len(response.content) / 1024
        row = {
            "who": who,
            "page": label,
            "median_ms": statistics.median(times),
            "p95_ms": cases_bench.pct(times, 95),
            "sql_median_ms": statistics.median(sql_times),
            "sql_p95_ms": cases_bench.pct(sql_times, 95),
            "queries": n,
            "kb": size,
        }
        results.append(row)
        print(
            f"{who:20} {label[:48]:48} {row['median_ms']:13.1f} {row['p95_ms']:7.1f}"
            f" {row['sql_median_ms']:10.1f} {row['sql_p95_ms']:7.1f} {n:7d}"
            f" {'' if size is None else f'{size:6.1f}'}"
        )
        sys.stdout.flush()
    return results


def main() -> None:
    args = parse_args()
    cases_bench.ensure_database()
    import django

    django.setup()
    import report_bench
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    report_bench.fill(args.cases)
    cases_bench.prepare_indexes()
    print(f"database ready in {time.perf_counter() - t0:.0f} s")
    if args.fill_only:
        return
    print("RESULT " + json.dumps(run(args.repeat)))


if __name__ == "__main__":
    main()
