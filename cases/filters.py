"""The filters and the name search of the case list (django-filter).

Choices are the lookup codes with their labels in the active language, set when the
filter set is built for a request. The assigned-worker choices are the users the viewer
may see, never everybody.
"""

from __future__ import annotations

import re
from functools import cached_property
from types import SimpleNamespace

import django_filters
from django import forms
from django.db import connection, transaction
from django.db.models import BooleanField, Case, F, FloatField, Func, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from cases.models import CaseStatus, Child, NameKey, WorkflowStage
from cases.models.in_array import InArrayOf
from cases.names import name_key
from lookups import registry, shared_tokens

CODE_RE = re.compile(r"^\s*C-[0-9A-Z]{7}\s*$", re.IGNORECASE)
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25


class WordSimilar(Func):
    """key %> 'query': pg_trgm word similarity above the threshold (GIN-indexed).

    Written as a Func because django.contrib.postgres (which registers the lookup)
    is not an installed app.
    """

    arg_joiner = " %%> "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class TrigramWordSimilarity(Func):
    function = "word_similarity"
    output_field = FloatField()


def search_names(qs, text: str):
    """Cases whose name key holds every word key of the text; on PostgreSQL also those
    close to it (typos), ranked by trigram word similarity."""
    key = name_key(text)
    words = key.split()
    if not words:
        return qs.none()
    contains_all = _contains_all("name_key", words)
    if connection.vendor != "postgresql":
        return qs.filter(contains_all)
    # The test runs on the distinct keys (20,184 for a million cases); a key is in NameKey
    # exactly when a case holds it (cases/migrations/0012), so the same cases are found.
    # The keys found are one array (InArrayOf), by which PostgreSQL reads the cases
    # through the key's b-tree together with the scope's indexes, or filters a small
    # scope. As a join, the planner (estimating 30 keys where "ivan" finds 1,088) read a
    # field worker's scope once per key (issue 14).
    keys = (
        NameKey.objects.filter(_contains_all("key", words) | Q(WordSimilar(F("key"), Value(key))))
        .order_by()
        .values("key")
    )
    rank = TrigramWordSimilarity(Value(key), F("name_key"))
    return qs.filter(InArrayOf(F("name_key"), keys)).annotate(name_rank=rank)


def _contains_all(field: str, words: list[str]) -> Q:
    # Keys are lowercase ASCII: a case-sensitive LIKE, which the trigram index serves.
    found = Q()
    for word in words:
        found &= Q(**{f"{field}__contains": word})
    return found


SORTS = {
    "-registration_date": (_("Newest registrations first"), ["-registration_date", "-id"]),
    "registration_date": (_("Oldest registrations first"), ["registration_date", "id"]),
    "name": (_("Name"), ["last_name", "first_name", "id"]),
    "risk": (_("Highest risk first"), ["risk_rank", "-registration_date", "-id"]),
    "next_follow_up": (
        _("Next follow-up first"),
        [F("next_follow_up_due").asc(nulls_last=True), "id"],
    ),
}
DEFAULT_SORT = "-registration_date"


def assignable_users(viewer: User):
    """Users the viewer may pick as 'assigned worker': their county's, or all for the nation."""
    qs = User.objects.filter(is_active=True).exclude(role=Role.COUNTRY_COORDINATOR)
    if not viewer.is_country_coordinator:
        qs = qs.filter(county_id=viewer.county_id)
    # The names only: a county has a few hundred users, read on every visit of the list.
    return qs.order_by("last_name", "first_name", "username").only(
        "pk", "username", "first_name", "last_name"
    )


# The filters are kept rendered with the assigned-worker choices
# (cases.views.case_list.filters_key): a save or deletion of any user renews this token.
USERS_VERSION_KEY = "case-filters:users"


def users_version() -> str | None:
    return shared_tokens.current(USERS_VERSION_KEY)


