"""Emergency access ("break the glass", issue 15 item 5): grant, read, expiry, review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.preferences import EmailKind, EmailPreferences, set_preferences
from audit.models import AuditEvent
from cases.models import Child, EmailState, EmergencyAccess, Notification
from cases.tasks import queue_pending_notifications
from tests.cases._workflow import events, open_case

pytestmark = pytest.mark.django_db

REASON = "Possible duplicate at Siret at night: the child says she was registered in Timis."
REQUEST = reverse("emergency:request")
LIST = reverse("emergency:list")


def visible(user, child) -> bool:
    return Child.objects.visible_to(user).filter(pk=child.pk).exists()


def grant(client, user, child, reason=REASON):
    """Ask for access as `user`; the on-commit e-mail task runs (eager)."""
    from django.test import TestCase

    client.force_login(user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(REQUEST, {"code": child.code, "reason": reason})


def expire(child, user) -> None:
    """Time travel: the grant ended a minute ago."""
    EmergencyAccess.objects.filter(child=child, user=user).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )


@pytest.fixture
def tm_case(worker_tm, coord_tm):
    coord_tm.email = "coord.tm@example.ro"
    coord_tm.save()
    return open_case(worker_tm)


def test_worker_of_another_county_gets_read_access_and_the_coordinator_is_told(
    client, tm_case, worker_sv, settings
):
    assert client.get(tm_case.get_absolute_url()).status_code == 302  # not logged in yet
    client.force_login(worker_sv)
    assert client.get(tm_case.get_absolute_url()).status_code == 404
    response = grant(client, worker_sv, tm_case)
    assert response.status_code == 302 and response.url == tm_case.get_absolute_url()
    access = EmergencyAccess.objects.get(child=tm_case)
    assert access.user == worker_sv and access.county_id == "RO-TM"
    assert access.reason == REASON
    hours = (access.expires_at - access.granted_at).total_seconds() / 3600
    assert hours == settings.EMERGENCY_ACCESS_HOURS == 3
    assert visible(worker_sv, tm_case)
    page = client.get(tm_case.get_absolute_url())
    assert page.status_code == 200
    assert tm_case.full_name in page.content.decode()
    assert "Emergency access: you can read this case, not change it" in page.content.decode()
    # The coordinator's e-mail, through the outbox: the code, the county and a link to
    # the review list; never the child's name, the reason or who asked.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coord.tm@example.ro"]
    assert tm_case.code in message.subject and tm_case.code in message.body
    assert "Timi" in message.body
    assert settings.SITE_URL.rstrip("/") + LIST in message.body
    assert "cannot be turned off" in message.body
    text = message.body + message.subject
    for personal in (tm_case.first_name, tm_case.last_name, REASON, "worker.sv", "Worker"):
        assert personal not in text
    notice = Notification.objects.get(kind=EmailKind.EMERGENCY_ACCESS)
    assert notice.child == tm_case and notice.email_state == EmailState.SENT
    access.refresh_from_db()
    assert access.notified_at is not None
    # Audit: the grant, the notice and the look at the case, with codes only.
    granted = events(tm_case, "emergency_access", event="granted").get()
    assert granted.username == "worker.sv" and granted.details["grant"] == access.code
    assert granted.county_id == "RO-TM"
    assert REASON not in str(granted.details)
    assert events(tm_case, "emergency_access", event="coordinators_notified").count() == 1
    look = events(tm_case, "view_case").filter(username="worker.sv").get()
    assert look.details["emergency_access"] == access.code


def test_notice_is_sent_once(tm_case, worker_sv, coord_tm):
    from cases.services.notifications import deliver
    from emergency.services import grant_emergency_access

    grant_emergency_access(worker_sv, tm_case, REASON)
    # The task runs on commit (not inside this test's transaction): run it twice by hand.
    notice = Notification.objects.get(kind=EmailKind.EMERGENCY_ACCESS)
    assert notice.recipient == coord_tm
    assert deliver(notice.pk) == EmailState.SENT
    assert deliver(notice.pk) == EmailState.SENT
    assert len(mail.outbox) == 1


def test_coordinators_cannot_turn_the_notice_off(client, tm_case, worker_sv, coord_tm):
    """A safeguard: not offered on the profile page, and sent whatever is stored."""
    client.force_login(coord_tm)
    assert EmailKind.EMERGENCY_ACCESS.value not in client.get(reverse("profile")).content.decode()
    set_preferences(coord_tm, set())  # every kind offered to them turned off
    EmailPreferences.objects.filter(user=coord_tm).update(choices={"emergency_access": False})
    grant(client, worker_sv, tm_case)
    assert [m.to for m in mail.outbox] == [["coord.tm@example.ro"]]


def test_the_notice_is_in_the_coordinators_language(client, tm_case, worker_sv, coord_tm):
    coord_tm.language = "ro"
    coord_tm.save()
    grant(client, worker_sv, tm_case)
    assert f"Acces de urgență la cazul {tm_case.code}" in mail.outbox[0].subject
    assert "nu poate fi dezactivat" in mail.outbox[0].body


def test_the_grant_stands_when_the_broker_is_down(client, tm_case, worker_sv):
    """Redis unreachable when the grant commits: access is given, the notice waits in the
    outbox, and the beat sweep sends it once the broker is back."""
    from primero_ro.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    app._pool = None
    app.amqp._producer_pool = None
    try:
        response = grant(client, worker_sv, tm_case)
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        app._pool = None
        app.amqp._producer_pool = None
    assert response.status_code == 302 and response.url == tm_case.get_absolute_url()
    assert visible(worker_sv, tm_case)
    assert mail.outbox == []
    notice = Notification.objects.get(kind=EmailKind.EMERGENCY_ACCESS)
    assert notice.email_state == EmailState.PENDING
    Notification.objects.update(created_at=notice.created_at - dt.timedelta(minutes=20))
    assert queue_pending_notifications() == 1  # eager again: the sweep sends it
    assert [m.to for m in mail.outbox] == [["coord.tm@example.ro"]]


def test_a_reason_is_required(client, tm_case, worker_sv):
    for reason in ("", "   ", "because"):
        response = grant(client, worker_sv, tm_case, reason)
        assert response.status_code == 400
        assert "field-reason" in response.content.decode()
    assert not EmergencyAccess.objects.exists()
    assert not visible(worker_sv, tm_case)
    assert not events(tm_case, "emergency_access").exists()


def test_unknown_code_says_so_and_grants_nothing(client, worker_sv):
    client.force_login(worker_sv)
    response = client.post(REQUEST, {"code": "C-NOTHERE", "reason": REASON})
    assert response.status_code == 400
    assert "No case has this code" in response.content.decode()
    assert not EmergencyAccess.objects.exists()


def test_a_case_already_open_to_the_user_needs_no_grant(client, tm_case, coord_tm):
    response = grant(client, coord_tm, tm_case)
    assert response.status_code == 302 and response.url == tm_case.get_absolute_url()
    assert not EmergencyAccess.objects.exists()


def test_grantee_cannot_change_the_case(client, tm_case, worker_sv, coord_sv):
    for user in (worker_sv, coord_sv):
        assert grant(client, user, tm_case).status_code == 302
        page = client.get(tm_case.get_absolute_url()).content.decode()
        assert reverse("cases:edit", kwargs={"code": tm_case.code, "section": "b"}) not in page
        for name in ("edit",):
            url = reverse(f"cases:{name}", kwargs={"code": tm_case.code, "section": "b"})
            assert client.get(url).status_code == 403
            assert client.post(url, {"first_name": "Changed"}).status_code == 403
        for name in ("follow_up", "assessment", "close", "transfer", "assign"):
            url = reverse(f"cases:{name}", kwargs={"code": tm_case.code})
            assert client.get(url).status_code == 403, name
            assert client.post(url, {}).status_code == 403, name
        refer = reverse("referrals:refer", kwargs={"case_code": tm_case.code})
        assert client.post(refer, {"service_type": "health"}).status_code == 403
    tm_case.refresh_from_db()
    assert tm_case.version == 1 and tm_case.first_name != "Changed"
    assert not events(tm_case, "change_case").exists()


def test_access_ends_with_a_404_after_expiry(client, tm_case, worker_sv):
    grant(client, worker_sv, tm_case)
    assert client.get(tm_case.get_absolute_url()).status_code == 200
    expire(tm_case, worker_sv)
    assert not visible(worker_sv, tm_case)
    assert client.get(tm_case.get_absolute_url()).status_code == 404
    assert tm_case.code not in client.get(reverse("cases:list")).content.decode()


def test_coordinator_accepts(client, tm_case, worker_sv, coord_tm):
    grant(client, worker_sv, tm_case)
    access = EmergencyAccess.objects.get()
    client.force_login(coord_tm)
    listing = client.get(LIST).content.decode()
    assert tm_case.code in listing and REASON in listing
    review = reverse("emergency:review", kwargs={"code": access.code})
    assert client.get(review).status_code == 200
    response = client.post(review, {"decision": "accepted", "note": "Called the worker."})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.review_status == "accepted" and access.reviewed_by == coord_tm
    assert access.is_active  # accepting leaves the access to run its course
    event = events(tm_case, "emergency_access", event="accepted").get()
    assert event.username == "coord.tm" and event.details["grantee"] == "worker.sv"
    # Reviewed once: a second review is refused with a message.
    again = client.post(review, {"decision": "reported"})
    assert again.status_code == 400
    assert "already reviewed" in again.content.decode()


def test_coordinator_reports_and_the_access_ends(client, tm_case, worker_sv, coord_tm):
    grant(client, worker_sv, tm_case)
    access = EmergencyAccess.objects.get()
    client.force_login(coord_tm)
    review = reverse("emergency:review", kwargs={"code": access.code})
    assert client.post(review, {"decision": "reported"}).status_code == 302
    access.refresh_from_db()
    assert access.review_status == "reported" and not access.is_active
    assert events(tm_case, "emergency_access", event="reported").count() == 1
    client.force_login(worker_sv)
    assert client.get(tm_case.get_absolute_url()).status_code == 404


def test_country_coordinator_lists_every_county(client, tm_case, worker_sv, coord_sv, country):
    grant(client, worker_sv, tm_case)
    client.force_login(country)
    assert tm_case.code in client.get(LIST).content.decode()
    client.force_login(coord_sv)  # Suceava's coordinator does not review Timis' cases
    assert tm_case.code not in client.get(LIST).content.decode()
    access = EmergencyAccess.objects.get()
    review = reverse("emergency:review", kwargs={"code": access.code})
    assert client.get(review).status_code == 404
    assert client.post(review, {"decision": "reported"}).status_code == 404
    access.refresh_from_db()
    assert access.review_status == "pending"


def test_wrong_roles_get_403(client, tm_case, worker_sv, worker_tm, country):
    grant(client, worker_sv, tm_case)
    access = EmergencyAccess.objects.get()
    client.force_login(worker_tm)
    assert client.get(LIST).status_code == 403
    review = reverse("emergency:review", kwargs={"code": access.code})
    assert client.post(review, {"decision": "accepted"}).status_code == 403
    client.force_login(country)  # opens every case: nothing to break
    assert client.post(REQUEST, {"code": tm_case.code, "reason": REASON}).status_code == 403
    access.refresh_from_db()
    assert access.review_status == "pending"


def test_wrong_methods(client, tm_case, worker_sv, coord_tm):
    grant(client, worker_sv, tm_case)
    access = EmergencyAccess.objects.get()
    client.force_login(coord_tm)
    assert client.post(LIST).status_code == 405
    assert client.put(reverse("emergency:review", kwargs={"code": access.code})).status_code == 405
    assert client.delete(REQUEST).status_code == 405


def test_from_the_duplicate_panel_without_the_code_in_the_page(client, tm_case, worker_sv):
    from django.template import Context, Template
    from django.test import RequestFactory

    client.force_login(worker_sv)
    client.get(REQUEST)  # a session
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = worker_sv
    html = Template("{% load emergency %}{% emergency_match_url child %}").render(
        Context({"request": request, "child": tm_case})
    )
    request.session.save()
    assert tm_case.code not in html and html.startswith(REQUEST + "?match=")
    token = html.split("match=")[1]
    form = client.get(html)
    assert form.status_code == 200 and tm_case.code not in form.content.decode()
    response = client.post(REQUEST, {"match": token, "reason": REASON})
    assert response.status_code == 302 and response.url == tm_case.get_absolute_url()
    assert EmergencyAccess.objects.get().child == tm_case
    # Somebody else's token means nothing.
    assert AuditEvent.objects.filter(action="emergency_access", details__event="granted").count()
