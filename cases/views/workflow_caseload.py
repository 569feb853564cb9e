"""The caseload review (roles.md): own row, per worker of a county, or per county."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cases.services import caseload
from lookups.models import County


@login_required
@never_cache
@require_GET
def caseload_review(request):
    user = request.user
    asked = request.GET.get("county") or None
    county = None
    # Another county's review does not exist for a county user (404, as for its cases);
    # a field worker asking for their own county's rows may not see them (403).
    if asked and not user.is_country_coordinator and asked != user.county_id:
        raise Http404
    if user.is_field_worker:
        if asked:
            raise PermissionDenied  # a field worker sees their own row only
        mode, rows = "own", [caseload.own_row(user)]
    elif user.is_county_coordinator:
        county = user.county
        mode, rows = "workers", caseload.rows_per_worker(user.county_id)
    elif asked:
        county = get_object_or_404(County, pk=asked)
        mode, rows = "workers", caseload.rows_per_worker(county.pk)
    else:
        mode, rows = "counties", caseload.rows_per_county()
    return render(
        request,
        "cases/workflow/caseload.html",
        {
            "mode": mode,
            "rows": rows,
            "total": caseload.total(rows),
            "county": county,
            "stale_days": caseload.STALE_DAYS,
        },
    )
