"""No input, however hostile, gives a server error (issue 11): a property-based test.

Every URL pattern of the resolver and every form the app shows are attacked with hostile
text (NUL bytes, 10,000 characters, scripts of other alphabets, SQL, markup, dates at the
ends of the calendar): path parameters, query parameters, and each form's fields posted
by the personas who are shown the form. The forms are found by reading the pages, so a
new form is attacked without being listed. Each example runs in a savepoint that is
rolled back, so examples do not depend on each other. The number of examples is bounded
(HYPOTHESIS_EXAMPLES, default 150) to keep `make test` fast.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.url_inventory import all_patterns, build_world, path_of, real_kwargs

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "150"))
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


@pytest.fixture
def targets(request, worker_tm, worker2_tm, coord_tm, worker_sv, coord_sv, country):
    """Every pattern with its real parameters, and the forms each attacker is shown."""
    world = build_world(worker_tm, worker2_tm, coord_tm)
    patterns = [p for p in all_patterns() if not p.is_admin and p.name != "logout"]
    urls = {p.name: path_of(p, real_kwargs(p, world)) for p in patterns}
    forms: list[tuple[str, Form]] = []
    seen = set()
    client = request.getfixturevalue("client")
    for persona in ATTACKERS:
        client.force_login(request.getfixturevalue(persona))
        for url in urls.values():
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in _forms_of(response.content.decode(), url):
                key = (persona, form.url, form.method, tuple(sorted(form.fields)))
                if key not in seen and "/logout/" not in form.url:
                    seen.add(key)
                    forms.append((persona, form))
    query_names = sorted(
        {name for _p, f in forms if f.method == "get" for name in f.fields} | set(KNOWN_QUERY)
    )
    assert len(forms) > 30, "the pages should show their forms"
    return {"patterns": patterns, "world": world, "forms": forms, "query": query_names}


def _send(client, request, persona: str, method: str, url: str, **kwargs):
    client.raise_request_exception = False
    with transaction.atomic():
        if persona:
            client.force_login(request.getfixturevalue(persona))
        else:
            client.logout()
        response = getattr(client, method)(url, **kwargs)
        transaction.set_rollback(True)
    return response


PERSONAS_AND_NOBODY = st.sampled_from(["", *ATTACKERS, "worker2_tm", "worker_sv", "coord_sv"])
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(data=st.data())
def test_hostile_path_and_query_parameters_never_give_a_server_error(
    client, request, targets, data
):
    pattern = data.draw(st.sampled_from(targets["patterns"]), label="pattern")
    kwargs = real_kwargs(pattern, targets["world"])
    for name in pattern.params:
        if data.draw(st.booleans(), label=f"hostile {name}"):
            kwargs[name] = data.draw(HOSTILE, label=name)
    query = data.draw(st.dictionaries(st.sampled_from(targets["query"]), HOSTILE, max_size=3))
    url = path_of(pattern, kwargs)
    if query:
        url += "?" + urlencode(query)
    persona = data.draw(PERSONAS_AND_NOBODY, label="persona")
    for method in ("get", "post"):
        response = _send(client, request, persona, method, url)
        assert response.status_code < 500, (method, url, persona)


@SETTINGS
@given(data=st.data())
def test_hostile_form_submissions_never_give_a_server_error(client, request, targets, data):
    persona, form = data.draw(st.sampled_from(targets["forms"]), label="form")
    values = {}
    for name, offered in form.fields.items():
        # Mostly what the page offers, so that the hostile value reaches the deeper rules.
        if offered and data.draw(st.booleans(), label=f"keep {name}"):
            values[name] = data.draw(st.sampled_from(offered), label=name)
        else:
            values[name] = data.draw(HOSTILE, label=name)
    for name in form.files:
        content = data.draw(HOSTILE, label=name).encode("utf-8", "surrogatepass")
        values[name] = SimpleUploadedFile(f"{name}.csv", content, content_type="text/csv")
    if form.method == "get":
        url = form.url.split("?", 1)[0] + "?" + urlencode(values)
        response = _send(client, request, persona, "get", url)
    else:
        response = _send(client, request, persona, "post", form.url, data=values)
    assert response.status_code < 500, (form.method, form.url, persona, sorted(values))
