"""Sharing one case with one user of another county."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from cases import permissions
from cases.access import get_case_for_user
from cases.forms_workflow import ShareForm, UserIdForm
from cases.services.sharing import share_case, unshare_case

from .workflow_common import back_to_case, button_action, form_action, require


@login_required
@require_http_methods(["GET", "POST"])
def share(request, code: str):
    child = get_case_for_user(request.user, code, to_change=True)
    require(permissions.can_share(request.user, child))
    form = ShareForm(request.POST or None, child=child)
    return form_action(
        request,
        child,
        form,
        lambda data: share_case(child, request.user, data["user"], request=request),
        title=_("Share the case with a user of another county"),
        intro=_("The user will be able to open this case (and only this one) until you revoke it."),
        submit=_("Share"),
        success=_("The case was shared."),
    )


@login_required
@require_POST
def unshare(request, code: str):
    child = get_case_for_user(request.user, code, to_change=True)
    require(permissions.can_manage_shares(request.user, child))
    form = UserIdForm(request.POST)
    target = User.objects.filter(pk=form.cleaned_data["user"]).first() if form.is_valid() else None
    if target is None:
        return back_to_case(child)
    return button_action(
        request,
        child,
        lambda: unshare_case(child, request.user, target, request=request),
        _("The share was revoked."),
    )
