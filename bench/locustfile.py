"""Field workers in the browser, for Locust (bench/run.py starts it; it runs on its own,
without Django: gevent patches ssl, which a process that imported Django first cannot take).

Each virtual user is one bench.worker.<COUNTY>.<i> account (bench/load_setup.py prepared
them and wrote BENCH_LOAD_DATA). It signs in through the real login form (CSRF token
from the page), then, with a think time of BENCH_THINK seconds ("5-10", or "0" for the
saturation ramp): 70% page views (home, own case list, a case page of its scope, the
to-do), 20% name searches (POSTed, as the search form does; with a typo, or in
Cyrillic), 10% registrations through the real form (GET it, POST a child with a name
unique to this run, follow the redirect to the confirmation).

The shape below drives both scenarios of bench/run.py. BENCH_USERS users start at
BENCH_RATE a second and sign in; the measured phase begins only once every one of them
is signed in (a login costs about a second of CPU: a crowd of them queues). Then either
BENCH_STEADY seconds with everybody at work (the think-time scenario), or BENCH_STEPS
("4,8,16:40"): that many of the signed-in users at work, the others idle, each step
40 s, no think time (the saturation ramp). Every request's time goes to
BENCH_LOAD_SAMPLES (JSON) at the end, with the moments the phases began, and every
registration sent with the code its redirect named (for bench/load_setup.py check).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, LoadTestShape, between, constant, events, task

DATA = json.load(open(os.environ["BENCH_LOAD_DATA"], encoding="utf-8"))  # noqa: SIM115
SAMPLES_PATH = os.environ["BENCH_LOAD_SAMPLES"]
RUN_TAG = os.environ.get("BENCH_RUN_TAG", "q")
THINK = os.environ.get("BENCH_THINK", "5-10")
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_RE = re.compile(r'name="submission_token" value="([^"]+)"')
DONE_RE = re.compile(r"/register/done/([^/]+)/$")
SYLLABLES = [c + v for c in "bdfghklmnprstvz" for v in "aeiou"]
CYRILLIC = ["Олена Шевченко", "Андрій Коваленко", "Марія Бондаренко", "Іван Ткачук"]

USERS = int(os.environ.get("BENCH_USERS", "10"))
RATE = float(os.environ.get("BENCH_RATE", "2"))
STEADY = float(os.environ.get("BENCH_STEADY", "60"))
STEPS = os.environ.get("BENCH_STEPS", "")
# Logins slower than this (a machine far too loaded) stop waiting: measure anyway.
MAX_LOGIN_WAIT = float(os.environ.get("BENCH_MAX_LOGIN_WAIT", "300"))

samples: list[tuple[float, str, float, bool]] = []
registrations: list[dict] = []
marks: dict = {"steps": []}
_users = itertools.count()
_names = itertools.count()
state = {"signed_in": 0, "working": USERS}


def letters(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(ord("a") + r) + out
        if n == 0:
            return out


@events.request.add_listener
def _keep(request_type, name, response_time, response_length, exception, **_kw):
    samples.append((time.time(), name, response_time, exception is None))


@events.test_start.add_listener
def _started(**_kw):
    marks["start"] = time.time()


@events.quitting.add_listener
def _write(**_kw):
    marks["stop"] = time.time()
    with open(SAMPLES_PATH, "w", encoding="utf-8") as f:
        json.dump({"marks": marks, "samples": samples, "registrations": registrations}, f)


def _wait():
    if STEPS:
        return constant(0)
    low, high = (float(x) for x in THINK.split("-"))
    return between(low, high)


class FieldWorker(FastHttpUser):
    wait_time = _wait()

    def on_start(self):
        self.number = next(_users)
        account = DATA["workers"][self.number % len(DATA["workers"])]
        self.account = account
        self.rng = random.Random()
        self.csrf = ""
        self._page("/accounts/login/", "login form")
        body = {
            "csrfmiddlewaretoken": self.csrf,
            "username": account["username"],
            "password": DATA["password"],
        }
        with self._post("/accounts/login/", body, "login (password check)") as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")
            else:
                state["signed_in"] += 1
        self._page("/", "home page")

    def idle(self) -> bool:
        """Users beyond the current step's number wait, signed in, for a later step."""
        if self.number < state["working"]:
            return False
        gevent.sleep(0.5)
        return True

    # Helpers ------------------------------------------------------------------------------

    def _page(self, url: str, name: str):
        # Redirects are followed by hand: each page is timed under its own name, and a
        # login, search or save is checked for the redirect it must answer.
        with self.client.get(
            url, name=name, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            else:
                found = CSRF_RE.search(response.text or "")
                if found:
                    self.csrf = found.group(1)
            return response

    def _post(self, url: str, data: dict, name: str):
        return self.client.post(
            url,
            data=urlencode(data, doseq=True).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": url},
            name=name,
            catch_response=True,
            allow_redirects=False,
        )

    def _redirected(self, response, name: str):
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location:
            response.failure(f"expected a redirect, got {response.status_code}")
            return None
        response.success()
        return self._page(location, name)

    # The mix: 70% page views, 20% name searches, 10% registrations ------------------------

    @task(20)
    def home(self):
        if self.idle():
            return
        self._page("/", "home page")

    @task(20)
    def case_list(self):
        if self.idle():
            return
        self._page("/cases/", "case list")

    @task(20)
    def case_page(self):
        if self.idle():
            return
        code = self.rng.choice(self.account["cases"])
        self._page(f"/cases/{code}/", "case page")

    @task(10)
    def todo(self):
        if self.idle():
            return
        self._page("/cases/todo/follow-ups/", "to-do")

    @task(20)
    def name_search(self):
        if self.idle():
            return
        if self.rng.random() < 0.25:
            text = self.rng.choice(CYRILLIC)
        else:
            first = self.rng.choice(DATA["first_names"])
            last = self.rng.choice(DATA["last_names"])
            i = self.rng.randrange(1, len(last) - 1)
            last = last[:i] + last[i + 1 :]  # a letter dropped
            text = f"{first} {last}"
        with self._post(
            "/cases/", {"csrfmiddlewaretoken": self.csrf, "q": text}, "name search (POST)"
        ) as r:
            self._redirected(r, "name search (results)")

    @task(10)
    def register(self):
        if self.idle():
            return
        form = self._page("/register/", "registration form (GET)")
        found = TOKEN_RE.search(form.text or "") if form.status_code == 200 else None
        if not found:
            return
        first = "".join(self.rng.choice(SYLLABLES) for _ in range(3)).capitalize()
        last = "".join(self.rng.choice(SYLLABLES) for _ in range(3)).capitalize()
        last += f"{RUN_TAG}x{letters(next(_names))}"
        born = time.strftime(
            "%Y-%m-%d", time.gmtime(time.time() - self.rng.randrange(400, 17 * 365) * 86400)
        )
        county = self.account["county"]
        data = {
            **DATA["registration"],
            "registration_county": county,
            "current_county": county,
            "csrfmiddlewaretoken": self.csrf,
            "submission_token": found.group(1),
            "first_name": first,
            "last_name": last,
            "date_of_birth": born,
        }
        sent = {"last_name": last, "code": None}
        registrations.append(sent)
        with self._post("/register/", data, "registration save (POST)") as response:
            if response.status_code == 200 and "confirm_new_child" in (response.text or ""):
                # The duplicate panel: a person confirms a new child and saves again.
                response.success()
                data["confirm_new_child"] = "on"
                with self._post("/register/", data, "registration save (confirmed)") as again:
                    response = again
                    self._acknowledged(again, sent)
            else:
                self._acknowledged(response, sent)

    def _acknowledged(self, response, sent: dict) -> None:
        found = DONE_RE.search(response.headers.get("Location", "") or "")
        if response.status_code == 302 and found:
            sent["code"] = found.group(1)
            self._redirected(response, "registration confirmation")
        else:
            response.failure(f"registration not acknowledged: {response.status_code}")


class Phases(LoadTestShape):
    """Start the users, wait for their logins, then the steady phase or the steps."""

    def tick(self):
        now = time.time()
        if "signed_in" not in marks:
            waited = now - marks.get("start", now)
            if state["signed_in"] < USERS and waited < max(MAX_LOGIN_WAIT, USERS / RATE):
                # Think-time users work while the others sign in, as in an office; the
                # ramp's users wait, so that each step measures only its own load.
                state["working"] = 0 if STEPS else USERS
                return USERS, RATE
            marks["signed_in"] = now
            marks["signed_in_users"] = state["signed_in"]
        since = now - marks["signed_in"]
        if not STEPS:
            return (USERS, RATE) if since < STEADY else None
        users_text, seconds_text = STEPS.split(":")
        steps = [int(x) for x in users_text.split(",")]
        k = int(since // float(seconds_text))
        if k >= len(steps):
            return None
        if len(marks["steps"]) <= k:
            marks["steps"].append([steps[k], now])
        state["working"] = steps[k]
        return USERS, RATE
