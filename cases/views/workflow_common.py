"""What every workflow view does the same way: fetch in scope, check the role, run the
service, say what happened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from audit.log import record
from audit.models import Action
from cases.forms_workflow import apply_errors
from cases.models import Child


def require(allowed: bool) -> None:
    """403 for a user who may open the case but not do this."""
    if not allowed:
        raise PermissionDenied


def back_to_case(child: Child) -> HttpResponse:
    return redirect(child.get_absolute_url() + "#workflow")


def form_action(
    request,
    child: Child,
    form,
    run: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    submit: str,
    success: str,
    intro: str = "",
    danger: bool = False,
    redirect_to: Callable[[], HttpResponse] | None = None,
) -> HttpResponse:
    """GET shows the form; a valid POST runs the service and goes back to the case."""
    if request.method == "GET":
        # The page shows the child's name, risk and stage: a look at the case (roles.md).
        record(
            request.user,
            Action.VIEW_CASE,
            obj=child,
            request=request,
            page=request.resolver_match.url_name,
        )
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect_to() if redirect_to else back_to_case(child)
    return render(
        request,
        "cases/workflow/form.html",
        {
            "child": child,
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro,
            "danger": danger,
        },
    )


def button_action(request, child: Child, run: Callable[[], Any], success: str) -> HttpResponse:
    """A POST without a form page (approve, cancel, revoke): errors come back as messages."""
    try:
        run()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return back_to_case(child)
