"""Benchmark of the case list, the name search and the case page (350,000 cases by default).

    .venv/bin/python bench/cases_bench.py [--cases 350000] [--repeat 30] [--fill-only]

Fills its own PostgreSQL database (DATABASE_URL, default primero_bench; created and
migrated when missing, reused when already filled), then prints, for a county coordinator,
the country coordinator and a field worker, the server time (median and p95 over repeated
requests through Django's test Client) of each page beside the raw SQL time of the queries
the page ran (captured, then timed again with cursor.execute).

From another script (Django set up, database filled): measure_case_pages(repeat) returns
one dict per page (who, page, server_median, server_p95, sql_median, sql_p95, queries);
run_bench(repeat) prints them and returns them; case_pages() lists what is measured.

This is a benchmark fixture, not a way to register children: rows go in with COPY and
precomputed name keys rather than through register_child (which would take hours), and
no history rows are written for them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/primero_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primero_ro.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("LANGUAGE_CODE", "en")
os.environ.setdefault("LOG_LEVEL", "WARNING")

# Border counties and the capital carried most registrations; every county had some.
BIG_COUNTIES = {
    "RO-SV": 22,
    "RO-B": 20,
    "RO-IS": 8,
    "RO-CT": 7,
    "RO-GL": 6,
    "RO-BV": 4,
    "RO-CJ": 4,
    "RO-TM": 4,
    "RO-MM": 3,
    "RO-SM": 2,
    "RO-TL": 2,
    "RO-VS": 2,
    "RO-BT": 2,
    "RO-IF": 2,
}
SMALL_COUNTY_WEIGHT = 0.4
ENTRY_BY_COUNTY = {
    "RO-SV": ["SIRET", "VICOVU_DE_SUS"],
    "RO-MM": ["SIGHETU_MARMATIEI", "VALEA_VISEULUI"],
    "RO-SM": ["HALMEU"],
    "RO-TL": ["ISACCEA"],
    "RO-IS": ["SCULENI", "IASI_UNGHENI_RAIL"],
    "RO-GL": ["OANCEA", "GALATI_GIURGIULESTI"],
    "RO-VS": ["ALBITA"],
    "RO-BT": ["STANCA_COSTESTI"],
    "RO-B": ["OTOPENI_AIRPORT", "INLAND", "SIRET"],
    "RO-IF": ["OTOPENI_AIRPORT"],
}
FIRST = {
    "female": [
        "Olena",
        "Anastasiia",
        "Sofiia",
        "Mariia",
        "Yuliia",
        "Kateryna",
        "Daryna",
        "Viktoriia",
        "Iryna",
        "Polina",
        "Khrystyna",
        "Zlata",
        "Alina",
        "Oksana",
        "Tetiana",
        "Nataliia",
        "Valeriia",
        "Yana",
        "Diana",
        "Karina",
        "Veronika",
        "Solomiia",
        "Liliia",
        "Myroslava",
        "Vasylyna",
        "Uliana",
        "Milana",
        "Emiliia",
        "Varvara",
        "Yeva",
    ],
    "male": [
        "Oleksandr",
        "Mykola",
        "Andrii",
        "Dmytro",
        "Serhii",
        "Yurii",
        "Maksym",
        "Artem",
        "Bohdan",
        "Volodymyr",
        "Ihor",
        "Taras",
        "Mykhailo",
        "Ivan",
        "Nazar",
        "Denys",
        "Roman",
        "Vladyslav",
        "Yaroslav",
        "Oleh",
        "Pavlo",
        "Vitalii",
        "Kyrylo",
        "Illia",
        "Matvii",
        "Tymofii",
        "Danylo",
        "Yehor",
        "Stepan",
        "Petro",
    ],
}
STEMS = [
    "Shevch",
    "Koval",
    "Bondar",
    "Tkach",
    "Krav",
    "Oliin",
    "Polishch",
    "Lys",
    "March",
    "Meln",
    "Boik",
    "Savch",
    "Rud",
    "Mor",
    "Harch",
    "Zhuk",
    "Hnat",
    "Kuzm",
    "Pavl",
    "Petr",
    "Ivan",
    "Sydor",
    "Hryts",
    "Levch",
    "Mazur",
    "Karp",
    "Kost",
    "Moskal",
    "Ostap",
    "Prokop",
    "Rom",
    "Semen",
    "Tymosh",
    "Fedor",
    "Yakym",
    "Dan",
    "Zakhar",
    "Lytv",
    "Babi",
    "Vovk",
    "Kozak",
    "Holub",
    "Sokol",
    "Moroz",
    "Kuch",
    "Pono",
    "Didenk",
    "Demch",
    "Yurch",
    "Ustym",
]
SUFFIXES = ["enko", "uk", "yk", "ovych", "iak", "ets", "ko", "an"]
CONCERNS = [
    ("neglect", 20),
    ("emotional_abuse", 10),
    ("medical_problems", 14),
    ("school_abandonment", 10),
    ("precarious_living", 16),
    ("lack_of_documentation", 12),
    ("witness_domestic_violence", 6),
    ("physical_abuse", 4),
    ("trafficking", 1),
    ("disability", 6),
    ("bullying", 4),
    ("suicide_risk", 1),
]
HIGH = {"physical_abuse", "trafficking", "suicide_risk"}


# The case list's indexes live in cases/migrations/0004_case_list_indexes.py. Earlier runs
# of this script created the same indexes under other names: drop those duplicates, which
# would only slow the fill, and refresh the planner's statistics.
BENCH_ONLY_INDEXES = ["child_case_scope", "child_case_status_risk", "child_case_order"]


def prepare_indexes() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for name in BENCH_ONLY_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute("ANALYZE cases_child")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=350_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--fill-only", action="store_true")
    return parser.parse_args()


def ensure_database() -> None:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("cases_bench: DATABASE_URL must be a PostgreSQL database")
    conninfo = {
        k: v
        for k, v in {
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
        }.items()
        if v
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
            print(f"created database {db['NAME']}")


def make_users(counties: list[str], per_county: dict[str, int]):
    from accounts.models import Role, User

    users = {"workers": {}, "coordinators": {}}
    country, _ = User.objects.get_or_create(
        username="bench.country", defaults={"role": Role.COUNTRY_COORDINATOR}
    )
    users["country"] = country
    for county in counties:
        coord, _ = User.objects.get_or_create(
            username=f"bench.coord.{county}",
            defaults={"role": Role.COUNTY_COORDINATOR, "county_id": county},
        )
        users["coordinators"][county] = coord
        n_workers = max(2, per_county.get(county, 0) // 1500)
        existing = list(User.objects.filter(role=Role.FIELD_WORKER, county_id=county))
        for i in range(len(existing), n_workers):
            existing.append(
                User.objects.create(
                    username=f"bench.worker.{county}.{i}",
                    role=Role.FIELD_WORKER,
                    county_id=county,
                    first_name=random.choice(FIRST["female"]),
                    last_name=f"Worker{i}",
                )
            )
        users["workers"][county] = existing
    return users


def fill(n_cases: int) -> None:
    """COPY n_cases synthetic children (skewed by county) into an empty cases_child."""
    from django.db import connection

    from cases.codes import new_code
    from cases.models import Child
    from cases.names import name_key
    from lookups.models import County

    rng = random.Random(2022)
    counties = list(County.objects.values_list("code", flat=True))
    weights = [BIG_COUNTIES.get(c, SMALL_COUNTY_WEIGHT) for c in counties]
    county_of = rng.choices(counties, weights=weights, k=n_cases)
    per_county: dict[str, int] = {}
    for c in county_of:
        per_county[c] = per_county.get(c, 0) + 1
    users = make_users(counties, per_county)

    last_names = [s + suf for s in STEMS for suf in SUFFIXES]
    key_cache: dict[tuple[str, str], str] = {}
    concern_codes = [c for c, _w in CONCERNS]
    concern_weights = [w for _c, w in CONCERNS]
    today = dt.date.today()
    start = dt.date(2022, 3, 1)
    span = (today - start).days
    fields = [
        f
        for f in Child._meta.concrete_fields
        if f.column != "id"  # we set ids ourselves, to link the concerns without a read back
    ]
    columns = ["id"] + [f.column for f in fields]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cases_child")
        next_id = cursor.fetchone()[0] + 1
    codes: set[str] = set()
    concern_rows: list[tuple[int, str]] = []
    now = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    raw = connection.connection  # the psycopg 3 connection
    with raw.cursor() as cur:
        with cur.copy(f"COPY cases_child ({', '.join(columns)}) FROM STDIN") as copy:
            for i in range(n_cases):
                county = county_of[i]
                sex = "female" if rng.random() < 0.5 else "male"
                first = rng.choice(FIRST[sex])
                last = rng.choice(last_names)
                key = key_cache.get((first, last))
                if key is None:
                    key = key_cache[(first, last)] = name_key(first, last)
                reg = start + dt.timedelta(days=int(span * rng.random() ** 1.8))  # early peak
                dob = reg - dt.timedelta(days=rng.randrange(30, 17 * 365))
                age = (reg - dob).days // 365
                care = rng.choices(
                    ["parents", "relatives", "other_adult", "alone"], weights=[85, 9, 4, 2]
                )[0]
                uasc = {"parents": "accompanied", "alone": "unaccompanied"}.get(care, "separated")
                concerns = (
                    sorted(set(rng.choices(concern_codes, concern_weights, k=rng.randint(1, 2))))
                    if rng.random() < 0.12
                    else []
                )
                disability = rng.choices(["no", "yes", "unknown"], weights=[92, 5, 3])[0]
                if uasc == "unaccompanied" or HIGH & set(concerns):
                    risk = "high"
                elif concerns or uasc == "separated" or disability == "yes":
                    risk = "medium"
                else:
                    risk = "low"
                closed = reg < today - dt.timedelta(days=240) and rng.random() < 0.6
                due = reg + dt.timedelta(days={"high": 14, "medium": 30, "low": 60}[risk])
                next_due = None if closed else due + dt.timedelta(days=60 * rng.randrange(0, 12))
                workers = users["workers"][county]
                worker = workers[rng.randrange(len(workers))]
                code = new_code("C-")
                while code in codes:
                    code = new_code("C-")
                codes.add(code)
                planned = rng.choices(
                    ["stay", "transit", "return", "undecided"], weights=[60, 20, 10, 10]
                )[0]
                values = {
                    "code": code,
                    "registration_date": reg,
                    "registration_county_id": county,
                    "registration_place": rng.choice(
                        ["border_crossing", "transit_centre", "home_visit", "office"]
                    ),
                    "entry_point_id": rng.choice(ENTRY_BY_COUNTY.get(county, ["INLAND"])),
                    "entry_date": reg - dt.timedelta(days=rng.randrange(0, 20)),
                    "consent_registration": True,
                    "consent_given_by": "child" if uasc == "unaccompanied" else "caregiver",
                    "consent_share_providers": True,
                    "interpreter_used": False,
                    "first_name": first,
                    "last_name": last,
                    "sex": sex,
                    "date_of_birth": dob,
                    "date_of_birth_estimated": False,
                    "age_group": "0-5" if age <= 5 else "6-13" if age <= 13 else "14-17",
                    "nationality": "UA",
                    "id_document_type": "passport",
                    "id_document_number": f"FA{rng.randrange(100000, 999999)}",
                    "languages": json.dumps(["uk"]),
                    "education_status": rng.choice(["ro_school", "ua_online", "both"]),
                    "has_disability": disability,
                    "care_arrangement": care,
                    "uasc_status": uasc,
                    "family_in_ukraine": rng.choice(["yes", "no", "unknown"]),
                    "tracing_requested": False,
                    "current_county_id": county,
                    "current_locality": "Centru",
                    "accommodation_type": rng.choice(["host_family", "rented", "reception_centre"]),
                    "planned_stay": planned,
                    "destination_country": "DE" if planned == "transit" else "",
                    "concern_source": "observed" if concerns else "",
                    "risk_level": risk,
                    "suggested_risk_level": risk,
                    "status": "closed" if closed else "open",
                    "workflow_stage": "closed"
                    if closed
                    else rng.choice(["registered", "assessed", "referred", "follow_up"]),
                    "closed_on": reg + dt.timedelta(days=200) if closed else None,
                    "closure_reason": "left_romania" if closed else "",
                    "first_follow_up_due": due,
                    "next_follow_up_due": next_due,
                    "assigned_to_id": worker.pk if rng.random() < 0.8 else None,
                    "name_key": key,
                    "version": 1,
                    "created_by_id": worker.pk,
                    "updated_by_id": worker.pk,
                    "created_at": now,
                    "updated_at": now,
                    "anonymous": False,
                    "accompanying_adults": "[]",
                    "immediate_needs": "[]",
                    "services_needed": "[]",
                }
                row = [next_id + i]
                for f in fields:
                    if f.attname in values:
                        row.append(values[f.attname])
                    elif f.null:
                        row.append(None)
                    elif f.has_default():
                        default = f.get_default()
                        row.append(json.dumps(default) if isinstance(default, list) else default)
                    else:
                        row.append("")
                copy.write_row(row)
                concern_rows.extend((next_id + i, c) for c in concerns)
        with cur.copy(
            "COPY cases_child_protection_concerns (child_id, protectionconcern_id) FROM STDIN"
        ) as copy:
            for row in concern_rows:
                copy.write_row(row)
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('cases_child', 'id'), (SELECT MAX(id) FROM cases_child))"
        )
    raw.commit()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_child")
        cursor.execute("VACUUM ANALYZE cases_child_protection_concerns")
    print(f"filled {n_cases} cases in {time.perf_counter() - t0:.0f} s")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def time_page(client, url: str, repeat: int) -> tuple[list[float], list[str], int]:
    """Server time of repeated GETs (test Client: no network), and the SQL of the last one."""
    from django.db import connection, reset_queries

    client.get(url)  # warm caches (lookups, templates)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    from django.conf import settings

    settings.DEBUG = True
    reset_queries()
    client.get(url)
    sql = [q["sql"] for q in connection.queries]
    settings.DEBUG = False
    return times, sql, response.status_code


def time_sql(statements: list[str], repeat: int) -> list[float]:
    """The same SQL (reads only; writes such as the audit insert are skipped), timed raw."""
    from django.db import connection

    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            t = time.perf_counter()
            for s in reads:
                cursor.execute(s)
                cursor.fetchall()
            times.append((time.perf_counter() - t) * 1000)
    return times


# A name typed in Cyrillic, as a Ukrainian worker types it: the same key as Olena
# Shevchenko (cases.names), one of the commonest names of the fill.
CYRILLIC_NAME = "Олена Шевченко"


def case_pages() -> list[tuple[str, str, str]]:
    """(who, page label, URL) of every page measured: the county coordinator's, the
    country coordinator's and a field worker's list, searches and case page.

    `who` is a username of the fill (bench.coord.RO-SV, bench.country,
    bench.worker.RO-SV.0). A URL holding ?q= is a name search: the list redirects it to
    ?s=<id> (the name leaves the URL), so it must be followed once per session.
    """
    from django.urls import reverse

    from cases.models import Child

    sample = (
        Child.objects.filter(current_county_id="RO-SV", status="open")
        .order_by("id")
        .values("code", "first_name", "last_name")[1000]
    )
    # A typo in each word: a dropped letter, a doubled one.
    typo = f"{sample['first_name'][:-2]}{sample['first_name'][-1]} {sample['last_name'][:3]}{sample['last_name'][2:]}"
    base = reverse("cases:list")
    searches = [
        (f"name search with a typo ({typo!r})", f"{base}?q={typo.replace(' ', '+')}"),
        (
            f"name search in Cyrillic ({CYRILLIC_NAME!r})",
            f"{base}?q={CYRILLIC_NAME.replace(' ', '+')}",
        ),
    ]
    coordinator_pages = [
        ("list, page 1", base),
        ("filtered list (open, high risk)", f"{base}?status=open&risk_level=high"),
        ("a page deep in the list (page 200)", f"{base}?page=200"),
        *searches,
        ("case page", reverse("cases:detail", kwargs={"code": sample["code"]})),
    ]
    worker = "bench.worker.RO-SV.0"
    mine = Child.objects.filter(created_by__username=worker).order_by("id").values("code")[0]
    worker_pages = [
        ("my cases, page 1", base),
        ("my open cases, high risk first", f"{base}?status=open&sort=risk"),
        *searches,
        ("case page", reverse("cases:detail", kwargs={"code": mine["code"]})),
    ]
    return [
        *(("bench.coord.RO-SV", label, url) for label, url in coordinator_pages),
        *(("bench.country", label, url) for label, url in coordinator_pages),
        *((worker, label, url) for label, url in worker_pages),
    ]


def signed_in_client(username: str):
    """A test Client signed in as this user, past the second step of the login that
    coordinators must take (a confirmed phone, and the session marked as verified with it,
    as django_otp.login does)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import two_factor
    from accounts.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    if two_factor.required_for(user):
        device = two_factor.phone_of(user) or TOTPDevice.objects.create(
            user=user, name="bench", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def measure_case_pages(repeat: int) -> list[dict]:
    """Each page of case_pages(): server time through Django's test Client and the raw
    SQL time of the queries it ran (median and p95 in ms, and the number of queries)."""
    rows = []
    clients = {}
    for who, label, url in case_pages():
        if who not in clients:
            clients[who] = signed_in_client(who)
        client = clients[who]
        if "?q=" in url:
            # The list moves a typed name out of the URL (302 to ?s=<id>): time the list.
            url = client.get(url)["Location"]
        times, sql, _status = time_page(client, url, repeat)
        sql_times = time_sql(sql, repeat)
        rows.append(
            {
                "who": who,
                "page": label,
                "server_median": statistics.median(times),
                "server_p95": pct(times, 95),
                "sql_median": statistics.median(sql_times),
                "sql_p95": pct(sql_times, 95),
                "queries": len(sql),
            }
        )
    return rows


def run_bench(repeat: int) -> list[dict]:
    from cases.models import Child

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{Child.objects.count()} cases; {repeat} requests per figure; times in ms")
    print(f"load average before the run: {load} ({os.cpu_count()} CPUs)")
    header = f"{'':20} {'page':52} {'server median':>13} {'p95':>7} {'SQL median':>10} {'p95':>7} {'queries':>7}"
    print(header)
    rows = measure_case_pages(repeat)
    for row in rows:
        print(
            f"{row['who']:20} {row['page']:52} {row['server_median']:13.1f} {row['server_p95']:7.1f}"
            f" {row['sql_median']:10.1f} {row['sql_p95']:7.1f} {row['queries']:7d}"
        )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average after the run: {load}")
    return rows


def main() -> None:
    args = parse_args()
    import django

    ensure_database()
    django.setup()
    from django.core.management import call_command

    from cases.models import Child

    call_command("migrate", verbosity=0)
    count = Child.objects.count()
    if count == 0:
        fill(args.cases)
    else:
        print(f"reusing {count} cases already in the database")
    prepare_indexes()
    if not args.fill_only:
        run_bench(args.repeat)
    print(f"cases_bench: done ({Child.objects.count()} cases)")


if __name__ == "__main__":
    main()
