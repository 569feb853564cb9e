"""The people of the test suite: a field worker and a coordinator in Timiș and in Suceava,
and a country coordinator. Every view test uses them."""

from __future__ import annotations

import pytest

from accounts.models import Role, User

PASSWORD = "a-long-test-password-1"


def make_user(username: str, role: str, county: str | None = None, **extra) -> User:
    user = User(username=username, role=role, county_id=county, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def worker_tm(db) -> User:
    return make_user("worker.tm", Role.FIELD_WORKER, "RO-TM", first_name="Ana", last_name="Popescu")


@pytest.fixture
def worker2_tm(db) -> User:
    return make_user("worker2.tm", Role.FIELD_WORKER, "RO-TM")


@pytest.fixture
def coord_tm(db) -> User:
    return make_user("coord.tm", Role.COUNTY_COORDINATOR, "RO-TM")


@pytest.fixture
def worker_sv(db) -> User:
    return make_user("worker.sv", Role.FIELD_WORKER, "RO-SV")


@pytest.fixture
def coord_sv(db) -> User:
    return make_user("coord.sv", Role.COUNTY_COORDINATOR, "RO-SV")


@pytest.fixture
def country(db) -> User:
    return make_user("country", Role.COUNTRY_COORDINATOR)
