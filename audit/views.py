"""Browsing the audit log: coordinators within their scope; read-only, there is no other view."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .details import readable_details
from .models import Action, AuditEvent

PAGE_SIZE = 50


def may_browse_audit(user) -> bool:
    """roles.md: county coordinators their county's records, the country coordinator all."""
    return user.is_authenticated and user.is_coordinator


class AuditFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=Action.choices, label=_("Action"))
    username = django_filters.CharFilter(label=_("User name"))
    object_code = django_filters.CharFilter(method="filter_code", label=_("Case code"))
    date_from = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_code(self, qs, name, value):
        value = (value or "").strip().upper()
        return qs.filter(object_code=value) if value else qs


@login_required
@never_cache
@require_GET
def audit_list(request):
    if not may_browse_audit(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.visible_to(request.user).select_related("county")
    filterset = AuditFilter(request.GET or None, queryset=events)
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    readable_details(list(page.object_list))
    return render(
        request,
        "audit/audit_list.html",
        {"filter": filterset, "page": page, "paginator": paginator},
    )