def users_changed(update_fields=None, **_kwargs) -> None:
    """Connected to User's post_save and post_delete (cases/apps.py): renewed at once, so
    that this process shows the change, and after the commit, so that no page rendered
    meanwhile by another process from the rows before it is kept. A login's save of
    last_login changes no choice: the filters of an office signing in stay kept."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    shared_tokens.renew(USERS_VERSION_KEY)
    transaction.on_commit(lambda: shared_tokens.renew(USERS_VERSION_KEY))


def _lookup_choices(list_name: str):
    """The choices of a lookup list, read in the active language when the form uses them.
    A function, not a bound method or a partial: the form deep-copies its fields' choices,
    and a function is copied as it is."""

    def choices() -> list[tuple[str, str]]:
        found = registry.choices(list_name, None)
        return sorted(found, key=lambda c: c[1]) if list_name == "county" else found

    return choices


def _full_name(first_name: str, last_name: str) -> str:
    """A user's full name as User.get_full_name writes it, from the two names alone."""
    return User.get_full_name(SimpleNamespace(first_name=first_name, last_name=last_name))


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Name or case code"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    current_county = django_filters.ChoiceFilter(label=_("Current county"))
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("Status"))
    workflow_stage = django_filters.ChoiceFilter(
        choices=WorkflowStage.choices, label=_("Workflow stage")
    )
    risk_level = django_filters.ChoiceFilter(label=_("Risk level"))
    uasc_status = django_filters.ChoiceFilter(label=_("Accompanied, separated or unaccompanied"))
    protection_concern = django_filters.ChoiceFilter(
        field_name="protection_concerns", label=_("Protection concern")
    )
    # Plain choices read once per request (not a ModelChoiceField, whose rendering and
    # validation query the users again).
    assigned_to = django_filters.ChoiceFilter(label=_("Assigned worker"))
    registered_from = django_filters.DateFilter(
        field_name="registration_date",
        lookup_expr="gte",
        label=_("Registered from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    registered_to = django_filters.DateFilter(
        field_name="registration_date",
        lookup_expr="lte",
        label=_("Registered until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Follow-up overdue"),
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Child
        fields: list[str] = []

    # Filters whose values are written to the audit event of a search (codes only).
    AUDITED = (
        "current_county",
        "status",
        "workflow_stage",
        "risk_level",
        "uasc_status",
        "protection_concern",
        "registered_from",
        "registered_to",
        "overdue",
    )

    def __init__(self, data=None, *args, user: User, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        # Choices as callables, read when the form checks or shows them: the case list
        # keeps most selects rendered (cases.views.case_list.filters_key) and a plain
        # list checks none.
        for name, list_name in (
            ("current_county", "county"),
            ("risk_level", "risk_level"),
            ("uasc_status", "uasc_status"),
            ("protection_concern", "protection_concern"),
        ):
            self.filters[name].extra["choices"] = _lookup_choices(list_name)
        for name in (
            "current_county",
            "status",
            "workflow_stage",
            "risk_level",
            "uasc_status",
            "protection_concern",
            "assigned_to",
        ):
            self.filters[name].extra["empty_label"] = _("All")
        self.filters["assigned_to"].extra["choices"] = lambda: [
            (str(pk), _full_name(first, last) or username)
            for pk, username, first, last in self._users
        ]

    @cached_property
    def _users(self) -> list[tuple[int, str, str, str]]:
        # As values, not users: 148 user objects for a Suceava worker cost 4 ms a list.
        return list(
            assignable_users(self.user).values_list("pk", "username", "first_name", "last_name")
        )

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        if CODE_RE.match(value):
            return qs.filter(code=value.strip().upper())
        return search_names(qs, value)

    def filter_overdue(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(status=CaseStatus.OPEN, next_follow_up_due__lt=timezone.localdate())

    def active_filters(self) -> dict[str, str]:
        """The codes of the filters in use, for the audit log: never the typed name."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        data = self.form.cleaned_data
        used = {}
        for name in self.AUDITED:
            value = data.get(name)
            if value in (None, "", False):
                continue
            used[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        if data.get("assigned_to"):
            usernames = {str(pk): username for pk, username, _first, _last in self._users}
            used["assigned_to"] = usernames.get(data["assigned_to"], "")
        return used


def risk_rank():
    return Case(
        When(risk_level="high", then=Value(0)),
        When(risk_level="medium", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def sort_cases(qs, sort: str, *, searching: bool):
    """Order the list. A name search without a chosen order lists the closest names first."""
    if sort not in SORTS:
        sort = ""
    if not sort and searching and "name_rank" in qs.query.annotations:
        return qs.order_by("-name_rank", "-registration_date", "-id")
    sort = sort or DEFAULT_SORT
    if sort == "risk":
        qs = qs.annotate(risk_rank=risk_rank())
    return qs.order_by(*SORTS[sort][1])
