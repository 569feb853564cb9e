"""The case history as read on the case page: reasons translated, referrals merged in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from cases import reasons
from cases.history import case_history
from cases.models import Child
from cases.services.followups import record_follow_up
from referrals.services import accept_referral, create_referral
from tests.cases._workflow import TODAY, open_case

pytestmark = pytest.mark.django_db


def test_workflow_services_store_a_stable_code_not_a_sentence(worker_tm):
    child = open_case(worker_tm)
    record_follow_up(child, worker_tm, TODAY(), "home_visit", "All well.", "high")
    stored = Child.history.filter(id=child.pk).latest("history_date").history_change_reason
    assert stored == "follow_up risk=high"


@pytest.mark.parametrize(
    ("stored", "english", "romanian"),
    [
        ("follow_up risk=high", "follow-up recorded (risk High)", "Ridicat"),
        ("follow-up recorded (risk high)", "follow-up recorded (risk High)", "Ridicat"),
        ("transfer code=T-1 from=RO-TM to=RO-SV", "transfer T-1 from Timiș to Suceava", "Suceava"),
        ("transfer T-1 RO-TM -> RO-SV", "transfer T-1 from Timiș to Suceava", "Suceava"),
        ("case assigned", "case assigned", None),
        ("assigned", "case assigned", None),
    ],
)
def test_reasons_new_and_old_are_described_in_the_active_language(stored, english, romanian):
    with translation.override("en"):
        assert reasons.describe(stored) == english
    if romanian:
        with translation.override("ro"):
            assert romanian in reasons.describe(stored)


def test_an_unknown_reason_is_shown_as_stored():
    assert reasons.describe("something else happened") == "something else happened"
    assert reasons.describe(None) == ""


def test_edit_reason_lists_the_questions_changed(worker_tm):
    code, args = reasons.decode("edit: last_name risk_level")
    assert code == "edit"
    with translation.override("en"):
        text = reasons.describe(reasons.encode("edit", fields="last_name,risk_level"))
    assert text.startswith("answers edited: ")
    assert "last_name" not in text


def test_case_page_shows_the_reason_translated(client, worker_tm):
    child = open_case(worker_tm)
    record_follow_up(child, worker_tm, TODAY(), "home_visit", "All well.", "high")
    client.force_login(worker_tm)
    url = reverse("cases:detail", kwargs={"code": child.code})
    body = client.get(url).content.decode()
    assert "follow-up recorded (risk High)" in body
    assert "follow_up risk=high" not in body
    client.cookies["django_language"] = "ro"
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="ro").content.decode()
    assert "Ridicat" in body.split('id="history"')[1]
    assert "follow_up risk=high" not in body


def test_referral_events_are_in_the_case_history_newest_first(client, worker_tm, coord_tm):
    child = open_case(worker_tm, days_ago=30)
    referral = create_referral(
        child, worker_tm, service_type="education", referred_on=TODAY() - dt.timedelta(days=2)
    )
    accept_referral(referral, coord_tm, on=TODAY())
    history = case_history(child)
    referral_entries = [e for e in history if e.subject == "referral"]
    assert len(referral_entries) == 2
    accepted, created = referral_entries
    assert accepted.who == (coord_tm.get_full_name() or coord_tm.username)
    assert referral.code in accepted.reason and referral.code in created.reason
    assert {c.code for c in accepted.changes} >= {"status", "accepted_on"}
    assert [e.at for e in history] == sorted((e.at for e in history), reverse=True)
    client.force_login(worker_tm)
    body = client.get(reverse("cases:detail", kwargs={"code": child.code})).content.decode()
    section = body.split('id="history"')[1]
    assert f"referral {referral.code} changed" in section
    assert section.index(f"referral {referral.code} changed") < section.index(
        f"referral {referral.code} created"
    )


def test_the_closure_reason_in_the_history_is_labelled(client, worker_tm):
    from cases.services.closure import close_case

    child = open_case(worker_tm, risk="low")
    close_case(child, worker_tm, "needs_met", TODAY())
    changes = {c.code: c for c in case_history(child)[0].changes}
    assert changes["closure_reason"].new == "Needs met / no further support needed"
