"""E-mail notifications (cases/services/notifications.py, cases/emails.py, cases/tasks.py):
who gets which, what they say (a case code and a link, never a name), the profile's
choices, at most once. Django's locmem backend collects them in mail.outbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from accounts.preferences import EmailKind, set_preferences
from cases.models import Child, EmailState, Notification
from cases.services.assignment import assign_case
from cases.services.closure import approve_closure, close_case, reject_closure
from cases.services.notifications import deliver
from cases.services.sharing import share_case
from cases.services.transfer import request_transfer
from cases.tasks import queue_follow_up_digests, queue_pending_notifications
from tests.cases._workflow import TODAY, open_case
from tests.personas import make_user

pytestmark = pytest.mark.django_db

NAMES = {"first_name": "Olena", "last_name": "Melnyk", "name_native": "Олена Мельник"}


@pytest.fixture(autouse=True)
def _addresses(worker_tm, worker2_tm, coord_tm, worker_sv, coord_sv, country, settings):
    settings.SITE_URL = "https://primero.example.ro"
    for user in (worker_tm, worker2_tm, coord_tm, worker_sv, coord_sv, country):
        user.email = f"{user.username}@example.org"
        user.save()


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process here (a broker may be configured for the run)."""
    from primero_ro.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the service and what it queued once it commits (eager Celery in tests)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def assert_no_personal_data(message, child: Child) -> None:
    text = message.subject + "\n" + message.body
    for value in (child.first_name, child.last_name, child.name_native, "Olena", "Melnyk"):
        assert value not in text
    assert child.code in text


def test_coordinators_of_the_county_are_told_a_closure_waits(commit, worker_tm, coord_tm, coord_sv):
    child = open_case(worker_tm, risk="high", **NAMES)
    commit(close_case, child, worker_tm, "needs_met", TODAY())
    assert [m.to for m in mail.outbox] == [[coord_tm.email]]
    message = mail.outbox[0]
    assert f"Closure to approve: case {child.code}" in message.subject
    assert f"https://primero.example.ro/cases/{child.code}/#workflow" in message.body
    assert_no_personal_data(message, child)


def test_a_closure_without_approval_tells_nobody(commit, worker_tm, coord_tm):
    child = open_case(worker_tm, risk="low")
    commit(close_case, child, worker_tm, "needs_met", TODAY())
    assert mail.outbox == []


def test_the_receiving_county_is_told_of_a_transfer_request(commit, worker_tm, coord_tm, coord_sv):
    child = open_case(worker_tm, **NAMES)
    commit(
        request_transfer,
        child,
        worker_tm,
        "RO-SV",
        reason="Mother found work; Olena Melnyk goes to school in Rădăuți",
        new_locality="Rădăuți",
    )
    assert [m.to for m in mail.outbox] == [[coord_sv.email]]
    message = mail.outbox[0]
    assert f"/cases/{child.code}/transfer/accept/" in message.body
    assert "Timiș" in message.body
    # The free-text reason can hold names: it is never copied into the e-mail.
    assert "Rădăuți" not in message.body and "school" not in message.body
    assert_no_personal_data(message, child)


def test_the_worker_is_told_of_an_assignment_and_a_share(commit, coord_tm, worker_tm, worker_sv):
    child = open_case(coord_tm, **NAMES)
    commit(assign_case, child, coord_tm, worker_tm)
    commit(share_case, child, coord_tm, worker_sv)
    assert [m.to for m in mail.outbox] == [[worker_tm.email], [worker_sv.email]]
    assert "assigned to you" in mail.outbox[0].subject
    assert "shared with you" in mail.outbox[1].subject
    for message in mail.outbox:
        assert_no_personal_data(message, child)


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_the_worker_who_asked_is_told_the_decision(commit, worker_tm, coord_tm, decision):
    child = open_case(worker_tm, risk="high", **NAMES)
    close_case(child, worker_tm, "needs_met", TODAY())
    mail.outbox.clear()
    if decision == "approve":
        commit(approve_closure, child, coord_tm)
    else:
        commit(reject_closure, child, coord_tm, "Melnyk family still needs support")
    assert [m.to for m in mail.outbox] == [[worker_tm.email]]
    message = mail.outbox[0]
    expected = "approved" if decision == "approve" else "not approved"
    assert expected in message.subject
    assert "still needs support" not in message.body
    assert_no_personal_data(message, child)


def test_a_kind_turned_off_on_the_profile_is_not_sent(commit, coord_tm, worker_tm):
    set_preferences(worker_tm, {EmailKind.CLOSURE_DECIDED})  # assignments off
    child = open_case(coord_tm)
    commit(assign_case, child, coord_tm, worker_tm)
    assert mail.outbox == []
    notification = Notification.objects.get(recipient=worker_tm)
    assert notification.email_state == EmailState.SKIPPED
    # Still new on the to-do list: only the e-mail is turned off.
    assert notification.seen_at is None


