"""Assigning a case to a worker (coordinators)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import permissions
from cases.access import get_case_for_user
from cases.forms_workflow import AssignForm
from cases.services.assignment import assign_case

from .workflow_common import form_action, require


@login_required
@require_http_methods(["GET", "POST"])
def assign(request, code: str):
    child = get_case_for_user(request.user, code, to_change=True)
    require(permissions.can_assign(request.user, child))
    form = AssignForm(request.POST or None, child=child, initial={"worker": child.assigned_to_id})
    return form_action(
        request,
        child,
        form,
        lambda data: assign_case(child, request.user, data["worker"], request=request),
        title=_("Assign the case"),
        intro=_("Only active field workers who may open the case are listed."),
        submit=_("Save the assignment"),
        success=_("The assignment was saved."),
    )
