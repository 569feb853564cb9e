"""The case list: the worker's own cases, the county's or the nation's, by role."""

from __future__ import annotations

import secrets

from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.log import record
from audit.models import Action
from cases.filters import (
    CODE_RE,
    DEFAULT_PAGE_SIZE,
    PAGE_SIZES,
    SORTS,
    CaseFilter,
    sort_cases,
    users_version,
)
from cases.models import Child
from cases.pagination import COUNT_CAP, CappedPaginator
from lookups import registry

# Query-string keys that are not filters: changing them is not a new search.
_NOT_FILTERS = {"page", "per_page", "sort"}
# The typed name never travels in the URL (server logs, browser history, Referer): the
# form is POSTed, the text kept in the session under an opaque id, and the list shown
# at ?s=<id> with the filters of codes (which dashboards link to) in the query string.
SEARCHES_KEY = "case_list_searches"
SEARCHES_KEPT = 20
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


def _stash_search(request, text: str) -> str:
    """Keep the typed text in the session; return its opaque id."""
    searches = dict(request.session.get(SEARCHES_KEY, {}))
    for sid, kept in searches.items():
        if kept == text:
            return sid
    sid = secrets.token_urlsafe(9)
    searches[sid] = text
    while len(searches) > SEARCHES_KEPT:
        searches.pop(next(iter(searches)))
    request.session[SEARCHES_KEY] = searches
    return sid


def _redirect_without_name(request, data: QueryDict):
    """Redirect to the list with the filters in the URL and the typed text behind ?s=."""
    query = QueryDict(mutable=True)
    for key in data:
        if key in ("q", "s", "csrfmiddlewaretoken"):
            continue
        values = [v for v in data.getlist(key) if v]
        if values:
            query.setlist(key, values)
    text = (data.get("q") or "").strip()
    if text:
        query["s"] = _stash_search(request, text)
    url = reverse("cases:list")
    return redirect(f"{url}?{query.urlencode()}" if query else url)


def filters_key(user, data: QueryDict, more_filters_used: bool) -> str | None:
    """What the filters but the name look like when none is chosen: the language, where
    the role puts the county, the assigned workers offered (the county's, or the
    nation's), the lookups and the users. The page keeps them rendered under this key:
    building and rendering the filter form cost a third of the list. None: render them
    (a filter chosen, or a version unknown while the shared cache is unreachable)."""
    if more_filters_used or any(data.get(name) for name in CaseFilter.base_filters if name != "q"):
        return None
    lookups, users = registry.version(), users_version()
    if lookups is None or users is None:
        return None
    workers = "*" if user.is_country_coordinator else str(user.county_id)
    return ":".join((get_language(), str(user.is_field_worker), workers, lookups, users))


def _filter_data(request) -> tuple[QueryDict, bool]:
    """The GET filters with the stashed search text put back; False if it expired."""
    data = request.GET.copy()
    sid = data.pop("s", [""])[-1]
    if not sid:
        return data, True
    text = request.session.get(SEARCHES_KEY, {}).get(sid)
    if text:
        data["q"] = text
    return data, bool(text)


# What a row of the list shows (cases/case_list.html): a case has some 70 columns, and
# reading them all for every row of every page cost more than the rest of the page.
ROW_FIELDS = (
    "code",
    "first_name",
    "last_name",
    "age_group",
    "current_county__name",
    "risk_level",
    "workflow_stage",
    "status",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "assigned_to__username",
    "next_follow_up_due",
    "registration_date",
)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def case_list(request):
    user = request.user
    if request.method == "POST" or "q" in request.GET:
        # From the form, or an old link or bookmark holding ?q=: the name leaves the URL.
        return _redirect_without_name(
            request, request.POST if request.method == "POST" else request.GET
        )
    data, search_found = _filter_data(request)
    bound = any(v for k, v in data.items() if k not in _NOT_FILTERS)
    filterset = CaseFilter(
        data if bound else None, queryset=Child.objects.visible_to(user), user=user
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
    elif user.is_field_worker:
        # A field worker's list is their caseload (a few thousand cases at most): its ids
        # read once, in order, rather than counted and then paged, two reads of every case.
        head = list(ids_qs[: COUNT_CAP + 1])
        if len(head) <= COUNT_CAP:
            ids_qs = head  # the whole list; beyond the cap, counted and paged as any list
    # Counted up to a cap: a national list's exact COUNT(*) cost more than the page.
    paginator = CappedPaginator(ids_qs, _page_size(request), cap=COUNT_CAP)
    page = paginator.get_page(data.get("page"))
    ids = list(page.object_list)
    rows = (
        Child.objects.filter(pk__in=ids)
        .select_related("current_county", "assigned_to")
        .only(*ROW_FIELDS)
    )
    by_id = {child.pk: child for child in rows}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]

    if bound and data.get("page", "1") in ("", "1"):
        q = (
            (filterset.form.cleaned_data.get("q") or "").strip()
            if filterset.form.is_valid()
            else ""
        )
        details = {"filters": filterset.active_filters(), "results": paginator.count}
        if truncated:
            details["truncated"] = True
        if paginator.capped:
            details["results_capped"] = True
        if q:
            # The kind of search only: a typed name is personal data, a case code is not.
            if CODE_RE.match(q):
                details["case_code"] = q.upper()
            else:
                details["name_search"] = True
        record(user, Action.SEARCH, county_code=user.county_id, request=request, **details)

    more_filters_used = (
        any(request.GET.get(k) for k in _MORE_FILTERS)
        or sort in SORTS
        or paginator.per_page != DEFAULT_PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "filter": filterset,
        "page": page,
        "paginator": paginator,
        "today": timezone.localdate(),
        "sort_query": sort_query.urlencode(),
        "sort": sort if sort in SORTS else "",
        "sorts": [(key, label) for key, (label, _order) in SORTS.items()],
        "page_sizes": PAGE_SIZES,
        "page_size": paginator.per_page,
        "searching": searching,
        "bound": bound,
        "truncated": truncated,
        "search_limit": SEARCH_LIMIT,
        "search_expired": not search_found,
        "more_filters_used": more_filters_used,
        "filters_key": filters_key(user, data, more_filters_used),
    }
    return render(request, "cases/case_list.html", context)
