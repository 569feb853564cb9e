"""User management in the browser (roles.md, "manage users"): county coordinators manage the
field workers of their county, the country coordinator everyone, field workers nobody.

Who may be managed is User.objects.manageable_by; a user outside it answers 404, as if it
did not exist. Field workers get 403 on every page. Changes go through accounts.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services, two_factor
from .forms import UserCreateForm, UserEditForm, UserFilterForm, UserPasswordForm
from .models import User

PAGE_SIZE = 50


def _require_manager(viewer) -> None:
    if not viewer.may_manage_users:
        raise PermissionDenied


def get_user_for_manager(viewer, username: str) -> User:
    """The user `viewer` may manage, or 404: the same answer for missing and not-yours."""
    _require_manager(viewer)
    return get_object_or_404(
        User.objects.manageable_by(viewer).select_related("county"), username=username
    )


@login_required
@never_cache
@require_GET
def user_list(request):
    _require_manager(request.user)
    form = UserFilterForm(request.GET or None, actor=request.user)
    users = User.objects.manageable_by(request.user).select_related("county")
    users = form.filter(users).order_by("username")
    paginator = Paginator(users, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    locked = services.locked_out_usernames([user.username for user in page.object_list])
    return render(
        request,
        "accounts/users/user_list.html",
        {
            "form": form,
            "page": page,
            "paginator": paginator,
            "locked": locked,
        },
    )


@login_required
@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def user_create(request):
    _require_manager(request.user)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                data["username"],
                data["password1"],
                data["role"],
                form.county_code,
                organisation=data["organisation"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("User %(username)s created.") % {"username": user.username})
            return redirect("user_detail", username=user.username)
    return render(request, "accounts/users/user_form.html", {"form": form, "target": None})


@login_required
@never_cache
@require_GET
def user_detail(request, username: str):
    target = get_user_for_manager(request.user, username)
    return render(
        request,
        "accounts/users/user_detail.html",
        {
            "target": target,
            "failures": services.recent_login_failures(target.username),
            "locked": bool(services.locked_out_usernames([target.username])),
            "is_self": target.pk == request.user.pk,
            "two_factor": two_factor.status(target),
            "may_reset_two_factor": two_factor.may_reset(request.user, target),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def user_edit(request, username: str):
    target = get_user_for_manager(request.user, username)
    form = UserEditForm(
        request.POST or None, actor=request.user, initial=UserEditForm.initial_from(target)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_user(
                request.user,
                target,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                organisation=data["organisation"],
                role=data["role"],
                county_code=form.county_code,
                request=request,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("User %(username)s saved.") % {"username": target.username})
            return redirect("user_detail", username=target.username)
    return render(request, "accounts/users/user_form.html", {"form": form, "target": target})


@login_required
@require_POST
def user_set_active(request, username: str):
    target = get_user_for_manager(request.user, username)
    active = request.POST.get("active")
    if active not in ("0", "1"):
        return HttpResponseBadRequest()
    try:
        services.set_active(request.user, target, active == "1", request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if target.is_active:
            text = _("User %(username)s reactivated: they can log in again.")
        else:
            text = _("User %(username)s deactivated: they can no longer log in.")
        messages.success(request, text % {"username": target.username})
    return redirect("user_detail", username=target.username)


@login_required
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def user_password(request, username: str):
    target = get_user_for_manager(request.user, username)
    form = UserPasswordForm(target, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password_for(
                request.user, target, form.cleaned_data["new_password1"], request=request
            )
        except ValidationError as exc:
            form.add_error("new_password2", exc.messages)
        else:
            if target.pk == request.user.pk:
                # The country coordinator on their own page: keep this session open.
                update_session_auth_hash(request, target)
            messages.success(
                request,
                _("New password set for %(username)s: give it to them in person.")
                % {"username": target.username},
            )
            return redirect("user_detail", username=target.username)
    return render(request, "accounts/users/user_password.html", {"form": form, "target": target})


@login_required
@require_POST
def user_unlock(request, username: str):
    target = get_user_for_manager(request.user, username)
    services.unlock_user(request.user, target, request=request)
    messages.success(
        request,
        _("Failed logins of %(username)s cleared: they may try again.")
        % {"username": target.username},
    )
    return redirect("user_detail", username=target.username)


@login_required
@require_POST
def user_reset_two_factor(request, username: str):
    """The country coordinator removes a user's phone and backup codes (a lost phone)."""
    target = get_user_for_manager(request.user, username)
    if not two_factor.may_reset(request.user, target):
        raise PermissionDenied
    two_factor.reset(request.user, target, request=request)
    messages.success(
        request,
        _(
            "Two-step login of %(username)s reset: they set up their phone again at their next login."
        )
        % {"username": target.username},
    )
    return redirect("user_detail", username=target.username)
