from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from lookups import registry
from lookups.models import County

from .models import ServiceProvider

ALL = _("All")


def _date_input() -> forms.DateInput:
    # <input type="date"> only takes ISO dates: without a fixed format the value would be
    # localised (26.11.2026 in Romanian and Ukrainian) and the browser would show it empty.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _with_blank(choices):
    return [("", ALL), *choices]


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of provider"))
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    service_types = forms.MultipleChoiceField(
        label=_("Services offered"), widget=forms.CheckboxSelectMultiple
    )
    contact_person = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = registry.choices("provider_kind")
        self.fields["service_types"].choices = registry.choices("service_type")
        counties = County.objects.all()
        if not user.is_country_coordinator:
            # A county coordinator manages the providers of their own county only.
            counties = counties.filter(pk=user.county_id)
            self.fields["county"].initial = user.county_id
        self.fields["county"].queryset = counties

    @staticmethod
    def initial_from(provider: ServiceProvider) -> dict:
        return {
            "name": provider.name,
            "kind": provider.kind,
            "county": provider.county_id,
            "service_types": provider.service_types,
            "contact_person": provider.contact_person,
            "phone": provider.phone,
            "email": provider.email,
            "address": provider.address,
        }


class ProviderFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False)
    service_type = forms.ChoiceField(label=_("Service"), required=False)
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.all(), required=False, empty_label=_("All")
    )
    inactive = forms.BooleanField(label=_("Show inactive providers too"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = _with_blank(registry.choices("service_type"))


class ChooseServiceForm(forms.Form):
    """The first click on the case page: which service."""

    service_type = forms.ChoiceField(label=_("Service"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = registry.choices("service_type")


class ProviderChoiceField(forms.ModelChoiceField):
    widget = forms.RadioSelect

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.county.name})"


class ReferralForm(forms.Form):
    """The second click: confirm, with an optional provider, reason and date."""

    service_type = forms.ChoiceField(widget=forms.HiddenInput)
    provider = ProviderChoiceField(
        label=_("Service provider"),
        queryset=ServiceProvider.objects.none(),
        required=False,
        empty_label=_("No provider yet (choose one later)"),
    )
    reason = forms.CharField(
        label=_("Reason for the referral"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    referred_on = forms.DateField(label=_("Referral date"), widget=_date_input())

    def __init__(self, *args, providers=None, consent=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = registry.choices("service_type")
        self.fields["referred_on"].initial = timezone.localdate()
        if not consent:
            # Without consent nothing goes to a provider: the field is not offered at all.
            del self.fields["provider"]
        else:
            ids = [p.pk for p in providers or []]
            self.fields["provider"].queryset = ServiceProvider.objects.filter(
                pk__in=ids
            ).select_related("county")


class SetProviderForm(forms.Form):
    provider = ProviderChoiceField(
        label=_("Service provider"), queryset=ServiceProvider.objects.none(), empty_label=None
    )

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [p.pk for p in providers or []]
        self.fields["provider"].queryset = ServiceProvider.objects.filter(
            pk__in=ids
        ).select_related("county")


class StatusDateForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=_date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    service_type = forms.ChoiceField(label=_("Service"), required=False)
    provider = forms.ModelChoiceField(
        label=_("Service provider"),
        queryset=ServiceProvider.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All"),
    )
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.none(), required=False, empty_label=_("All")
    )
    worker = forms.ModelChoiceField(
        label=_("Worker"),
        queryset=User.objects.none(),
        required=False,
        to_field_name="username",
        empty_label=_("All"),
    )
    overdue = forms.BooleanField(label=_("Only pending for more than 14 days"), required=False)

    def __init__(self, *args, referrals, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_coordinator:
            # The workers whose cases these are: assigned to them or registered by them.
            self.fields["worker"].queryset = User.objects.filter(
                Q(pk__in=referrals.values("child__assigned_to"))
                | Q(pk__in=referrals.values("child__created_by"))
            ).order_by("last_name", "first_name", "username")
            self.fields["worker"].label_from_instance = lambda u: u.get_full_name() or u.username
        else:
            del self.fields["worker"]
        self.fields["status"].choices = _with_blank(registry.choices("referral_status"))
        self.fields["service_type"].choices = _with_blank(registry.choices("service_type"))
        self.fields["provider"].queryset = ServiceProvider.objects.filter(
            pk__in=referrals.exclude(provider=None).values("provider_id")
        )
        self.fields["county"].queryset = County.objects.filter(
            pk__in=referrals.values("child__current_county_id")
        )
