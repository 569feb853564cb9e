"""The Django side of the load test (bench/run.py runs it; Locust itself never imports
Django: gevent's monkey-patching and Django's ssl imports do not mix in one process).

    .venv/bin/python bench/load_setup.py prepare --out load.json --password PW
    .venv/bin/python bench/load_setup.py check --sent registrations.json

prepare: gives every bench.worker.<COUNTY>.<i> user one known password (one hash computed
once, written with one UPDATE: hashing 700 passwords one by one would take minutes),
clears their login failures, and writes what the virtual users need: each worker's
county and a few open cases of their scope (Child.objects.visible_to), and a valid
registration POST (the tests' own, through bench/page_bench.py) to fill in.

check: the exactly-once check. Every registration the server acknowledged (a redirect to
its confirmation page) must be stored exactly once, under the code the redirect named;
the names are unique per run, so counting by name finds doubles and losses.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import cases_bench  # noqa: E402,F401  (the settings defaults)

CASES_PER_WORKER = 8


def prepare(out: Path, password: str, max_workers: int) -> None:
    import random

    import page_bench
    from axes.models import AccessAttempt, AccessFailureLog
    from django.contrib.auth.hashers import make_password
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    from accounts.models import Role, User
    from cases.models import Child

    workers = User.objects.filter(
        role=Role.FIELD_WORKER, username__startswith="bench.worker.", county__isnull=False
    )
    updated = workers.update(password=make_password(password), is_active=True)
    AccessAttempt.objects.filter(username__startswith="bench.worker.").delete()
    AccessFailureLog.objects.filter(username__startswith="bench.worker.").delete()
    # Spread the virtual users over every county, big counties first (as the filler did).
    by_county: dict[str, list] = {}
    for username, county in workers.order_by("pk").values_list("username", "county_id"):
        by_county.setdefault(county, []).append(username)
    order = sorted(by_county, key=lambda c: -len(by_county[c]))
    chosen: list[tuple[str, str]] = []
    while len(chosen) < min(max_workers, updated):
        for county in order:
            if by_county[county] and len(chosen) < max_workers:
                chosen.append((by_county[county].pop(0), county))
    users = {u.username: u for u in User.objects.filter(username__in=[u for u, _c in chosen])}
    # The cases a worker opens: open cases assigned to them, read through visible_to for
    # each worker (the scope rule lives there), a few per worker.
    cases: dict[str, list[str]] = {}
    for username, _county in chosen:
        user = users[username]
        cases[username] = list(
            Child.objects.visible_to(user)
            .filter(status="open", assigned_to=user)
            .annotate(n=Window(RowNumber(), order_by=F("id").asc()))
            .filter(n__lte=CASES_PER_WORKER)
            .values_list("code", flat=True)
        )
    template = page_bench.registration_post("RO-SV", "X", "Y", random.Random(1))
    for key in ("submission_token", "first_name", "last_name", "date_of_birth"):
        template.pop(key)
    data = {
        "password": password,
        "workers": [{"username": u, "county": c, "cases": cases[u]} for u, c in chosen if cases[u]],
        "registration": template,
        "first_names": sorted({n for names in cases_bench.FIRST.values() for n in names}),
        "last_names": sorted({s + x for s in cases_bench.STEMS for x in cases_bench.SUFFIXES}),
    }
    out.write_text(json.dumps(data))
    print(
        f"load test: {updated} field workers given the bench password; "
        f"{len(data['workers'])} virtual users prepared"
    )


def check(sent_path: Path) -> dict:
    from cases.models import Child

    sent = json.loads(sent_path.read_text())
    names = [s["last_name"] for s in sent]
    stored: dict[str, list[str]] = {}
    for start in range(0, len(names), 5000):
        for last, code in Child.objects.filter(
            last_name__in=names[start : start + 5000]
        ).values_list("last_name", "code"):
            stored.setdefault(last, []).append(code)
    acked = [s for s in sent if s.get("code")]
    exactly_once = [s for s in acked if stored.get(s["last_name"]) == [s["code"]]]
    missing = [s for s in acked if not stored.get(s["last_name"])]
    doubled = [s for s in sent if len(stored.get(s["last_name"], [])) > 1]
    wrong_code = [
        s for s in acked if stored.get(s["last_name"]) and s["code"] not in stored[s["last_name"]]
    ]
    unacked_stored = [s for s in sent if not s.get("code") and stored.get(s["last_name"])]
    result = {
        "sent": len(sent),
        "acknowledged": len(acked),
        "exactly_once": len(exactly_once),
        "missing": len(missing),
        "doubled": len(doubled),
        "wrong_code": len(wrong_code),
        "unacknowledged_but_stored": len(unacked_stored),
        "ok": len(exactly_once) == len(acked) and not doubled,
    }
    print("RESULT " + json.dumps(result))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--workers", type=int, default=400)
    c = sub.add_parser("check")
    c.add_argument("--sent", type=Path, required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primero_ro.settings")
    import django

    django.setup()
    if args.command == "prepare":
        prepare(args.out, args.password, args.workers)
    else:
        check(args.sent)


if __name__ == "__main__":
    main()
