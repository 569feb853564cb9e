"""Recording follow-ups and the initial assessment; the list of overdue follow-ups."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from cases import permissions
from cases.access import get_case_for_user
from cases.forms_workflow import AssessmentForm, FollowUpForm
from cases.services import caseload
from cases.services.followups import record_follow_up
from cases.services.workflow import record_assessment
from lookups.models import County

from .workflow_common import form_action, require


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request, code: str):
    child = get_case_for_user(request.user, code, to_change=True)
    require(permissions.can_record_follow_up(request.user, child))
    form = FollowUpForm(request.POST or None, initial={"risk_level": child.risk_level})
    return form_action(
        request,
        child,
        form,
        lambda data: record_follow_up(child, request.user, **data, request=request),
        title=_("Record a follow-up"),
        submit=_("Record the follow-up"),
        success=_("The follow-up was recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment(request, code: str):
    child = get_case_for_user(request.user, code, to_change=True)
    require(permissions.can_assess(request.user, child))
    form = AssessmentForm(request.POST or None, initial={"risk_level": child.risk_level})
    return form_action(
        request,
        child,
        form,
        lambda data: record_assessment(child, request.user, **data, request=request),
        title=_("Initial assessment"),
        intro=_("Needs, strengths and the risk level confirmed after talking with the family."),
        submit=_("Record the assessment"),
        success=_("The assessment was recorded."),
    )


@login_required
@require_GET
def overdue(request):
    """Open cases of the user's scope whose next follow-up is past, the oldest first."""
    user = request.user
    cases = caseload.overdue_cases(user)
    county = worker = None
    if request.GET.get("county"):
        if not permissions.can_see_caseload_of(user, request.GET["county"]):
            raise PermissionDenied
        county = County.objects.filter(pk=request.GET["county"]).first()
        cases = cases.filter(current_county_id=request.GET["county"])
    if request.GET.get("worker", "").isdigit():
        worker = User.objects.filter(pk=request.GET["worker"]).first()
        if worker is None or not (
            worker == user or permissions.can_see_caseload_of(user, worker.county_id)
        ):
            raise PermissionDenied
        cases = cases.filter(caseload.carried_by(worker))
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/workflow/overdue.html",
        {"page": page, "today": timezone.localdate(), "county": county, "worker": worker},
    )
