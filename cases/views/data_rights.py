"""The family's rights on the case page: anonymisation on request, subject access."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.log import record
from audit.models import Action
from cases import permissions, subject_access
from cases.access import get_case_for_user
from cases.forms_data_rights import AnonymisationRequestForm
from cases.models import AnonymisationRequest
from cases.services.anonymisation import (
    approve_anonymisation,
    refuse_anonymisation,
    request_anonymisation,
)

from .workflow_common import button_action, form_action, require


@login_required
@require_http_methods(["GET", "POST"])
def anonymise(request, code: str):
    child = get_case_for_user(request.user, code)
    require(permissions.can_request_anonymisation(request.user, child))
    form = AnonymisationRequestForm(request.POST or None)
    return form_action(
        request,
        child,
        form,
        lambda data: request_anonymisation(child, request.user, data["reason"], request=request),
        title=_("Ask to anonymise the case"),
        intro=_(
            "The country coordinator approves. Then the names, contacts, documents, "
            "addresses and every note of the case are removed for good; the statistics "
            "keep counting it."
        ),
        submit=_("Ask for approval"),
        success=_("The request was sent to the country coordinator."),
        danger=True,
    )


def _decide(request, code: str, run, success: str):
    child = get_case_for_user(request.user, code)
    pending = child.anonymisation_requests.pending().first()
    require(pending is None or permissions.can_decide_anonymisation(request.user, pending))
    return button_action(request, child, lambda: run(child, request.user, request=request), success)


@login_required
@require_POST
def approve(request, code: str):
    return _decide(
        request,
        code,
        approve_anonymisation,
        _("The case was anonymised: its personal data is gone."),
    )


@login_required
@require_POST
def refuse(request, code: str):
    return _decide(request, code, refuse_anonymisation, _("The request to anonymise was refused."))


@login_required
@never_cache
@require_GET
def requests(request):
    """The requests waiting for the country coordinator."""
    if not request.user.is_country_coordinator:
        raise PermissionDenied
    pending = (
        AnonymisationRequest.objects.pending()
        .select_related("child", "child__current_county", "requested_by")
        .order_by("requested_at")
    )
    return render(request, "cases/anonymisation_requests.html", {"pending": pending})


@login_required
@never_cache
@require_GET
def subject_access_export(request, code: str, fmt: str):
    child = get_case_for_user(request.user, code)
    require(permissions.can_export_subject_access(request.user, child))
    if fmt not in ("pdf", "json"):
        raise Http404
    language = request.GET.get("language", "")
    if language not in subject_access.LANGUAGES:
        language = (
            request.LANGUAGE_CODE if request.LANGUAGE_CODE in subject_access.LANGUAGES else "ro"
        )
    document = subject_access.build(child, language)
    if fmt == "pdf":
        data, content_type = subject_access.to_pdf(document), "application/pdf"
    else:
        data, content_type = subject_access.to_json(document), "application/json"
    record(
        request.user,
        Action.EXPORT,
        obj=child,
        request=request,
        export="subject_access",
        format=fmt,
        language=language,
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{child.code}-subject-access.{fmt}"'
    return response
