"""Two-step login (roles.md): county and country coordinators and superusers sign in with a
code from an authenticator app (TOTP) or a single-use backup code after their password; for
field workers it is the setting OTP_REQUIRED_FOR_FIELD_WORKERS.

django-otp holds the devices (a TOTP device for the phone, a static device for the backup
codes) and marks a session verified (django_otp.login); accounts.middleware sends a user who
needs a second factor and whose session is not verified to the enrolment or code page before
anything else. Enrolment, reset, renewed backup codes, and every code accepted or refused are
written to the audit log, never the code itself.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import django_otp
import segno
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.log import record
from audit.models import Action

from .models import User

TOTP_CODE = re.compile(r"^\d{6}$")
# Backup codes are django-otp's: 8 letters and digits of base32 (40 random bits), lower case.
BACKUP_CODE = re.compile(r"^[a-z2-7]{8}$")


def required_for(user) -> bool:
    """Must this user's sessions pass the second step? (roles.md)"""
    if user.is_superuser or user.is_coordinator:
        return True
    return settings.OTP_REQUIRED_FOR_FIELD_WORKERS


def phone_of(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have enrolled one."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def _backup_device(user) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def backup_codes_left(user) -> int:
    device = _backup_device(user)
    return device.token_set.count() if device else 0


@dataclass(frozen=True)
class Status:
    required: bool
    enrolled: bool
    since: object  # datetime | None
    backup_codes_left: int


def status(user) -> Status:
    phone = phone_of(user)
    return Status(
        required=required_for(user),
        enrolled=phone is not None,
        since=phone.created_at if phone else None,
        backup_codes_left=backup_codes_left(user) if phone else 0,
    )


# --- enrolment ---------------------------------------------------------------------------


def pending_phone(user) -> TOTPDevice:
    """The device being enrolled: the same key on every reload of the page, until confirmed."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice, title: str) -> str:
    """The otpauth:// address of the device as an inline SVG QR code, drawn here: the key
    must never go to a third-party QR service."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, title=title, light="#fff", omitsize=True, svgclass="qr-code"
    )


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32 in groups of four, for apps where it is typed instead of scanned."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def normalise(code: str) -> str:
    """What people type: spaces, dashes, capitals."""
    return re.sub(r"[\s-]", "", code or "").lower()[:32]


def _new_backup_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="backup", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.OTP_BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _mark_session_verified(request, device) -> None:
    django_otp.login(request, device)
    # A new session key once the second step is passed, as Django does after the password.
    request.session.cycle_key()


@transaction.atomic
def confirm_enrolment(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the phone with the first code it shows. On success: the device is confirmed,
    new backup codes replace any old ones (returned, to be shown once), this session is
    verified and the enrolment is audited. None when the code is wrong."""
    user = request.user
    if device.user_id != user.pk or device.confirmed or is_enrolled(user):
        # Someone already enrolled a phone on this account: that one is needed now.
        raise PermissionDenied
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(normalise(code)):
        record(user, Action.LOGIN_FAILED, obj=user, request=request, step="enrolment_code")
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(user)
    _mark_session_verified(request, device)
    record(user, Action.TWO_FACTOR, obj=user, request=request, event="enrolled")
    return codes


# --- the code step at each login ---------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    verified: bool
    wait_until: object = None  # datetime: too many wrong codes, try again after this


def verify(request, code: str) -> Outcome:
    """Check a code from the phone or a backup code and, if it is right, verify the session.
    Wrong codes slow down exponentially (django-otp's throttling: 1, 2, 4, 8... seconds)."""
    user = request.user
    code = normalise(code)
    if TOTP_CODE.match(code):
        device, method = phone_of(user), "app"
    elif BACKUP_CODE.match(code):
        device, method = _backup_device(user), "backup_code"
    else:
        device, method = None, "unreadable"
    if device is not None:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            record(user, Action.LOGIN_FAILED, obj=user, request=request, step="code_throttled")
            return Outcome(False, (info or {}).get("locked_until"))
        matched = django_otp.verify_token(user, device.persistent_id, code)
        if matched is not None:
            _mark_session_verified(request, matched)
            if method == "backup_code":
                record(
                    user,
                    Action.TWO_FACTOR,
                    obj=user,
                    request=request,
                    event="backup_code_used",
                    backup_codes_left=backup_codes_left(user),
                )
            else:
                record(user, Action.TWO_FACTOR, obj=user, request=request, event="verified")
            return Outcome(True)
    record(user, Action.LOGIN_FAILED, obj=user, request=request, step="code", method=method)
    return Outcome(False)


@transaction.atomic
def renew_backup_codes(request) -> list[str]:
    """New backup codes for the user of this verified session; the old ones stop working."""
    user = request.user
    if not is_enrolled(user) or not user.is_verified():
        raise PermissionDenied
    codes = _new_backup_codes(user)
    record(user, Action.TWO_FACTOR, obj=user, request=request, event="backup_codes_renewed")
    return codes


# --- reset by the country coordinator ----------------------------------------------------


def may_reset(actor, target) -> bool:
    """roles.md: the country coordinator resets another user's second factor (a lost phone).
    Their own is reset by another country coordinator or `manage.py reset_two_factor`."""
    return bool(
        actor.is_active
        and actor.is_country_coordinator
        and target.pk != actor.pk
        and User.objects.manageable_by(actor).filter(pk=target.pk).exists()
    )


def _end_sessions_of(user) -> int:
    """End the user's open sessions: a session that passed the password with the old phone
    must not be the one that enrols the new phone."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def reset(actor, target: User, request=None) -> None:
    """Remove the target's phone and backup codes: at their next login they enrol again.
    actor None: the command line."""
    if actor is not None and not may_reset(actor, target):
        raise PermissionDenied
    TOTPDevice.objects.filter(user=target).delete()
    StaticDevice.objects.filter(user=target).delete()
    sessions = _end_sessions_of(target)
    record(
        actor,
        Action.TWO_FACTOR,
        obj=target,
        request=request,
        event="reset",
        username=target.username,
        sessions_ended=sessions,
    )
