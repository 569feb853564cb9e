from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lookups.models import County

from .models import Role, User


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
) -> User:
    """Create a user after checking role, county, uniqueness and password strength.

    superuser: may also use the Django admin (lookups, users), with every permission."""
    errors: list[str] = []
    if role not in Role.values:
        errors.append(
            _("Unknown role %(role)s: use one of %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    county = None
    if county_code:
        county = County.objects.filter(code=county_code).first()
        if county is None:
            errors.append(_("Unknown county %(code)s.") % {"code": county_code})
    elif role in (Role.FIELD_WORKER, Role.COUNTY_COORDINATOR):
        errors.append(
            _("A %(role)s needs a county (--county RO-TM, for example).") % {"role": role}
        )
    if User.objects.filter(username__iexact=username).exists():
        errors.append(_("A user named %(username)s already exists.") % {"username": username})
    user = User(
        username=username,
        role=role,
        county=county,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        is_staff=superuser,
        is_superuser=superuser,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    return user
