"""Referrals and the provider directory: every change is one of these functions.

Each is atomic, writes a history row (django-simple-history, with the acting user) and,
for referrals, an audit event (action REFERRAL, codes only: no names, no free text).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action
from cases.models import CaseStatus, Child
from cases.services.workflow import mark_referred
from lookups import registry

from .models import Referral, ReferralStatus, ServiceProvider

# Pending for longer than this, a referral is highlighted in the lists.
PENDING_ALERT_DAYS = 14
# Referrals into the special protection system are flagged to the county coordinator.
FLAGGED_SERVICE = "alternative_care"
FINAL_STATUSES = (ReferralStatus.DECLINED, ReferralStatus.COMPLETED)


# ---------------------------------------------------------------- providers


def offering(qs, service_type: str):
    """Providers of qs that offer service_type (JSON containment, with a SQLite fallback)."""
    if connection.features.supports_json_field_contains:
        return qs.filter(service_types__contains=[service_type])
    return offering_without_json_contains(qs, service_type)


def offering_without_json_contains(qs, service_type: str):
    """The SQLite fallback of offering(). values_list() ignores select_related(), which
    only() would refuse to combine with (the refer page runs on a select_related qs)."""
    pks = [pk for pk, types in qs.values_list("pk", "service_types") if service_type in types]
    return qs.filter(pk__in=pks)


@dataclass
class ProviderOptions:
    """The providers one may choose for a referral of this child to this service."""

    local: list[ServiceProvider] = field(default_factory=list)
    elsewhere: list[ServiceProvider] = field(default_factory=list)

    @property
    def allowed(self) -> list[ServiceProvider]:
        # Another county's provider only where nobody in the child's county offers it.
        return self.local or self.elsewhere


def provider_options(child: Child, service_type: str) -> ProviderOptions:
    active = offering(
        ServiceProvider.objects.filter(active=True).select_related("county"), service_type
    )
    local = list(active.filter(county_id=child.current_county_id))
    elsewhere = [] if local else list(active.exclude(county_id=child.current_county_id))
    elsewhere.sort(key=lambda p: (p.county.name, p.name))
    return ProviderOptions(local=local, elsewhere=elsewhere)


def _clean_provider_data(data: dict[str, Any]) -> dict[str, Any]:
    kind = data.get("kind") or ""
    if not registry.is_valid("provider_kind", kind):
        raise ValidationError(_("Unknown kind of provider."))
    services = list(dict.fromkeys(data.get("service_types") or []))
    if not services:
        raise ValidationError(_("Choose at least one service offered."))
    for code in services:
        if not registry.is_valid("service_type", code):
            raise ValidationError(_("Unknown service type."))
    data = dict(data)
    data["service_types"] = services
    return data


@transaction.atomic
def create_provider(data: dict[str, Any], user) -> ServiceProvider:
    """data: name, kind, county (code or County), service_types, address, phone, email,
    contact_person."""
    data = _clean_provider_data(data)
    county = data.pop("county")
    provider = ServiceProvider(**data, county_id=getattr(county, "pk", county))
    provider._history_user = user
    provider.save()
    return provider


@transaction.atomic
def update_provider(provider: ServiceProvider, data: dict[str, Any], user) -> ServiceProvider:
    data = _clean_provider_data(data)
    provider = ServiceProvider.objects.select_for_update().get(pk=provider.pk)
    for name, value in data.items():
        if name == "county":
            provider.county_id = getattr(value, "pk", value)
        else:
            setattr(provider, name, value)
    provider._history_user = user
    provider.save()
    return provider


@transaction.atomic
def set_provider_active(provider: ServiceProvider, active: bool, user) -> ServiceProvider:
    """Deactivate (or reactivate): an inactive provider is kept for past referrals but is
    no longer offered for new ones."""
    provider = ServiceProvider.objects.select_for_update().get(pk=provider.pk)
    if provider.active != active:
        provider.active = active
        provider._history_user = user
        provider.save(update_fields=["active"])
    return provider


# ---------------------------------------------------------------- consent


def may_share_with_providers(child: Child) -> bool:
    return child.consent_share_providers is True


@transaction.atomic
def record_provider_consent(child: Child, user, *, request=None) -> Child:
    """The child (or caregiver) has now agreed that referral data go to providers."""
    locked = Child.objects.select_for_update().get(pk=child.pk)
    if locked.consent_share_providers is not True:
        locked.consent_share_providers = True
        locked.version += 1
        locked.updated_by = user
        locked._history_user = user
        locked._change_reason = "consent_share_providers recorded"
        locked.save(
            update_fields=["consent_share_providers", "version", "updated_by", "updated_at"]
        )
        record(
            user,
            Action.CHANGE_CASE,
            obj=locked,
            request=request,
            field="consent_share_providers",
            value="yes",
        )
    child.consent_share_providers = True
    child.version = locked.version
    return locked


# ---------------------------------------------------------------- referrals


def _today() -> dt.date:
    return timezone.localdate()


def _check_provider(child: Child, service_type: str, provider: ServiceProvider) -> None:
    if not may_share_with_providers(child):
        raise ValidationError(
            _(
                "The child's consent to share data with service providers is not recorded: "
                "no provider can be chosen and nothing is sent to a provider."
            )
        )
    if not provider.active:
        raise ValidationError(_("This provider is no longer active."))
    if service_type not in provider.service_types:
        raise ValidationError(_("This provider does not offer this service."))
    if (
        provider.county_id != child.current_county_id
        and provider not in provider_options(child, service_type).allowed
    ):
        raise ValidationError(
            _(
                "A provider in the child's county offers this service: choose one of them. "
                "Providers of other counties can be chosen only where no provider of the "
                "child's county offers the service."
            )
        )


def _check_date(on: dt.date, not_before: dt.date, not_before_message: str) -> None:
    if on > _today():
        raise ValidationError(_("The date cannot be in the future."))
    if on < not_before:
        raise ValidationError(not_before_message)


def _audit(user, referral: Referral, event: str, request=None) -> None:
    record(
        user,
        Action.REFERRAL,
        obj=referral.child,
        request=request,
        event=event,
        referral=referral.code,
        service_type=referral.service_type,
        provider=referral.provider.code if referral.provider is not None else None,
        status=referral.status,
    )


@transaction.atomic
def create_referral(
    child: Child,
    user,
    *,
    service_type: str,
    reason: str = "",
    referred_on: dt.date | None = None,
    provider: ServiceProvider | None = None,
    request=None,
) -> Referral:
    """Refer the child to a service (and, with consent, to a provider)."""
    if not registry.is_valid("service_type", service_type):
        raise ValidationError(_("Unknown service type."))
    if child.anonymous or child.status == CaseStatus.CLOSED:
        raise ValidationError(_("This case is closed: no new referral can be made."))
    if child.anonymised_at is not None:
        raise ValidationError(_("This case was anonymised: nothing can be added to it."))
    referred_on = referred_on or _today()
    _check_date(
        referred_on,
        child.registration_date,
        _("The referral date cannot be before the registration date."),
    )
    if provider is not None:
        _check_provider(child, service_type, provider)
    referral = Referral(
        child=child,
        service_type=service_type,
        provider=provider,
        reason=reason,
        referred_on=referred_on,
        status=ReferralStatus.PENDING,
        created_by=user,
        updated_by=user,
    )
    referral._history_user = user
    referral.save()
    _audit(user, referral, "create", request)
    # A case with a referral is at least at the `referred` stage (the workflow owns stages).
    moved = mark_referred(child, user, request=request)
    child.workflow_stage, child.version = moved.workflow_stage, moved.version
    return referral


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("child", "provider")
        .get(pk=referral.pk)
    )


def _refuse_if_final(referral: Referral) -> None:
    if referral.status in FINAL_STATUSES:
        raise ValidationError(
            _("This referral is closed (declined or service provided): it can no longer change.")
        )


def _save(referral: Referral, user, fields: list[str]) -> None:
    referral.updated_by = user
    referral._history_user = user
    referral.save(update_fields=[*fields, "updated_by", "updated_at"])


@transaction.atomic
def set_provider(referral: Referral, provider: ServiceProvider, user, *, request=None) -> Referral:
    """Choose (or change) the provider of a referral that is still open."""
    referral = _locked(referral)
    _refuse_if_final(referral)
    _check_provider(referral.child, referral.service_type, provider)
    referral.provider = provider
    _save(referral, user, ["provider"])
    _audit(user, referral, "set_provider", request)
    return referral


@transaction.atomic
def accept_referral(
    referral: Referral, user, *, on: dt.date | None = None, request=None
) -> Referral:
    referral = _locked(referral)
    _refuse_if_final(referral)
    if referral.status != ReferralStatus.PENDING:
        raise ValidationError(_("Only a pending referral can be accepted."))
    on = on or _today()
    _check_date(
        on, referral.referred_on, _("The acceptance date cannot be before the referral date.")
    )
    referral.status = ReferralStatus.ACCEPTED
    referral.accepted_on = on
    _save(referral, user, ["status", "accepted_on"])
    _audit(user, referral, "accept", request)
    return referral


@transaction.atomic
def decline_referral(
    referral: Referral, user, *, on: dt.date | None = None, request=None
) -> Referral:
    referral = _locked(referral)
    _refuse_if_final(referral)
    if referral.status != ReferralStatus.PENDING:
        raise ValidationError(_("Only a pending referral can be declined."))
    on = on or _today()
    _check_date(
        on, referral.referred_on, _("The date of the refusal cannot be before the referral date.")
    )
    referral.status = ReferralStatus.DECLINED
    referral.closed_on = on
    _save(referral, user, ["status", "closed_on"])
    _audit(user, referral, "decline", request)
    return referral


@transaction.atomic
def complete_referral(
    referral: Referral, user, *, on: dt.date | None = None, request=None
) -> Referral:
    referral = _locked(referral)
    _refuse_if_final(referral)
    if referral.status != ReferralStatus.ACCEPTED:
        raise ValidationError(
            _("A referral must be accepted before the service can be recorded as provided.")
        )
    on = on or _today()
    _check_date(
        on,
        referral.accepted_on or referral.referred_on,
        _("The date the service was provided cannot be before the acceptance date."),
    )
    referral.status = ReferralStatus.COMPLETED
    referral.closed_on = on
    _save(referral, user, ["status", "closed_on"])
    _audit(user, referral, "complete", request)
    return referral


def record_summary_printed(referral: Referral, user, *, request=None) -> None:
    """The provider summary holds personal data: each look at it is audited."""
    _audit(user, referral, "summary", request)


def is_pending_too_long(referral: Referral, today: dt.date | None = None) -> bool:
    today = today or _today()
    return (
        referral.status == ReferralStatus.PENDING
        and (today - referral.referred_on).days > PENDING_ALERT_DAYS
    )
