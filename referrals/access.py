"""Who may see and manage referrals and providers (roles.md).

A referral belongs to its case: it exists for a user exactly when the case does.
The provider directory is read by everybody and managed by coordinators in their scope.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from cases import permissions
from cases.models import Child

from .models import Referral, ServiceProvider


def referrals_visible_to(user):
    """Referrals of the cases this user may open; never any other scope."""
    return Referral.objects.filter(child__in=Child.objects.visible_to(user))


def get_referral_for_user(user, code: str, *, to_change: bool = False) -> Referral:
    """The same 404 for a missing referral and for one of a case the user may not open;
    to_change: 403 for a case opened only through an emergency grant (read only)."""
    referral = get_object_or_404(
        referrals_visible_to(user).select_related("child", "provider", "child__current_county"),
        code=code,
    )
    if to_change and permissions.read_only(user, referral.child):
        raise PermissionDenied
    return referral


def may_manage_providers(user) -> bool:
    """County and country coordinators manage the directory (in their scope)."""
    return user.is_authenticated and user.is_coordinator


def may_manage_provider(user, county_code: str | None) -> bool:
    return may_manage_providers(user) and user.coordinates_county(county_code)


def get_provider_to_manage(user, code: str) -> ServiceProvider:
    """The directory is public to users, so a provider out of scope is 403, not 404."""
    provider = get_object_or_404(ServiceProvider, code=code)
    if not may_manage_provider(user, provider.county_id):
        raise PermissionDenied
    return provider
