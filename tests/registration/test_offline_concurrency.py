"""Two sends of one queued registration at the same moment make one child: the database's
unique key decides, not a check before the insert. Each thread has its own database
connection (a transactional test: the rows are committed and really shared)."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from cases.models import Child
from registration.models import OfflineSubmission
from registration.offline_sync import register_offline
from registration.submission import Registration
from tests.registration.helpers import post_data
from tests.registration.offline_helpers import SEND, offline_data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("lookups_loaded")]


def _in_thread(target, results: dict, name: str) -> threading.Thread:
    def run():
        try:
            results[name] = target()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[name] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def _arguments(user) -> dict:
    reg = Registration(user, post_data())
    assert reg.is_valid(), reg.form.errors
    return reg.service_arguments()


def test_a_second_send_waits_for_the_first_and_answers_its_child(worker_tm):
    """The first send has claimed the key and not yet committed; the second send's insert
    waits on the unique index, then finds the first one's child."""
    key = uuid.uuid4()
    claimed, release = threading.Event(), threading.Event()
    results: dict = {}

    def first():
        with transaction.atomic():
            stored = register_offline(
                key, worker_tm, typed_at=timezone.now(), **_arguments(worker_tm)
            )
            claimed.set()
            assert release.wait(20)
        return stored

    def second():
        assert claimed.wait(20)
        return register_offline(key, worker_tm, typed_at=timezone.now(), **_arguments(worker_tm))

    one = _in_thread(first, results, "first")
    two = _in_thread(second, results, "second")
    assert claimed.wait(20)
    two.join(timeout=1.5)
    assert two.is_alive(), "the second send must wait for the first one's transaction"
    release.set()
    one.join(20)
    two.join(20)

    first_stored, second_stored = results["first"], results["second"]
    assert not isinstance(first_stored, Exception), first_stored
    assert not isinstance(second_stored, Exception), second_stored
    assert (first_stored.replayed, second_stored.replayed) == (False, True)
    assert second_stored.submission.child_id == first_stored.submission.child_id
    assert Child.objects.count() == 1 and OfflineSubmission.objects.count() == 1


def test_when_the_first_send_fails_the_waiting_one_creates_the_child(worker_tm):
    key = uuid.uuid4()
    claimed, release = threading.Event(), threading.Event()
    results: dict = {}

    def first():
        with transaction.atomic():
            register_offline(key, worker_tm, typed_at=timezone.now(), **_arguments(worker_tm))
            claimed.set()
            assert release.wait(20)
            raise RuntimeError("the connection dropped before the commit")

    def second():
        assert claimed.wait(20)
        return register_offline(key, worker_tm, typed_at=timezone.now(), **_arguments(worker_tm))

    one = _in_thread(first, results, "first")
    two = _in_thread(second, results, "second")
    assert claimed.wait(20)
    release.set()
    one.join(20)
    two.join(20)

    assert isinstance(results["first"], RuntimeError)
    assert results["second"].replayed is False
    assert Child.objects.count() == 1
    assert OfflineSubmission.objects.get().child == Child.objects.get()


def test_two_simultaneous_posts_of_one_key_create_one_child(worker_tm):
    data = offline_data()
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(worker_tm)
    start = threading.Barrier(2)
    results: dict = {}

    def post(client):
        def run():
            start.wait(10)
            response = client.post(SEND, data)
            return response.status_code, response.json()

        return run

    threads = [_in_thread(post(c), results, str(i)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.join(60)

    answers = [results["0"], results["1"]]
    assert all(not isinstance(a, Exception) for a in answers), answers
    assert [status for status, _answer in answers] == [200, 200]
    bodies = [answer for _status, answer in answers]
    assert {b["status"] for b in bodies} == {"created"}
    assert bodies[0]["code"] == bodies[1]["code"]
    assert sorted(b["replayed"] for b in bodies) == [False, True]
    assert Child.objects.count() == 1
    assert OfflineSubmission.objects.count() == 1
