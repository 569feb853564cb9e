"""The case list: the worker's own cases, the county's or the nation's, by role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.log import record
from audit.models import Action
from cases.filters import (
    CODE_RE,
    DEFAULT_PAGE_SIZE,
    PAGE_SIZES,
    SORTS,
    CaseFilter,
    sort_cases,
)
from cases.models import Child

# Query-string keys that are not filters: changing them is not a new search.
_NOT_FILTERS = {"page", "per_page", "sort"}
# A name search lists at most this many of the closest matches.
SEARCH_LIMIT = 2000
# Filters folded away under "More filters" unless in use.
_MORE_FILTERS = (
    "uasc_status",
    "protection_concern",
    "assigned_to",
    "registered_from",
    "registered_to",
)


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


@login_required
@never_cache
@require_GET
def case_list(request):
    user = request.user
    bound = any(v for k, v in request.GET.items() if k not in _NOT_FILTERS)
    filterset = CaseFilter(
        request.GET if bound else None, queryset=Child.objects.visible_to(user), user=user
    )
    searching = bool(bound and filterset.form.is_valid() and filterset.form.cleaned_data.get("q"))
    sort = request.GET.get("sort", "")
    qs = sort_cases(filterset.qs, sort, searching=searching)
    # A deferred join: page through ids only (an index-only scan, even deep in the list),
    # then read the 10-100 rows of the page by primary key.
    ids_qs = qs.values_list("pk", flat=True)
    truncated = False
    if searching:
        # One trigram scan instead of two (COUNT, then the page): the ids of the closest
        # matches, ranked, read once.
        ids_qs = list(ids_qs[: SEARCH_LIMIT + 1])
        truncated = len(ids_qs) > SEARCH_LIMIT
        ids_qs = ids_qs[:SEARCH_LIMIT]
    paginator = Paginator(ids_qs, _page_size(request))
    page = paginator.get_page(request.GET.get("page"))
    ids = list(page.object_list)
    rows = Child.objects.filter(pk__in=ids).select_related("current_county", "assigned_to")
    by_id = {child.pk: child for child in rows}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]

    if bound and request.GET.get("page", "1") in ("", "1"):
        q = (
            (filterset.form.cleaned_data.get("q") or "").strip()
            if filterset.form.is_valid()
            else ""
        )
        details = {"filters": filterset.active_filters(), "results": paginator.count}
        if truncated:
            details["truncated"] = True
        if q:
            # The kind of search only: a typed name is personal data, a case code is not.
            if CODE_RE.match(q):
                details["case_code"] = q.upper()
            else:
                details["name_search"] = True
        record(user, Action.SEARCH, county_code=user.county_id, request=request, **details)

    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "filter": filterset,
        "page": page,
        "paginator": paginator,
        "today": timezone.localdate(),
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "sort": sort if sort in SORTS else "",
        "sorts": [(key, label) for key, (label, _order) in SORTS.items()],
        "page_sizes": PAGE_SIZES,
        "page_size": paginator.per_page,
        "searching": searching,
        "bound": bound,
        "truncated": truncated,
        "search_limit": SEARCH_LIMIT,
        "more_filters_used": (
            any(request.GET.get(k) for k in _MORE_FILTERS)
            or sort in SORTS
            or paginator.per_page != DEFAULT_PAGE_SIZE
        ),
    }
    return render(request, "cases/case_list.html", context)
