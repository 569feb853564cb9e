"""Asking for emergency access to a case, and the coordinators' list and review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cases.models import Child, EmergencyAccess, ReviewStatus

from . import matches, services
from .forms import RequestForm, ReviewForm


def _case_for(form: RequestForm, request) -> Child | None:
    """The case asked for, by its typed code or the duplicate panel's token. Reaching
    outside visible_to is the point of breaking the glass; nothing about the case is shown
    before the grant exists."""
    code = form.cleaned_data.get("code") or matches.resolve(
        request, form.cleaned_data.get("match", "")
    )
    if not code:
        return None
    return Child.objects.cases().filter(code=code).first()


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def request_access(request):
    if not services.may_request(request.user):
        raise PermissionDenied
    form = RequestForm(request.POST or None, initial={"match": request.GET.get("match", "")})
    from_panel = bool(request.POST.get("match") or request.GET.get("match"))
    if request.method == "POST" and form.is_valid():
        child = _case_for(form, request)
        if child is None:
            if form.cleaned_data.get("code"):
                form.add_error("code", _("No case has this code. Check it with the county."))
            else:
                form.add_error(None, _("This link has expired: enter the case code."))
        elif Child.objects.visible_to(request.user).filter(pk=child.pk).exists():
            messages.info(request, _("You can already open this case."))
            return redirect(child.get_absolute_url())
        else:
            try:
                grant = services.grant_emergency_access(
                    request.user,
                    child,
                    form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error("reason", exc)
            else:
                messages.warning(
                    request,
                    _(
                        "Emergency access granted until %(time)s, read only. The county's "
                        "coordinator has been told."
                    )
                    % {"time": _local_time(grant.expires_at)},
                )
                return redirect(child.get_absolute_url())
    return render(
        request,
        "emergency/request.html",
        {"form": form, "from_panel": from_panel},
        status=400 if form.is_bound and form.errors else 200,
    )


def _local_time(value) -> str:
    from django.utils import formats, timezone

    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _listed(request):
    if not request.user.is_coordinator:
        raise PermissionDenied
    return EmergencyAccess.objects.listed_for(request.user).select_related(
        "user", "child", "county", "reviewed_by"
    )


@login_required
@never_cache
@require_GET
def grant_list(request):
    """Coordinators: the emergency accesses to their county's cases (country: all), those
    to review first."""
    grants = (
        _listed(request)
        .annotate(
            to_review=Case(
                When(review_status=ReviewStatus.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("to_review", "-granted_at", "-id")
    )
    page = Paginator(grants, 50).get_page(request.GET.get("page"))
    return render(request, "emergency/list.html", {"page": page, "grants": page.object_list})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def review(request, code: str):
    grant = get_object_or_404(_listed(request), code=code)
    if not services.may_review(request.user, grant):
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_emergency_access(
                grant,
                request.user,
                form.cleaned_data["decision"],
                form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Review saved."))
            return redirect("emergency:list")
    return render(
        request,
        "emergency/review.html",
        {"grant": grant, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
