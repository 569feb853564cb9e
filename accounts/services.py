"""Creating and managing user accounts: on the command line (manage.py add_user) and in
the browser (accounts/views_users.py). Every change is written to the audit log with codes
only (username, role, county), never a password or a name."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action
from lookups.models import County

from .lockout import locked_out_usernames, recent_login_failures  # noqa: F401 - user pages
from .models import Role, User

# Paths under /accounts/users/ that a username would shadow.
RESERVED_USERNAMES = frozenset({"new"})


def _errors_to_exception(errors: dict[str, list[str]]) -> ValidationError:
    # Keyed by field so that the browser shows each message next to its field; the command
    # line joins exc.messages.
    return ValidationError({field: messages for field, messages in errors.items() if messages})


def _county_errors(role: str, county_code: str | None) -> tuple[County | None, list[str]]:
    if county_code:
        county = County.objects.filter(code=county_code).first()
        if county is None:
            return None, [_("Unknown county %(code)s.") % {"code": county_code}]
        return county, []
    if role in (Role.FIELD_WORKER, Role.COUNTY_COORDINATOR):
        return None, [
            _("A %(role)s needs a county (--county RO-TM, for example).") % {"role": role}
        ]
    return None, []


def _audit(actor, target: User, event: str, request=None, **details) -> None:
    record(
        actor,
        Action.USER_CHANGE,
        obj=target,
        request=request,
        event=event,
        username=target.username,
        role=target.role,
        county=target.county_id or "",
        **details,
    )


def _ensure_manageable(actor, target: User) -> None:
    if not User.objects.manageable_by(actor).filter(pk=target.pk).exists():
        raise PermissionDenied


@transaction.atomic
def create_user(
    username: str,
    password: str,
    role: str,
    county_code: str | None = None,
    organisation: str = "",
    first_name: str = "",
    last_name: str = "",
    superuser: bool = False,
    *,
    email: str = "",
    actor: User | None = None,
    request=None,
) -> User:
    """Create a user after checking role, county, uniqueness and password strength.

    superuser: may also use the Django admin (lookups, users), with every permission.
    actor: the coordinator creating the user in the browser, who may grant only what
    User.may_grant allows; None on the command line."""
    errors: dict[str, list[str]] = {"username": [], "role": [], "county": [], "password": []}
    if role not in Role.values:
        errors["role"].append(
            _("Unknown role %(role)s: use one of %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    county, errors["county"] = _county_errors(role, county_code)
    if actor is not None and not actor.may_grant(role, county_code):
        raise PermissionDenied
    try:
        User.username_validator(username)
    except ValidationError as exc:
        errors["username"].extend(exc.messages)
    if username.lower() in RESERVED_USERNAMES:
        errors["username"].append(_("This username is reserved: choose another one."))
    if User.objects.filter(username__iexact=username).exists():
        errors["username"].append(
            _("A user named %(username)s already exists.") % {"username": username}
        )
    user = User(
        username=username,
        role=role,
        county=county,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=superuser,
        is_superuser=superuser,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"].extend(exc.messages)
    if any(errors.values()):
        raise _errors_to_exception(errors)
    user.set_password(password)
    user.save()
    _audit(actor, user, "created", request, superuser=superuser)
    return user


@transaction.atomic
def update_user(
    actor: User,
    target: User,
    *,
    first_name: str,
    last_name: str,
    email: str,
    organisation: str,
    role: str,
    county_code: str | None,
    request=None,
) -> User:
    """Change names, email, organisation, role and county, within what the actor may grant."""
    _ensure_manageable(actor, target)
    if not actor.may_grant(role, county_code):
        raise PermissionDenied
    errors: dict[str, list[str]] = {"role": [], "county": []}
    county, errors["county"] = _county_errors(role, county_code)
    if target.pk == actor.pk and role != target.role:
        errors["role"].append(_("You cannot change your own role."))
    if any(errors.values()):
        raise _errors_to_exception(errors)
    before = {
        "first_name": target.first_name,
        "last_name": target.last_name,
        "email": target.email,
        "organisation": target.organisation,
        "role": target.role,
        "county": target.county_id,
    }
    after = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "organisation": organisation,
        "role": role,
        "county": county.code if county else None,
    }
    changed = sorted(field for field in after if after[field] != before[field])
    if not changed:
        return target
    target.first_name = first_name
    target.last_name = last_name
    target.email = email
    target.organisation = organisation
    target.role = role
    target.county = county
    target.save()
    # Field names only for names and email (personal data); codes for role and county.
    details: dict = {"changed": changed}
    if "role" in changed:
        details["role_before"] = before["role"]
    if "county" in changed:
        details["county_before"] = before["county"] or ""
    _audit(actor, target, "updated", request, **details)
    return target


@transaction.atomic
def set_active(actor: User, target: User, active: bool, request=None) -> User:
    """Deactivate (the user can no longer log in; their cases keep pointing at them) or
    reactivate. Users are never deleted."""
    _ensure_manageable(actor, target)
    if target.pk == actor.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if target.is_active == active:
        return target
    target.is_active = active
    target.save(update_fields=["is_active"])
    _audit(actor, target, "reactivated" if active else "deactivated", request)
    return target


@transaction.atomic
def set_password_for(actor: User, target: User, password: str, request=None) -> User:
    """Set a new password chosen by the coordinator, checked by the password validators.
    The user's open sessions end (Django checks the password hash of each session)."""
    _ensure_manageable(actor, target)
    try:
        validate_password(password, target)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    target.set_password(password)
    target.save(update_fields=["password"])
    _audit(actor, target, "password_set", request)
    return target


@transaction.atomic
def unlock_user(actor: User, target: User, request=None) -> int:
    """Clear django-axes' failed login attempts of this username; the number removed."""
    from axes.utils import reset

    _ensure_manageable(actor, target)
    removed = reset(username=target.username)
    _audit(actor, target, "unlocked", request, attempts_cleared=removed)
    return removed
