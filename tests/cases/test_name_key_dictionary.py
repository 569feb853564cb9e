"""The dictionary of name keys (cases.models.NameKey) that the name search of a large
scope and the duplicate check read first: kept exact by the database however a case is
written, and forgetting a key with its last case (issue 14). PostgreSQL only (triggers)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from cases.models import Child, NameKey
from cases.names import name_key
from cases.services.anonymisation import approve_anonymisation, request_anonymisation
from cases.services.editing import update_case
from cases.services.transfer import transfer_case
from imports import services as imports
from registration.duplicates import find_duplicates
from tests.factories import make_child
from tests.imports.helpers import caregiver_row, child_row, sources

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the dictionary is kept by PostgreSQL triggers"
)
URL = reverse("cases:list")
OLENA = name_key("Olena", "Shevchenko")


def keys() -> set[str]:
    return set(NameKey.objects.values_list("key", flat=True))


def case_keys() -> set[str]:
    """What the dictionary must hold: the keys of the cases, nothing else."""
    return set(Child.objects.cases().exclude(name_key="").values_list("name_key", flat=True))


def found(client, user, text: str) -> set[str]:
    client.force_login(user)
    page = client.post(URL, {"q": text}, follow=True).context["page"]
    return {child.code for child in page.object_list}


def olena(user, seed=1, **extra) -> Child:
    return make_child(
        user, seed=seed, first_name="Olena", last_name="Shevchenko", name_native="", **extra
    )


@pytest.mark.django_db
def test_a_new_case_is_found_by_a_search_with_a_typo(client, worker_tm, coord_tm):
    child = olena(worker_tm)
    assert keys() == case_keys() == {OLENA}
    assert found(client, coord_tm, "Olna Shevchenko") == {child.code}
    assert found(client, coord_tm, "Олена Шевченко") == {child.code}


@pytest.mark.django_db
def test_a_renamed_case_is_found_by_its_new_name_only(client, worker_tm, coord_tm):
    child = olena(worker_tm)
    update_case(child, {"first_name": "Iryna"}, worker_tm, child.version)
    assert keys() == case_keys() == {name_key("Iryna", "Shevchenko")}
    assert found(client, coord_tm, "Iryna Shevchenko") == {child.code}
    assert found(client, coord_tm, "Olena Shevchnko") == set()


@pytest.mark.django_db
def test_a_renamed_case_leaves_the_key_to_the_other_cases_holding_it(client, worker_tm, coord_tm):
    renamed, other = olena(worker_tm, seed=1), olena(worker_tm, seed=2)
    update_case(renamed, {"first_name": "Iryna"}, worker_tm, renamed.version)
    assert keys() == case_keys() == {OLENA, name_key("Iryna", "Shevchenko")}
    assert found(client, coord_tm, "Olena Shevchnko") == {other.code}


@pytest.mark.django_db
def test_a_transferred_case_is_found_by_its_new_countys_coordinator(
    client, worker_tm, coord_tm, coord_sv, country
):
    child = olena(worker_tm)
    transfer_case(child, country, "RO-SV")
    assert keys() == case_keys() == {OLENA}
    assert found(client, coord_sv, "Olena Shevcenko") == {child.code}
    assert found(client, coord_tm, "Olena Shevcenko") == set()


@pytest.mark.django_db
def test_anonymisation_forgets_the_key_with_its_last_case(client, worker_tm, coord_tm, country):
    first, second = olena(worker_tm, seed=1), olena(worker_tm, seed=2)
    request_anonymisation(first, coord_tm, "erasure_request")
    approve_anonymisation(first, country)
    assert keys() == case_keys() == {OLENA}  # the other case still holds it
    assert found(client, coord_tm, "Olena Shevchenko") == {second.code}

    request_anonymisation(second, coord_tm, "erasure_request")
    approve_anonymisation(second, country)
    assert keys() == case_keys() == set()
    assert found(client, coord_tm, "Olena Shevchenko") == set()
    assert find_duplicates("Olena", "Shevchenko", second.date_of_birth) == []


@pytest.mark.django_db
def test_an_anonymous_record_adds_no_key(worker_tm):
    make_child(worker_tm, first_name="Olena", last_name="Shevchenko", consent_registration=False)
    assert keys() == case_keys() == set()


@pytest.mark.django_db
def test_an_import_written_by_copy_adds_its_keys(client, country, coord_tm, monkeypatch):
    monkeypatch.setattr(imports, "BULK_MIN", 0)  # the COPY path of large imports
    rows = [
        child_row("REF-1", first_name="Olena", last_name="Shevchenko", name_native=""),
        child_row("REF-2", first_name="Taras", last_name="Bondarenko", name_native=""),
    ]
    assert imports.run_import(sources(rows, [caregiver_row()]), country).ok
    assert keys() == case_keys() == {OLENA, name_key("Taras", "Bondarenko")}
    taras = Child.objects.get(record_ref="REF-2")
    assert found(client, coord_tm, "Taras Bondarnko") == {taras.code}
    assert [d.child for d in find_duplicates("Taras", "Bondarenko", taras.date_of_birth)] == [taras]


@pytest.mark.django_db
def test_a_reimport_with_a_corrected_name_replaces_the_key(country, monkeypatch):
    monkeypatch.setattr(imports, "BULK_MIN", 0)
    row = child_row("REF-1", first_name="Olena", last_name="Shevchenko", name_native="")
    assert imports.run_import(sources([row], [caregiver_row()]), country).ok
    row["first_name"] = "Iryna"
    assert imports.run_import(sources([row], [caregiver_row()]), country).ok
    assert keys() == case_keys() == {name_key("Iryna", "Shevchenko")}


@pytest.mark.django_db
def test_a_deleted_case_takes_its_key_with_it(worker_tm):
    olena(worker_tm).delete()
    assert keys() == case_keys() == set()


# Concurrent writes: one transaction anonymises the last case of a key while another
# registers a child of the same name. Whichever commits first, the key stays: the new
# case holds it.


def _waiting_on_a_lock(pid: int) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def _until_waiting_or_done(thread, pid_of, deadline=20.0):
    """Until the other transaction waits for ours (or, if nothing makes it wait, is done)."""
    start = time.monotonic()
    while thread.is_alive() and not _waiting_on_a_lock(pid_of()):
        assert time.monotonic() - start < deadline, "the other transaction is stuck"
        time.sleep(0.05)


def _in_thread(work):
    """Run work() on its own connection; returns (thread, its backend pid, its errors)."""
    pid: list[int] = []
    errors: list[BaseException] = []

    def run():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid.append(cursor.fetchone()[0])
            work()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    while not pid and thread.is_alive():
        time.sleep(0.01)
    return thread, (lambda: pid[0]), errors


def _anonymise_raw(child: Child):
    # What anonymisation does to the key (cases.personal blanks it), in one statement.
    Child.objects.filter(pk=child.pk).update(name_key="", first_name="", last_name="")


@pytest.mark.django_db(transaction=True)
def test_a_registration_committed_before_the_anonymisation_keeps_the_key(lookups_loaded, worker_tm):
    last = olena(worker_tm, seed=1)
    anonymised = threading.Event()

    def anonymise():
        with transaction.atomic():
            _anonymise_raw(last)  # waits for the registration's lock on the key
        anonymised.set()

    with transaction.atomic():
        new = olena(worker_tm, seed=2)
        thread, pid, errors = _in_thread(anonymise)
        _until_waiting_or_done(thread, pid)
    thread.join(30)
    assert anonymised.is_set() and not errors, errors
    assert keys() == case_keys() == {OLENA}
    assert Child.objects.get(pk=new.pk).name_key == OLENA


@pytest.mark.django_db(transaction=True)
def test_a_registration_waiting_for_an_anonymisation_adds_the_key_again(lookups_loaded, worker_tm):
    last = olena(worker_tm, seed=1)
    registered: list[Child] = []

    def register():
        registered.append(olena(worker_tm, seed=2))  # waits for the anonymisation

    with transaction.atomic():
        _anonymise_raw(last)
        assert not NameKey.objects.filter(key=OLENA).exists()
        thread, pid, errors = _in_thread(register)
        _until_waiting_or_done(thread, pid)
    thread.join(30)
    assert registered and not errors, errors
    assert keys() == case_keys() == {OLENA}
