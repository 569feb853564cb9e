"""Forms of the user-management pages. What a coordinator may grant (roles, counties) comes
from User.grantable_roles / User.may_grant; the services check it again."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm, SetPasswordMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lookups.models import County

from .models import Role, User

ACTIVE_CHOICES = [("", _("All")), ("yes", _("Active")), ("no", _("Deactivated"))]


def _grantable_counties(actor: User):
    counties = County.objects.all()
    if not actor.is_country_coordinator:
        counties = counties.filter(pk=actor.county_id)
    return counties


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Username or name"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.none(), required=False, empty_label=_("All")
    )
    active = forms.ChoiceField(label=_("Status"), choices=ACTIVE_CHOICES, required=False)

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All")), *Role.choices]
        if not actor.is_country_coordinator:
            # A county coordinator sees only the field workers of their county.
            del self.fields["role"]
            del self.fields["county"]
        else:
            self.fields["county"].queryset = County.objects.all()

    def filter(self, users):
        if not self.is_valid():
            return users
        data = self.cleaned_data
        for word in data["q"].split():
            users = users.filter(
                Q(username__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
            )
        if data.get("role"):
            users = users.filter(role=data["role"])
        if data.get("county"):
            users = users.filter(county=data["county"])
        if data["active"]:
            users = users.filter(is_active=data["active"] == "yes")
        return users


class _UserFieldsForm(forms.Form):
    """Names, email, organisation, role and county: shared by the create and edit forms."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"))
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=County.objects.none(),
        required=False,
        help_text=_("Required for field workers and county coordinators."),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("The county's DGASPC or the NGO the person works for."),
    )

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        grantable = actor.grantable_roles()
        self.fields["role"].choices = [(v, lbl) for v, lbl in Role.choices if v in grantable]
        self.fields["county"].queryset = _grantable_counties(actor)
        if not actor.is_country_coordinator:
            self.fields["role"].initial = Role.FIELD_WORKER
            self.fields["county"].initial = actor.county_id
            self.fields["county"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role and role != Role.COUNTRY_COORDINATOR and not cleaned.get("county"):
            self.add_error("county", _("Field workers and county coordinators need a county."))
        return cleaned

    @property
    def county_code(self) -> str | None:
        county = self.cleaned_data.get("county")
        return county.code if county else None

    # The service's error keys that are named differently here.
    service_field_names: dict[str, str] = {}

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show a service's ValidationError next to the fields it names."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for key, errors in exc.error_dict.items():
            field = self.service_field_names.get(key, key)
            self.add_error(field if field in self.fields else None, errors)


class UserCreateForm(SetPasswordMixin, _UserFieldsForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; used to log in."),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Initial password"), label2=_("Initial password again")
    )

    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "county",
        "organisation",
        "password1",
        "password2",
    ]

    def clean(self):
        cleaned = super().clean()
        # Strength is checked by create_user, against the user being created.
        self.validate_passwords("password1", "password2")
        return cleaned

    # Password messages next to the second field, as Django's own password forms do.
    service_field_names = {"password": "password2"}


class UserEditForm(_UserFieldsForm):
    @staticmethod
    def initial_from(user: User) -> dict:
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "organisation": user.organisation,
            "role": user.role,
            "county": user.county_id,
        }


class UserPasswordForm(SetPasswordForm):
    """Django's set-password form (two fields, the password validators, messages on the
    second field); the change itself goes through accounts.services.set_password_for."""


class LoginForm(AuthenticationForm):
    """Django's login form sets the username's max_length after the field is built, so
    the length is never checked: a 10,000-character username reached authenticate() and
    django-axes' attempt table (varchar 255) and failed there. Checked here, the person
    gets the usual field message and nothing is written."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
