"""The Django admin: lookups and users for superusers; the audit log read-only for everybody,
and append-only in PostgreSQL itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.models import User
from audit.log import record
from audit.models import Action, AuditEvent
from tests.personas import with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    superuser = User.objects.create_superuser(
        "root", "root@example.org", "a-long-admin-password-1", role="country_coordinator"
    )
    client.force_login(with_second_factor(superuser))
    return client


@pytest.fixture
def event(worker_tm):
    return record(worker_tm, Action.VIEW_CASE, county_code="RO-TM")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/lookups/county/",
        "/admin/lookups/county/RO-TM/change/",
        "/admin/lookups/entrypoint/",
        "/admin/lookups/protectionconcern/",
        "/admin/lookups/choice/",
        "/admin/lookups/choice/?list_name=sex",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/audit/auditevent/",
    ],
)
def test_superuser_opens_admin_pages(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_choice_change_page_has_the_three_languages(admin_client):
    from lookups.models import Choice

    choice = Choice.objects.get(list_name="sex", code="female")
    page = admin_client.get(f"/admin/lookups/choice/{choice.pk}/change/").content.decode()
    for lang in ("en", "ro", "uk"):
        assert f'name="label_{lang}"' in page


def test_user_change_page_shows_role_and_county(admin_client, worker_tm):
    page = admin_client.get(f"/admin/accounts/user/{worker_tm.pk}/change/").content.decode()
    assert 'name="role"' in page and 'name="county"' in page
    listing = admin_client.get("/admin/accounts/user/?role=field_worker").content.decode()
    assert "worker.tm" in listing


def test_non_staff_users_cannot_open_the_admin(client, country):
    client.force_login(country)
    response = client.get("/admin/lookups/county/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_audit_events_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, event):
    listing = admin_client.get("/admin/audit/auditevent/")
    assert listing.status_code == 200
    assert listing.context["has_add_permission"] is False
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    # The change page is a read-only view: no form fields, and a POST changes nothing.
    view = admin_client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert view.status_code == 200
    assert 'name="username"' not in view.content.decode()
    posted = admin_client.post(
        f"/admin/audit/auditevent/{event.pk}/change/",
        {"username": "someone-else", "action": "login"},
    )
    assert posted.status_code == 403
    assert admin_client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert (
        admin_client.post(
            f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    bulk = admin_client.post(
        "/admin/audit/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)
    event_after = AuditEvent.objects.get(pk=event.pk)
    assert (event_after.username, event_after.action) == ("worker.tm", Action.VIEW_CASE)


def test_audit_events_cannot_be_changed_through_the_orm(event):
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(username="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET username = 'someone-else' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_raw_update_or_delete_is_refused_by_postgresql(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    event_after = AuditEvent.objects.get(pk=event.pk)
    assert event_after.username == "worker.tm"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_raw_insert_still_works_on_postgresql(worker_tm):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, username, action, object_type, object_code, details)"
            " VALUES (now(), 'system', 'export', '', '', '{}')"
        )
    assert AuditEvent.objects.filter(username="system").count() == 1
