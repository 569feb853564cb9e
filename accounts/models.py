from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scope import CountyScope, county_scope


class Role(models.TextChoices):
    FIELD_WORKER = "field_worker", _("Field worker")
    COUNTY_COORDINATOR = "county_coordinator", _("County coordinator")
    COUNTRY_COORDINATOR = "country_coordinator", _("Country coordinator")


class UserQuerySet(models.QuerySet):
    def manageable_by(self, user) -> UserQuerySet:
        """The users whom `user` may manage (roles.md, "manage users"): the only place that
        knows it. County coordinators: the field workers of their county; the country
        coordinator: everyone; field workers: nobody."""
        scope = county_scope(user)
        if scope.everywhere:
            return self
        return scope.filter(self.filter(role=Role.FIELD_WORKER))


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    """Django's UserManager (create_user, create_superuser) with UserQuerySet's methods."""


class User(AbstractUser):
    """A social worker or coordinator. roles.md says what each role may see and do."""

    role = models.CharField(_("role"), max_length=24, choices=Role, default=Role.FIELD_WORKER)
    county = models.ForeignKey(
        "lookups.County",
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    # The language the user last chose (the switch in the top bar): applied at each login,
    # on any device. Empty: the browser's language, else LANGUAGE_CODE.
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="country_coordinator") | models.Q(county__isnull=False),
                name="user_county_required_for_county_roles",
            )
        ]

    def clean(self) -> None:
        super().clean()
        if self.role != Role.COUNTRY_COORDINATOR and not self.county_id:
            raise ValidationError(
                {"county": _("Field workers and county coordinators need a county.")}
            )

    @property
    def is_field_worker(self) -> bool:
        return self.role == Role.FIELD_WORKER

    @property
    def is_county_coordinator(self) -> bool:
        return self.role == Role.COUNTY_COORDINATOR

    @property
    def is_country_coordinator(self) -> bool:
        return self.role == Role.COUNTRY_COORDINATOR

    @property
    def is_coordinator(self) -> bool:
        return self.role in (Role.COUNTY_COORDINATOR, Role.COUNTRY_COORDINATOR)

    @property
    def county_scope(self) -> CountyScope:
        """accounts.scope.county_scope of this user (for apps below accounts, like audit)."""
        return county_scope(self)

    def coordinates_county(self, county_code: str | None) -> bool:
        """True where this user coordinates the county (assign, accept transfers, statistics)."""
        return county_scope(self).allows(county_code)

    @property
    def may_manage_users(self) -> bool:
        return self.is_active and self.is_coordinator

    def grantable_roles(self) -> list[str]:
        """Roles this user may give to a user they create or edit."""
        if self.is_country_coordinator:
            return list(Role.values)
        if self.is_county_coordinator:
            return [Role.FIELD_WORKER.value]
        return []

    def may_grant(self, role: str, county_code: str | None) -> bool:
        """May this user create or edit a user with this role in this county?"""
        if role not in self.grantable_roles():
            return False
        return self.is_country_coordinator or (bool(county_code) and county_code == self.county_id)


# Registered with the app's models (accounts/preferences.py keeps them apart from the user).
from .preferences import EmailPreferences  # noqa: E402,F401
