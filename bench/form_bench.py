"""Benchmark of the registration form: the page (GET), the save (POST), the live duplicate
panel, and the duplicate query beside its raw SQL.

    .venv/bin/python bench/form_bench.py [--repeat 30]

Runs against an already filled database (DATABASE_URL; bench/cases_bench.py or the
1,000,000-case fill of bench/report_bench.py), as a field worker (bench.worker.RO-SV.0).
The saves register real children through the form (each with "this is a new child"
confirmed): run it on a copy of the bench database. The bench command calls
`run_form_bench(repeat)` after django.setup(); it returns the figures and prints them.

Names are those of stored cases (the duplicate check then meets the candidate sets a real
border point meets); half the saves give an estimated date of birth, whose one-year window
is the expensive branch of the duplicate check (issue 14).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKER = "bench.worker.RO-SV.0"


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))]


def _post_data(name: dict, *, estimated: bool) -> dict:
    """A complete registration as the browser sends it (tests/registration/helpers.py)."""
    today = dt.date.today()
    return {
        "submission_token": str(uuid.uuid4()),
        "registration_date": today.isoformat(),
        "registration_county": "RO-SV",
        "registration_place": "border_crossing",
        "entry_point": "SIRET",
        "entry_date": (today - dt.timedelta(days=2)).isoformat(),
        "consent_registration": "yes",
        "consent_given_by": "caregiver",
        "consent_share_providers": "yes",
        "interpreter_used": "no",
        "first_name": name["first_name"],
        "last_name": name["last_name"],
        "sex": "female",
        "date_of_birth": name["date_of_birth"].isoformat(),
        "date_of_birth_estimated": "yes" if estimated else "no",
        "nationality": "UA",
        "id_document_type": "passport",
        "id_document_number": "FX123456",
        "languages": ["uk"],
        "education_status": "ua_online",
        "has_disability": "no",
        "care_arrangement": "parents",
        "uasc_status": "accompanied",
        "caregiver_first_name": "Olena",
        "caregiver_last_name": name["last_name"],
        "caregiver_relationship": "mother",
        "caregiver_sex": "female",
        "caregiver_date_of_birth": "1988-05-02",
        "caregiver_id_document_type": "passport",
        "caregiver_phone": "050 123 45 67",
        "caregiver_is_legal_guardian": "yes",
        "caregiver_ability_to_care": "yes",
        "family_in_ukraine": "yes",
        "tracing_requested": "no",
        "current_county": "RO-SV",
        "current_locality": "Suceava",
        "current_address": "Str. Exemplu 1",
        "accommodation_type": "host_family",
        "planned_stay": "stay",
        "contact_phone": "0722 123 456",
        "risk_level": "low",
        "confirm_new_child": "on",
        "accompanying_children-TOTAL_FORMS": "0",
        "accompanying_children-INITIAL_FORMS": "0",
        "accompanying_adults-TOTAL_FORMS": "0",
        "accompanying_adults-INITIAL_FORMS": "0",
    }


def _names(count: int) -> list[dict]:
    from cases.models import Child

    top = Child.objects.cases().order_by("-id").values_list("id", flat=True).first() or 0
    rng = random.Random(14)
    ids = rng.sample(range(1, top + 1), min(top, count * 3))
    rows = list(
        Child.objects.cases()
        .filter(pk__in=ids, date_of_birth__isnull=False)
        .values("first_name", "last_name", "date_of_birth", "name_key")[:count]
    )
    assert rows, "form_bench: the database holds no cases: fill it first"
    return rows


def _time(call, repeat: int) -> list[float]:
    times = []
    for i in range(repeat):
        t = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - t) * 1000)
    return times


def _line(out, label: str, times: list[float], extra: str = "") -> dict:
    out(f"{label:52} {statistics.median(times):8.1f} {_pct(times, 95):8.1f}  {extra}")
    return {"median_ms": statistics.median(times), "p95_ms": _pct(times, 95)}


def run_form_bench(repeat: int = 30, out=print) -> dict:
    """The registration form's figures (ms, bytes), printed and returned."""
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from cases.models import Child
    from registration.duplicates import find_duplicates

    user = User.objects.get(username=WORKER)
    client = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    client.force_login(user)
    names = _names(repeat * 2)
    figures: dict = {}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    out(f"\nregistration form: {Child.objects.count()} cases, {repeat} requests per figure")
    out(f"load average before: {load} ({os.cpu_count()} CPUs); times in ms")
    out(f"{'':52} {'median':>8} {'p95':>8}")

    client.get("/register/")  # templates, lookups and option lists of this process
    sizes = {}

    def get(_i):
        response = client.get("/register/")
        assert response.status_code == 200
        sizes["gzip"] = len(response.content)
        sizes["encoding"] = response.get("Content-Encoding", "identity")

    figures["get"] = _line(out, "GET /register/ (server time)", _time(get, repeat))
    plain = Client()
    plain.force_login(user)
    sizes["plain"] = len(plain.get("/register/").content)
    out(
        f"{'GET /register/ size':52} {sizes['plain']:8d} bytes, {sizes['gzip']} bytes "
        f"sent with Accept-Encoding: gzip ({sizes['encoding']})"
    )
    figures["get"].update(bytes_plain=sizes["plain"], bytes_sent=sizes["gzip"])

    for estimated in (False, True):
        label = "estimated" if estimated else "exact"

        def save(i, estimated=estimated):
            name = names[i % len(names)]
            response = client.post("/register/", _post_data(name, estimated=estimated))
            assert response.status_code == 302, response.status_code

        figures[f"post_{label}"] = _line(
            out, f"POST /register/ (save, {label} date of birth)", _time(save, repeat)
        )

        def panel(i, estimated=estimated):
            name = names[i % len(names)]
            data = {
                "first_name": name["first_name"],
                "last_name": name["last_name"],
                "date_of_birth": name["date_of_birth"].isoformat(),
                "date_of_birth_estimated": "yes" if estimated else "no",
            }
            assert client.post("/register/duplicates/", data).status_code == 200

        figures[f"panel_{label}"] = _line(
            out, f"POST /register/duplicates/ ({label} date)", _time(panel, repeat)
        )

        statements: list[tuple[str, str | None]] = []

        def query(i, estimated=estimated, statements=statements):
            name = names[i % len(names)]
            with CaptureQueriesContext(connection) as ctx:
                find_duplicates(
                    name["first_name"],
                    name["last_name"],
                    name["date_of_birth"],
                    user=user,
                    date_of_birth_estimated=estimated,
                )
            statements.append(_candidate_sql(ctx.captured_queries))

        query_times = _time(query, repeat)

        def raw(i, statements=statements):
            sqls, threshold = statements[i]
            with transaction.atomic(), connection.cursor() as cursor:
                if threshold is not None:
                    cursor.execute(
                        "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [threshold]
                    )
                for sql in sqls:
                    cursor.execute(sql)
                    cursor.fetchall()

        raw_times = _time(raw, repeat)
        figures[f"duplicates_{label}"] = _line(out, f"find_duplicates ({label} date)", query_times)
        figures[f"duplicates_{label}"]["raw_sql"] = _line(
            out, "  its candidate queries, raw SQL", raw_times
        )
    return figures


def _candidate_sql(queries) -> tuple[list[str], str | None]:
    """The candidate queries of find_duplicates (the close keys of the name dictionary,
    then the cases of those keys in the date window; before the dictionary, one query over
    the window), with the trigram threshold they ran with (None before it existed)."""
    threshold = None
    found = []
    for q in queries:
        sql = q["sql"]
        if "set_config('pg_trgm.similarity_threshold'" in sql and threshold is None:
            threshold = sql.split("'")[3]
        if sql.startswith("SELECT") and "cases_name_key" in sql:
            found.append(sql)
        if sql.startswith("SELECT") and "date_of_birth" in sql and "similarity" in sql.lower():
            return [*found, sql], threshold
    if found:  # no key close enough: the window was not read
        return found, threshold
    raise AssertionError("form_bench: no candidate query captured")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primero_ro.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    run_form_bench(args.repeat)


if __name__ == "__main__":
    main()
