"""The to-do lists of issue 12, one page per list (the home page shows their first rows)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cases import todo
from cases.pagination import OneQueryPaginator
from lookups.models import County


@login_required
@never_cache
@require_GET
def todo_section(request, section: str):
    user = request.user
    spec = todo.SECTIONS.get(section)
    if spec is None:
        raise Http404
    asked = request.GET.get("county") or None
    # Another county's list does not exist for a county user (404, as its cases); a list of
    # another role is refused (403).
    if asked and not user.is_country_coordinator and asked != user.county_id:
        raise Http404
    if user.role not in spec.roles:
        raise PermissionDenied
    county = get_object_or_404(County, pk=asked) if asked else None
    rows = spec.rows(user, county.pk if county and user.is_country_coordinator else None)
    page = OneQueryPaginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/todo/section.html",
        {"section": spec, "page": page, "rows": page.object_list, "county": county},
    )
