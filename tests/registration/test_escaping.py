"""HTML in the text fields the first escaping test did not cover (conditional questions,
the two groups) is shown as text on the form, the confirmation, the form pre-filled for
the next child and the case page."""

from __future__ import annotations

import html

import pytest

from cases.models import Child
from registration.models import PendingSibling
from tests.registration.helpers import post_data, with_children

pytestmark = pytest.mark.django_db
EVIL = '<script>alert("x")</script>'


def _assert_escaped(page: str, text: str = EVIL) -> None:
    assert "<script>alert" not in page
    assert html.escape(text) in page


def test_conditional_texts_and_group_rows_are_escaped_on_every_page(client, worker_tm):
    client.force_login(worker_tm)
    data = post_data(
        has_disability="yes",
        disability_details=EVIL,
        protection_concerns=["neglect"],
        concern_source="observed",
        concern_details=EVIL,
        risk_level="high",
        risk_justification=EVIL,
    )
    data = with_children(
        data,
        [
            {
                "first_name": "Zlata" + EVIL,
                "last_name": "Shevchenko" + EVIL,
                "sex": "female",
                "date_of_birth": "2019-01-01",
                "relationship": "mother",
            }
        ],
    )
    data.update(
        {
            "accompanying_adults-TOTAL_FORMS": "1",
            "accompanying_adults-0-first_name": "Petro" + EVIL,
            "accompanying_adults-0-last_name": "Shevchenko",
            "accompanying_adults-0-sex": "male",
            "accompanying_adults-0-relationship": "aunt_uncle",
        }
    )
    # Re-displayed with an error: everything escaped, nothing lost.
    bad = dict(data, entry_date="2021-01-01")
    page = client.post("/register/", bad).content.decode()
    _assert_escaped(page)
    assert page.count(html.escape(EVIL)) >= 6

    response = client.post("/register/", data)
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    _assert_escaped(done, "Zlata" + EVIL)  # the link to register the sibling
    child = Child.objects.get()
    assert child.disability_details == EVIL  # stored as typed
    sibling = PendingSibling.objects.get()
    prefilled = client.get(f"/register/?after={child.code}&sibling={sibling.public_id}")
    _assert_escaped(prefilled.content.decode(), "Zlata" + EVIL)
    case_page = client.get(child.get_absolute_url()).content.decode()
    _assert_escaped(case_page)


def test_duplicate_panel_escapes_the_existing_records_name(client, worker_tm):
    client.force_login(worker_tm)
    first = client.post("/register/", post_data(first_name="Oleksandr" + EVIL))
    assert first.status_code == 302
    data = post_data(first_name="Oleksandr" + EVIL)
    panel = client.post("/register/duplicates/", data).content.decode()
    _assert_escaped(panel, "Oleksandr" + EVIL)
