"""The people of the test suite: a field worker and a coordinator in Timiș and in Suceava,
and a country coordinator. Every view test uses them."""

from __future__ import annotations

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Role, User

PASSWORD = "a-long-test-password-1"


def make_user(username: str, role: str, county: str | None = None, **extra) -> User:
    """A user; one who needs a second factor (coordinators, superusers) gets a phone too and
    logs in verified with client.force_login (see with_second_factor)."""
    user = User(username=username, role=role, county_id=county, **extra)
    user.set_password(PASSWORD)
    user.save()
    if two_factor.required_for(user):
        with_second_factor(user)
    return user


def with_second_factor(user: User) -> User:
    """Enrol a phone (a TOTP device) for the user and hand it to django-otp as the device the
    user has just been verified with: django-otp's own user_logged_in receiver then marks the
    session of client.force_login(user) verified (django_otp.login), as after typing a code.
    The requirement stays on in every test; tests of it use a user without a verified device
    (without_second_factor)."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    user.otp_device = device
    return user


def without_second_factor(user: User) -> User:
    """The same user as one whose session has not passed the second step (the phone stays)."""
    user.__dict__.pop("otp_device", None)
    return user


def totp_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's authenticator app shows now (or steps_ahead steps of 30 s later,
    for a second login within the same step: django-otp accepts each step once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


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
