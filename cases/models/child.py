"""The child: a case (with consent) or an anonymous statistical record (without).

Field names are the question codes of shared/spec/registration.md. Choice fields hold
the lookup codes; labels come from the lookups app.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import models
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.codes import FreshCodeOnClash, new_code

from .in_array import InArrayOf
from .tracked import TracksHistory


def _case_code() -> str:
    return new_code("C-")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class WorkflowStage(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ASSESSED = "assessed", _("Initial assessment done")
    REFERRED = "referred", _("Referred to services")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


class ChildQuerySet(models.QuerySet):
    def cases(self) -> ChildQuerySet:
        """Records with consent: anonymous statistical records are not cases."""
        return self.filter(anonymous=False)

    def visible_to(self, user, *, emergency: bool = True, shared: bool = True) -> ChildQuerySet:
        """The cases this user may open (roles.md, "cases they can open").

        The only place that knows that rule: lists, search, counts, exports and direct
        URLs all start here, so they agree. It includes the cases opened through an active
        emergency grant (cases.models.emergency), which may be read and nothing else;
        emergency=False leaves them out, for what a grant does not give (changes, exports);
        shared=False leaves out the cases shared one by one, for what a share does not give
        (a record-level export holds a coordinator's own county, roles.md).
        """
        qs = self.cases()
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return qs.none()
        if user.is_country_coordinator:
            return qs
        if user.is_county_coordinator:
            # Read the (short, usually empty) lists of shared and granted ids first: an "OR
            # id IN (subquery)" would stop PostgreSQL from using the county as an index
            # condition.
            id_lists = _id_lists(user.pk, emergency=emergency, shared=shared)
            extra = list(id_lists[0].union(*id_lists[1:], all=True)) if id_lists else []
            county_q = Q(current_county_id=user.county_id)
            return qs.filter(county_q | Q(pk__in=extra) if extra else county_q)
        return qs.filter(_worker_scope(self.db, user.pk, user.county_id, emergency, shared))

    def opened_in_emergency_only(self, user, child) -> bool:
        """Does this user open the case only through an emergency grant (read only)?"""
        if not getattr(user, "is_authenticated", False) or user.is_country_coordinator:
            return False
        if user.coordinates_county(child.current_county_id):
            return False
        from .emergency import EmergencyAccess

        if not EmergencyAccess.objects.active().filter(user=user, child_id=child.pk).exists():
            return False
        return not self.visible_to(user, emergency=False).filter(pk=child.pk).exists()

    def anonymous_records_of(self, user) -> ChildQuerySet:
        """The anonymous statistical records this user registered.

        They are not cases (no name, no contact, no follow-up: registration.md's consent
        rule) so visible_to never returns them; only the registration confirmation and the
        next registration's pre-fill read them back, for the worker who saved them.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(anonymous=True, created_by=user)

    def open(self) -> ChildQuerySet:
        return self.filter(status=CaseStatus.OPEN)


class Child(FreshCodeOnClash, TracksHistory, models.Model):
    code = models.CharField(_("case code"), max_length=12, unique=True, default=_case_code)
    record_ref = models.CharField(
        _("source record reference"), max_length=100, null=True, blank=True, unique=True
    )
    # Set by the registration form so that a double submit creates one record, not two.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    anonymous = models.BooleanField(_("anonymous statistical record"), default=False)
    household = models.ForeignKey(
        "cases.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    # A. Interview and consent
    registration_date = models.DateField(_("date of the interview"))
    registration_county = models.ForeignKey(
        "lookups.County",
        verbose_name=_("county of the interview"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registration_place = models.CharField(_("place of the interview"), max_length=30)
    entry_point = models.ForeignKey(
        "lookups.EntryPoint",
        verbose_name=_("border crossing point"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entry_date = models.DateField(_("date of entry into Romania"))
    consent_registration = models.BooleanField(_("consent to registration"))
    consent_given_by = models.CharField(_("consent given by"), max_length=30, blank=True)
    consent_share_providers = models.BooleanField(
        _("consent to share with service providers"), null=True
    )
    interpreter_used = models.BooleanField(_("interpreter used"), null=True)
    interpreter_language = models.CharField(
        _("language of interpretation"), max_length=10, blank=True
    )

    # B. The child
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    name_native = models.CharField(_("name in documents"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=10)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(_("date of birth estimated"), null=True)
    age_group = models.CharField(_("age group"), max_length=5)
    nationality = models.CharField(_("nationality"), max_length=10, default="UA")
    id_document_type = models.CharField(_("identity document"), max_length=30, blank=True)
    id_document_number = models.CharField(_("document number"), max_length=50, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    education_status = models.CharField(_("education"), max_length=30, blank=True)
    has_disability = models.CharField(_("disability"), max_length=10)
    disability_details = models.TextField(_("kind of disability and support needed"), blank=True)
    medical_needs = models.TextField(_("medical needs"), blank=True)

    # C. Care arrangement and the caregiver
    care_arrangement = models.CharField(_("care arrangement"), max_length=30, blank=True)
    uasc_status = models.CharField(_("accompanied, separated or unaccompanied"), max_length=20)
    caregiver = models.ForeignKey(
        "cases.Caregiver", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    caregiver_relationship = models.CharField(
        _("caregiver's relationship"), max_length=30, blank=True
    )
    caregiver_is_legal_guardian = models.BooleanField(_("caregiver is legal guardian"), null=True)
    caregiver_ability_to_care = models.CharField(
        _("caregiver's ability to care"), max_length=10, blank=True
    )

    # D. Accompanying persons and family
    accompanying_adults = models.JSONField(_("accompanying adults"), default=list, blank=True)
    family_in_ukraine = models.CharField(_("close family in Ukraine"), max_length=10, blank=True)
    tracing_requested = models.BooleanField(_("tracing requested"), null=True)

    # E. Location and movement
    current_county = models.ForeignKey(
        "lookups.County",
        verbose_name=_("current county"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_locality = models.CharField(_("town or commune"), max_length=100, blank=True)
    current_address = models.TextField(_("address"), blank=True)
    accommodation_type = models.CharField(_("accommodation"), max_length=30)
    planned_stay = models.CharField(_("intention"), max_length=20)
    destination_country = models.CharField(_("country of destination"), max_length=2, blank=True)
    planned_departure_date = models.DateField(_("planned date of departure"), null=True, blank=True)
    contact_phone = models.CharField(_("household phone"), max_length=20, blank=True)

    # F. Protection concerns, needs and risk
    protection_concerns = models.ManyToManyField(
        "lookups.ProtectionConcern",
        verbose_name=_("protection concerns"),
        blank=True,
        related_name="+",
    )
    concern_source = models.CharField(
        _("how the concerns came to light"), max_length=20, blank=True
    )
    concern_details = models.TextField(_("description of the concerns"), blank=True)
    immediate_needs = models.JSONField(_("immediate needs"), default=list, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=10)
    suggested_risk_level = models.CharField(_("suggested risk level"), max_length=10, blank=True)
    risk_justification = models.TextField(_("why this risk level"), blank=True)
    services_needed = models.JSONField(_("services needed"), default=list, blank=True)
    urgent_action_taken = models.TextField(_("urgent action taken"), blank=True)
    interviewer_notes = models.TextField(_("observations of the interviewer"), blank=True)

    # Case management
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus, default=CaseStatus.OPEN
    )
    workflow_stage = models.CharField(
        _("workflow stage"), max_length=12, choices=WorkflowStage, default=WorkflowStage.REGISTERED
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=30, blank=True)
    first_follow_up_due = models.DateField(_("first follow-up due"), null=True, blank=True)
    next_follow_up_due = models.DateField(_("next follow-up due"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    name_key = models.CharField(max_length=300, blank=True)
    # Set when the personal data was removed (cases.services.anonymisation): the record
    # keeps what the statistics count and still counts as the case it was.
    anonymised_at = models.DateTimeField(_("anonymised on"), null=True, blank=True)
    # Optimistic locking: a save with a stale version is refused (no lost update).
    version = models.PositiveIntegerField(default=1)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="registered_cases",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["name_key", "submission_token"], m2m_fields=[protection_concerns]
    )

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["-registration_date", "-id"]
        indexes = [
            # Cases only (anonymous records are not listed): the county list, the
            # national list filtered by status and risk, and the newest-first order; with
            # the id they make counts and deep pages index-only scans (bench/cases_bench.py).
            models.Index(
                fields=["current_county", "status", "risk_level", "registration_date", "id"],
                condition=Q(anonymous=False),
                name="case_county_status_risk_date",
            ),
            models.Index(
                fields=["status", "risk_level", "current_county", "registration_date", "id"],
                condition=Q(anonymous=False),
                name="case_status_risk_county_date",
            ),
            models.Index(
                F("registration_date").desc(),
                F("id").desc(),
                include=["current_county", "status", "risk_level"],
                condition=Q(anonymous=False),
                name="case_newest_first",
            ),
            # A field worker's scope (visible_to): each branch of its id subquery reads
            # one of these alone, without visiting the table (issue 14).
            models.Index(
                fields=["created_by", "current_county"],
                include=["id"],
                condition=Q(anonymous=False),
                name="case_registered_by_county",
            ),
            models.Index(
                fields=["assigned_to"],
                include=["id"],
                condition=Q(anonymous=False),
                name="case_assigned_to",
            ),
            # The quarterly report (reporting/engine.py) counts every record in scope by
            # these columns alone: read from this index (a third of the table's size at
            # 1,000,000 records), a county report reads its county's range only. Index-only
            # scans rely on the visibility map autovacuum keeps (bench/report_bench.py).
            models.Index(
                fields=["current_county", "registration_date"],
                include=[
                    "id",
                    "anonymous",
                    "closure_reason",
                    "closed_on",
                    "first_follow_up_due",
                    "sex",
                    "age_group",
                    "uasc_status",
                    "has_disability",
                    "planned_stay",
                    "destination_country",
                    "entry_point",
                    "risk_level",
                    "caregiver",
                ],
                name="child_report_columns",
            ),
            models.Index(fields=["registration_date"], name="child_registration_date"),
            models.Index(fields=["assigned_to", "status"], name="child_assigned_status"),
            models.Index(fields=["created_by", "status"], name="child_created_by_status"),
            models.Index(fields=["next_follow_up_due"], name="child_next_follow_up"),
            models.Index(fields=["name_key"], name="child_name_key"),
            models.Index(fields=["date_of_birth"], name="child_date_of_birth"),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"code": self.code})

    def refresh_from_db(self, *args, **kwargs) -> None:
        # Which records the case has (cases.case_records) is read again after a refresh.
        self.__dict__.pop("_records_present", None)
        super().refresh_from_db(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _id_lists(user_id: int, *, emergency: bool, shared: bool) -> list[QuerySet]:
    """The ids of the cases shared with the user one by one, and of their active
    emergency grants (each optional)."""
    from .emergency import EmergencyAccess
    from .sharing import ChildUserObjectPermission

    shared_ids = (
        ChildUserObjectPermission.objects.filter(user_id=user_id, permission__codename="view_child")
        .order_by()
        .values_list("content_object_id", flat=True)
    )
    # No ordering: SQLite refuses an ORDER BY inside a UNION's parts.
    granted = (
        EmergencyAccess.objects.active().filter(user_id=user_id).order_by().values_list("child_id")
    )
    return ([shared_ids] if shared else []) + ([granted] if emergency else [])


@functools.lru_cache(maxsize=4096)
def _worker_scope_sql(
    using: str, user_id: int, county_id: str | None, emergency: bool, shared: bool
) -> tuple[tuple[str, tuple], tuple[str, tuple] | None]:
    """The two subqueries of a field worker's scope, as SQL and parameters: the cases
    moved out of the worker's county, and the ids shared with the worker or granted to
    them in an emergency (None when neither is asked for).

    Built with the ORM and compiled once per worker and process: building and compiling
    subqueries took more CPU than running them, on every use of the scope (a home page
    uses it more than once). The SQL holds only the worker's id and county, which are
    the cache key, and reads the transfers, shares and grants (against the database's
    clock) when it runs, so a cached statement is never out of date.
    """
    from .transfer import Transfer

    def compiled(qs) -> tuple[str, tuple]:
        sql, params = qs.query.get_compiler(using=using).as_sql()
        return sql, tuple(params)

    moved_away = (
        Transfer.objects.filter(status="accepted", from_county_id=county_id)
        .order_by()
        .values_list("child_id")
    )
    id_lists = _id_lists(user_id, emergency=emergency, shared=shared)
    ids = id_lists[0].union(*id_lists[1:], all=True) if id_lists else None
    return compiled(moved_away), (compiled(ids) if ids is not None else None)


def _worker_scope(
    using: str, user_id: int, county_id: str | None, emergency: bool, shared: bool
) -> Q:
    """The cases a field worker may open, as a condition on the case's own columns: the
    cases they registered (until the family moves to another county: then the old county
    loses access, issue 4, the worker included), those assigned to them, and those shared
    with or granted to them.

    An OR of conditions that each match an index (created_by, assigned_to, the primary
    key for the array of shared and granted ids), so PostgreSQL reads the worker's cases
    as one BitmapOr: at 1,000,000 cases about 4 ms where the ids gathered by a UNION ALL
    and then probed one by one by primary key cost 10-13 ms (docs/benchmarks.md).
    """
    moved_away, ids = _worker_scope_sql(using, user_id, county_id, emergency, shared)
    # The ORM compiled these subqueries (above); the values travel as parameters.
    registered = Q(created_by_id=user_id) & (
        Q(current_county_id=county_id) | ~Q(pk__in=RawSQL(*moved_away))  # noqa: S611
    )
    scope = registered | Q(assigned_to_id=user_id)
    if ids is not None:
        scope |= InArrayOf(F("pk"), RawSQL(*ids))  # noqa: S611
    return scope