def test_no_address_no_email(commit, coord_tm, worker_tm):
    worker_tm.email = ""
    worker_tm.save()
    commit(assign_case, open_case(coord_tm), coord_tm, worker_tm)
    assert mail.outbox == []


def test_sending_twice_sends_once(commit, coord_tm, worker_tm):
    commit(assign_case, open_case(coord_tm), coord_tm, worker_tm)
    notification = Notification.objects.get()
    assert deliver(notification.pk) == EmailState.SENT
    assert len(mail.outbox) == 1


def test_a_mail_server_failure_leaves_it_pending_and_the_sweep_sends_it(
    commit, coord_tm, worker_tm, settings, monkeypatch
):
    from cases import emails

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(emails, "send", refuse)
    child = open_case(coord_tm)
    # The request is not failed by the mail server (in-process here, Celery's retry raises
    # and is logged; with a worker it retries later).
    commit(assign_case, child, coord_tm, worker_tm)
    child.refresh_from_db()
    assert child.assigned_to == worker_tm  # the assignment committed regardless
    notification = Notification.objects.get()
    assert notification.email_state == EmailState.PENDING
    monkeypatch.undo()
    Notification.objects.update(created_at=notification.created_at - dt.timedelta(minutes=20))
    assert queue_pending_notifications() == 1
    assert len(mail.outbox) == 1
    assert Notification.objects.get().email_state == EmailState.SENT


def test_a_transfer_decided_before_the_email_goes_is_not_sent(coord_sv, worker_tm):
    from cases.services.transfer import cancel_transfer

    child = open_case(worker_tm)
    transfer = request_transfer(child, worker_tm, "RO-SV")  # no commit: nothing queued
    cancel_transfer(transfer, worker_tm)
    notification = Notification.objects.get(recipient=coord_sv)
    assert deliver(notification.pk) == EmailState.SKIPPED
    assert mail.outbox == []


def test_the_daily_digest_lists_codes_only_once_a_day_for_who_asked(worker_tm, worker2_tm):
    set_preferences(worker_tm, {EmailKind.FOLLOW_UP_DIGEST})
    due = open_case(worker_tm, **NAMES)
    later = open_case(worker_tm, seed=2)
    Child.objects.filter(pk=due.pk).update(next_follow_up_due=TODAY() - dt.timedelta(days=2))
    Child.objects.filter(pk=later.pk).update(next_follow_up_due=TODAY() + dt.timedelta(days=9))
    open_case(worker2_tm, seed=3)  # worker2 did not ask for the digest
    Child.objects.filter(created_by=worker2_tm).update(next_follow_up_due=TODAY())
    queue_follow_up_digests()
    queue_follow_up_digests()  # beat runs twice: one e-mail still
    assert [m.to for m in mail.outbox] == [[worker_tm.email]]
    message = mail.outbox[0]
    assert "1 follow-up due" in message.subject
    assert due.code in message.body and later.code not in message.body
    assert_no_personal_data(message, due)


def test_the_email_is_in_the_sites_language(commit, coord_tm, worker_tm, settings):
    settings.LANGUAGE_CODE = "ro"
    child = open_case(coord_tm)
    commit(assign_case, child, coord_tm, worker_tm)
    assert f"Cazul {child.code}" in mail.outbox[0].subject


def test_the_email_is_in_the_recipients_language(commit, coord_tm, worker_tm, settings):
    """A Romanian worker on an English site gets a Romanian e-mail; without a stored
    language, the site's."""
    settings.LANGUAGE_CODE = "en"
    worker_tm.language = "ro"
    worker_tm.save()
    child = open_case(coord_tm)
    commit(assign_case, child, coord_tm, worker_tm)
    assert f"Cazul {child.code}" in mail.outbox[0].subject
    worker_tm.language = ""
    worker_tm.save()
    other = open_case(coord_tm)
    commit(assign_case, other, coord_tm, worker_tm)
    assert f"Case {other.code}" in mail.outbox[1].subject


def test_an_inactive_coordinator_is_not_told(commit, worker_tm, coord_tm):
    make_user("coord2.tm", "county_coordinator", "RO-TM", email="c2@example.org")
    coord_tm.is_active = False
    coord_tm.save()
    child = open_case(worker_tm, risk="high")
    commit(close_case, child, worker_tm, "needs_met", TODAY())
    assert [m.to for m in mail.outbox] == [["c2@example.org"]]
