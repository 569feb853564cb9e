"""The quick start runs on SQLite (`make run`): every role's scope must build there too.

The suite runs on PostgreSQL; this opens a fresh SQLite database in a subprocess (its
own settings, as `make run` starts them), migrates it and asks visible_to of each role,
with a case shared one by one and an emergency grant, which make visible_to a UNION."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

from tests.foundation.test_demo_mode import make_run_environment
from tests.foundation.test_settings_env import READ_BY_SETTINGS

SCRIPT = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts.models import User
from cases.models import Child
from cases.services.sharing import share_case
from tests.factories import make_child
tm = User.objects.create_user("coord.tm", password="x", role="county_coordinator", county_id="RO-TM")
sv = User.objects.create_user("coord.sv", password="x", role="county_coordinator", county_id="RO-SV")
worker = User.objects.create_user("worker.sv", password="x", role="field_worker", county_id="RO-SV")
own = make_child(tm, first_name="Daryna")
far = make_child(sv, first_name="Bohdan", current_county_id="RO-SV")
share_case(far, sv, tm)
for user in (tm, sv, worker):
    for shared in (True, False):
        print(user.username, shared, sorted(Child.objects.visible_to(user, shared=shared).values_list("first_name", flat=True)))
"""


def test_every_role_s_scope_builds_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in READ_BY_SETTINGS + ("DEMO",)}
    env.update(make_run_environment())
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'quick.sqlite3'}"
    env["DJANGO_SETTINGS_MODULE"] = "primero_ro.settings"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines() == [
        "coord.tm True ['Bohdan', 'Daryna']",
        "coord.tm False ['Daryna']",
        "coord.sv True ['Bohdan']",
        "coord.sv False ['Bohdan']",
        "worker.sv True []",
        "worker.sv False []",
    ]
