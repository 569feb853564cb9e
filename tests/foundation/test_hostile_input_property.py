"""No input, however hostile, gives a server error (issue 11): a property-based test.

Every URL pattern of the resolver and every form the app shows are attacked with hostile
text (NUL bytes, 10,000 characters, scripts of other alphabets, SQL, markup, dates at the
ends of the calendar): path parameters, query parameters, and each form's fields posted
by the personas who are shown the form. The forms are found by reading the pages, so a
new form is attacked without being listed. Each example runs in a savepoint that is
rolled back, so examples do not depend on each other. The number of examples is bounded
(HYPOTHESIS_EXAMPLES, default 60; the sweeps run a fifteenth of it) to keep `make test` fast.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.url_inventory import all_patterns, build_world, path_of, real_kwargs

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "60"))
# The personas whose pages show every form: the carrier of the case, its county's
# coordinator and the country coordinator (the others see subsets of theirs).
ATTACKERS = ("worker_tm", "coord_tm", "country")

HOSTILE = st.one_of(
    st.sampled_from(
        [
            "\x00",
            "C-\x00",
            "a\x00b",
            "x" * 10_000,
            "Олена Шевченко",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧒🏽 \u202eRTL\u202c \u0301",
            "' OR 1=1 --",
            '"; DROP TABLE cases_child; --',
            "<script>alert(1)</script>",
            "../../../etc/passwd",
            "%00",
            "0001-01-01",
            "9999-12-31",
            "0000-00-00",
            "2026-02-30",
            "-1",
            "0",
            "99999999999999999999999",
            "1e309",
            "NaN",
            "",
            " ",
            "RO-TM",
            "RO-ZZ",
        ]
    ),
    st.text(max_size=40),
)
# Query parameters the views read besides those of their GET forms.
KNOWN_QUERY = ["after", "county", "worker", "next", "page", "fragment", "s", "service_type", "q"]


@dataclass
class Form:
    url: str
    method: str
    multipart: bool
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> offered values
    files: list[str] = field(default_factory=list)


class _FormReader(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urljoin(self.page_url, attrs.get("action") or self.page_url)
            self.forms.append(
                Form(
                    action,
                    (attrs.get("method") or "get").lower(),
                    attrs.get("enctype") == "multipart/form-data",
                )
            )
            return
        if not self.forms or not attrs.get("name") and tag != "option":
            return
        form = self.forms[-1]
        if tag == "input" and attrs.get("type") == "file":
            form.files.append(attrs["name"])
        elif tag in ("input", "textarea", "button"):
            form.fields.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif tag == "select":
            self._select = attrs["name"]
            form.fields.setdefault(self._select, [])
        elif tag == "option" and self._select:
            form.fields[self._select].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _forms_of(page: str, url: str) -> list[Form]:
    reader = _FormReader(url)
    reader.feed(page)
    return [f for f in reader.forms if f.fields or f.files]


@pytest.fixture(scope="module")
def targets(django_db_setup, django_db_blocker):
    """Built once for the module, in a transaction rolled back at its end: every pattern
    with its real parameters, the personas, and the forms each attacker is shown."""
    from django.test import Client

    from accounts.models import Role
    from tests.personas import make_user

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            users = {
                "worker_tm": make_user("worker.tm", Role.FIELD_WORKER, "RO-TM"),
                "worker2_tm": make_user("worker2.tm", Role.FIELD_WORKER, "RO-TM"),
                "coord_tm": make_user("coord.tm", Role.COUNTY_COORDINATOR, "RO-TM"),
                "worker_sv": make_user("worker.sv", Role.FIELD_WORKER, "RO-SV"),
                "coord_sv": make_user("coord.sv", Role.COUNTY_COORDINATOR, "RO-SV"),
                "country": make_user("country", Role.COUNTRY_COORDINATOR),
            }
            world = build_world(users["worker_tm"], users["worker2_tm"], users["coord_tm"])
            patterns = [p for p in all_patterns() if not p.is_admin and p.name != "logout"]
            forms = _discover_forms(Client(), users, world, patterns)
            query_of: dict[str, set[str]] = {}
            for _persona, form in forms:
                if form.method == "get":
                    query_of.setdefault(form.url.split("?", 1)[0], set()).update(form.fields)
            yield {
                "users": users,
                "patterns": patterns,
                "world": world,
                "forms": forms,
                "query": sorted(set(KNOWN_QUERY).union(*query_of.values())),
                "query_of": query_of,
            }
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _discover_forms(client, users, world, patterns) -> list[tuple[str, Form]]:
    forms: list[tuple[str, Form]] = []
    seen = set()
    for persona in ATTACKERS:
        client.force_login(users[persona])
        for pattern in patterns:
            url = path_of(pattern, real_kwargs(pattern, world))
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in _forms_of(response.content.decode(), url):
                key = (persona, form.url, form.method, tuple(sorted(form.fields)))
                if key not in seen and "/logout/" not in form.url:
                    seen.add(key)
                    forms.append((persona, form))
    assert len(forms) > 30, "the pages should show their forms"
    return forms


def _send(client, targets, persona: str, method: str, url: str, **kwargs):
    client.raise_request_exception = False
    with transaction.atomic():
        if persona:
            client.force_login(targets["users"][persona])
        else:
            client.logout()
        response = getattr(client, method)(url, **kwargs)
        transaction.set_rollback(True)
    return response


# Signed out last: hypothesis leans towards the first choices, and a signed-out visitor
# is sent to the login page before any parameter is read.
PERSONAS_AND_NOBODY = st.sampled_from([*ATTACKERS, "worker2_tm", "worker_sv", "coord_sv", ""])
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    # No shrinking: an example is many requests, and the message lists what failed.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(data=st.data())
def test_hostile_path_parameters_never_give_a_server_error(client, targets, data):
    with_params = [p for p in targets["patterns"] if p.params]
    pattern = data.draw(st.sampled_from(with_params), label="pattern")
    kwargs = real_kwargs(pattern, targets["world"])
    hostile = data.draw(st.sampled_from(pattern.params), label="hostile parameter")
    kwargs[hostile] = data.draw(HOSTILE, label=hostile)
    url = path_of(pattern, kwargs)
    persona = data.draw(PERSONAS_AND_NOBODY, label="persona")
    for method in ("get", "post"):
        response = _send(client, targets, persona, method, url)
        assert response.status_code < 500, (method, url, persona)


@settings(SETTINGS, max_examples=max(3, EXAMPLES // 15))
@given(data=st.data())
def test_hostile_query_parameters_never_give_a_server_error(client, targets, data):
    # A sweep: one hostile value per query name, sent to every page with the names that
    # page's forms use and the ones views read directly.
    values = {name: data.draw(HOSTILE, label=name) for name in targets["query"]}
    persona = data.draw(PERSONAS_AND_NOBODY, label="persona")
    failures = []
    for pattern in targets["patterns"]:
        url = path_of(pattern, real_kwargs(pattern, targets["world"]))
        names = targets["query_of"].get(url, set()) | set(KNOWN_QUERY)
        query = urlencode({name: values[name] for name in sorted(names)})
        response = _send(client, targets, persona, "get", f"{url}?{query}")
        if response.status_code >= 500:
            failures.append(f"{url}?{query}"[:300])
    assert failures == [], persona


@settings(SETTINGS, max_examples=max(3, EXAMPLES // 15))
@given(data=st.data())
def test_hostile_form_submissions_never_give_a_server_error(client, targets, data):
    # A sweep: every form the pages show is sent by the persona who was shown it; each
    # field name gets one hostile value per example, or (to reach the deeper rules) a
    # value the page offers.
    chosen: dict[str, tuple[bool, str]] = {}

    def value(name: str, offered: list[str]) -> str:
        if name not in chosen:
            chosen[name] = (
                data.draw(st.booleans(), label=f"keep {name}"),
                data.draw(HOSTILE, label=name),
            )
        keep, hostile = chosen[name]
        return offered[-1] if keep and offered else hostile

    failures = []
    for persona, form in targets["forms"]:
        values = {name: value(name, offered) for name, offered in form.fields.items()}
        for name in form.files:
            content = value(name, []).encode("utf-8", "surrogatepass")
            values[name] = SimpleUploadedFile(f"{name}.csv", content, content_type="text/csv")
        if form.method == "get":
            url = form.url.split("?", 1)[0] + "?" + urlencode(values)
            response = _send(client, targets, persona, "get", url)
        else:
            response = _send(client, targets, persona, "post", form.url, data=values)
        if response.status_code >= 500:
            failures.append(f"{persona} {form.method} {form.url} {sorted(values)}"[:300])
    assert failures == []
