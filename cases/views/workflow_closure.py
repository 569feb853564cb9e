"""Closing a case, approving or rejecting a closure, reopening."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import permissions
from cases.access import get_case_for_user
from cases.forms_workflow import CloseForm, DecisionNoteForm, ReopenForm
from cases.models import ClosureStatus
from cases.services.closure import (
    approve_closure,
    close_case,
    reject_closure,
    reopen_case,
    withdraw_closure,
)

from .workflow_common import button_action, form_action, require


@login_required
@require_http_methods(["GET", "POST"])
def close(request, code: str):
    child = get_case_for_user(request.user, code, to_change=True)
    require(permissions.can_close(request.user, child))
    needs_approval = permissions.closure_needs_approval(request.user, child)
    form = CloseForm(request.POST or None)
    return form_action(
        request,
        child,
        form,
        lambda data: close_case(child, request.user, **data, request=request),
        title=_("Ask to close the case") if needs_approval else _("Close the case"),
        intro=_("This is a high-risk case: a coordinator of the county approves its closure.")
        if needs_approval
        else _("Closing the case cancels its follow-up schedule."),
        submit=_("Ask for approval") if needs_approval else _("Close the case"),
        success=_("The request was sent to the county coordinator.")
        if needs_approval
        else _("The case was closed."),
        danger=not needs_approval,
    )


@login_required
@require_POST
def approve(request, code: str):
    child = get_case_for_user(request.user, code, to_change=True)
    require(permissions.can_approve_closure(request.user, child))
    return button_action(
        request,
        child,
        lambda: approve_closure(child, request.user, request=request),
        _("The closure was approved: the case is closed."),
    )


@login_required
@require_POST
def reject(request, code: str):
    child = get_case_for_user(request.user, code, to_change=True)
    require(permissions.can_approve_closure(request.user, child))
    form = DecisionNoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return button_action(
        request,
        child,
        lambda: reject_closure(child, request.user, note, request=request),
        _("The closure was rejected: the case stays open."),
    )


@login_required
@require_POST
def withdraw(request, code: str):
    child = get_case_for_user(request.user, code, to_change=True)
    pending = child.closure_requests.filter(status=ClosureStatus.PENDING).first()
    require(pending is None or permissions.can_withdraw_closure(request.user, pending))
    return button_action(
        request,
        child,
        lambda: withdraw_closure(child, request.user, request=request),
        _("The request to close the case was withdrawn."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def reopen(request, code: str):
    child = get_case_for_user(request.user, code, to_change=True)
    require(permissions.can_reopen(request.user, child))
    form = ReopenForm(request.POST or None)
    return form_action(
        request,
        child,
        form,
        lambda data: reopen_case(child, request.user, data["reason"], request=request),
        title=_("Reopen the case"),
        intro=_("The follow-up schedule restarts from today by the risk level."),
        submit=_("Reopen the case"),
        success=_("The case was reopened."),
    )
