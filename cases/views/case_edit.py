"""Editing one section of a case, refused (never silently overwritten) when stale."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.log import record
from audit.models import Action
from cases import permissions
from cases.access import get_case_for_user
from cases.forms_edit import SECTION_FORMS, SECTIONS, merged_after_conflict
from cases.history import changes_since
from cases.services.editing import StaleCase, update_case


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def case_edit(request, code: str, section: str):
    child = get_case_for_user(request.user, code, to_change=True)
    form_class = SECTION_FORMS.get(section.upper())
    if form_class is None:
        raise Http404
    if not permissions.can_change(request.user, child):
        raise PermissionDenied
    conflict = []
    if request.method == "POST":
        form = form_class(request.POST, child=child)
        if form.is_valid():
            try:
                changes = update_case(
                    child,
                    form.changes(),
                    request.user,
                    form.cleaned_data["version"],
                    request=request,
                )
            except StaleCase as stale:
                conflict = changes_since(stale.child, stale.expected_version)
                # The case as saved now with the user's own changes kept: saving again
                # never puts back, unseen, what a colleague changed meanwhile.
                form = merged_after_conflict(form, stale.child)
            else:
                if changes:
                    messages.success(request, _("The case was saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect(f"{child.get_absolute_url()}#section-{form_class.section}")
    else:
        form = form_class(child=child)
        # The form shows the case as it is: opening it is a look at the case (roles.md).
        record(
            request.user,
            Action.VIEW_CASE,
            obj=child,
            request=request,
            page="edit",
            section=form_class.section,
        )
    title = SECTIONS[form_class.section][0]
    return render(
        request,
        "cases/case_edit.html",
        {
            "child": child,
            "form": form,
            "title": title,
            "conflict": conflict,
            "section": form_class.section,
        },
        status=409 if conflict else 200,
    )
