"""Running an import: read, validate, compare with what is stored, and write it all in
one transaction (or nothing).

New children go through registration.services.register_child, exactly like a browser
registration (keys, suggested risk, follow-up schedule, history, audit event); changed
children through update_imported_child below.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from audit.log import client_ip, record
from audit.models import Action, AuditEvent
from cases import rules
from cases.models import Caregiver, CaseStatus, Child, Household, WorkflowStage
from cases.names import name_key
from questions import CAREGIVER_ATTRS
from referrals.models import Referral
from registration.services import (
    ANONYMOUS_FIELDS,
    _anonymise,
    _child_fields,
    compute_age_group,
    register_child,
)

from .columns import CAREGIVERS, CHILD_COLUMNS, CHILDREN, REFERRALS
from .messages import ImportIssue
from .reading import Source, extra_sheets, read_table
from .validation import ExistingData, Scope, Validated, validate

CHUNK = 1000
# From this many new children on, they are written in bulk (bulk_new_children) rather
# than one register_child call each: the same rows, a hundred times fewer queries.
BULK_MIN = 50
FK_FIELDS = {"registration_county", "current_county", "entry_point"}
# Columns of children.csv that are not Child fields, or that are derived on save.
NOT_STORED = {"record_ref", "household_ref", "caregiver_ref", "protection_concerns", "age_group"}
STATUS_FIELDS = ("status", "closed_on", "closure_reason")
CAREGIVER_FIELDS = tuple(CAREGIVER_ATTRS.values())
REFERRAL_FIELDS = ("provider_id", "status", "closed_on")

Progress = Callable[[int, int], None]


class FileTooBig(ValueError):
    pass


def max_bytes() -> int:
    return settings.IMPORT_MAX_UPLOAD_BYTES


def check_size(file: str, size: int) -> ImportIssue | None:
    """Refuse a file by its size, before it is read."""
    if size > max_bytes():
        return ImportIssue(file, None, "", "", "too_big", {"limit": max_bytes()})
    return None


def source_from_path(file: str, path: str) -> Source:
    size = os.path.getsize(path)
    if size > max_bytes():
        raise FileTooBig(file)
    with open(path, "rb") as handle:
        return Source(file, os.path.basename(path), handle.read())


@dataclass
class Counts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"new": self.new, "changed": self.changed, "unchanged": self.unchanged}


@dataclass
class ImportResult:
    issues: list[ImportIssue] = field(default_factory=list)
    counts: dict[str, Counts] = field(
        default_factory=lambda: {CHILDREN: Counts(), CAREGIVERS: Counts(), REFERRALS: Counts()}
    )
    rows: dict[str, int] = field(default_factory=dict)
    applied: bool = False
    # record_refs of the children a preview found changed (codes only), for the page.
    changed_refs: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    def counts_dict(self) -> dict[str, dict[str, int]]:
        return {file: c.as_dict() for file, c in self.counts.items()}

    def summary(self) -> str:
        parts = []
        for file, c in self.counts.items():
            if file != CHILDREN and not (c.new or c.changed or c.unchanged):
                continue
            parts.append(f"{file}: {c.new} new, {c.changed} changed, {c.unchanged} unchanged")
        return "; ".join(parts)


# -- comparing a row with a stored record --------------------------------------------


def _empty(model_field) -> Any:
    if model_field.get_internal_type() == "JSONField":
        return []
    if model_field.null:
        return None
    return ""


_CHILD_FIELDS = {f.name: f for f in Child._meta.get_fields() if hasattr(f, "get_internal_type")}
CHILD_COLUMNS_STORED = tuple(c.name for c in CHILD_COLUMNS if c.name not in NOT_STORED)
# Per stored column, computed once (child_values runs for every row): the attribute name
# and the value an empty cell stands for.
_STORED = tuple(
    (name, f"{name}_id" if name in FK_FIELDS else name, _empty(_CHILD_FIELDS[name]))
    for name in CHILD_COLUMNS_STORED
)
_ANONYMOUS_KEPT = frozenset(ANONYMOUS_FIELDS) | {"consent_registration"}


def child_values(d: dict[str, Any]) -> dict[str, Any]:
    """The Child field values a validated row stands for (attribute names, FKs as _id)."""
    anonymous = d["consent_registration"] is False
    values: dict[str, Any] = {}
    get = d.get
    for name, attr, empty in _STORED:
        if anonymous and name not in _ANONYMOUS_KEPT:
            continue
        value = get(name)
        # A fresh list for JSON fields: the value may be changed in place later.
        values[attr] = (
            (list(empty) if isinstance(empty, list) else empty) if value is None else value
        )
    if anonymous:
        values["age_group"] = d["age_group"]
    else:
        values["age_group"] = rules.age_group(
            rules.age_on(d["date_of_birth"], d["registration_date"])
        )
    return values


def register_data(d: dict[str, Any], has_referrals: bool) -> dict[str, Any]:
    """The answers register_child takes, keyed by question code."""
    data = {}
    for key, value in child_values(d).items():
        data[key.removesuffix("_id") if key.removesuffix("_id") in FK_FIELDS else key] = value
    data["protection_concerns"] = list(d.get("protection_concerns") or [])
    if d["consent_registration"]:
        if d["status"] == CaseStatus.CLOSED:
            data["workflow_stage"] = WorkflowStage.CLOSED
        elif has_referrals:
            data["workflow_stage"] = WorkflowStage.REFERRED
    else:
        data["age_group"] = d["age_group"]
    return data


def _ref_of(obj, ref_field: str) -> str | None:
    if obj is None:
        return None
    return getattr(obj, ref_field) or obj.code


def child_differs(child: Child, d: dict[str, Any]) -> bool:
    for attr, value in child_values(d).items():
        if getattr(child, attr) != value:
            return True
    if {c.pk for c in child.protection_concerns.all()} != set(d.get("protection_concerns") or []):
        return True
    if child.anonymous:
        return False
    if _ref_of(child.caregiver, "caregiver_ref") != d.get("caregiver_ref"):
        return True
    return _ref_of(child.household, "household_ref") != d.get("household_ref")


# -- the update service --------------------------------------------------------------


@transaction.atomic
def update_imported_child(
    child: Child,
    d: dict[str, Any],
    user,
    *,
    caregiver: Caregiver | None,
    household: Household | None,
    request=None,
) -> Child:
    """Apply a changed import row to its record, as an edit in the browser would.

    Recomputes what register_child derives (name key, age group, suggested risk level,
    follow-up schedule), closes or reopens the case as the row says, bumps the version
    and leaves the change in the record's history.
    """
    before = {f: getattr(child, f) for f in ("registration_date", "risk_level", "status")}
    for attr, value in child_values(d).items():
        setattr(child, attr, value)
    concerns = list(d.get("protection_concerns") or [])
    child.suggested_risk_level = rules.suggested_risk_level(
        child.uasc_status, concerns, child.has_disability
    )
    if not child.anonymous:
        child.caregiver = caregiver
        child.household = household
        child.name_key = name_key(child.first_name, child.last_name, child.name_native)
        if child.status == CaseStatus.CLOSED:
            child.workflow_stage = WorkflowStage.CLOSED
            child.next_follow_up_due = None
        else:
            reopened = before["status"] == CaseStatus.CLOSED
            if reopened:
                has_referrals = child.referrals.exists()
                child.workflow_stage = (
                    WorkflowStage.REFERRED if has_referrals else WorkflowStage.REGISTERED
                )
            if reopened or any(
                getattr(child, f) != before[f] for f in ("registration_date", "risk_level")
            ):
                last = child.follow_ups.order_by("-done_on").first()
                if last is None:
                    child.first_follow_up_due = rules.next_follow_up(
                        child.registration_date, child.risk_level
                    )
                    child.next_follow_up_due = child.first_follow_up_due
                else:
                    child.next_follow_up_due = rules.next_follow_up(last.done_on, child.risk_level)
    child.version += 1
    child.updated_by = user
    child._history_user = user
    child.save()
    if {c.pk for c in child.protection_concerns.all()} != set(concerns):
        child.protection_concerns.set(concerns)
    record(user, Action.CHANGE_CASE, obj=child, request=request, source="import")
    return child


def unique_codes(objs: list, model) -> None:
    """Give every new object a code that no other of them and no stored row has.

    Codes are random (cases.codes.new_code, 31^7 values): one at a time a clash is
    negligible, but among 35,000 new rows, and against the rows already stored, a
    repeated code is likely enough (a few percent per large import) to make the whole
    import fail on the unique constraint. Clashes are drawn again, checked again."""
    field = model._meta.get_field("code")
    seen: set[str] = set()
    pending = [o for o in objs if o.pk is None]
    while pending:
        codes = sorted({o.code for o in pending})
        taken: set[str] = set()
        for i in range(0, len(codes), CHUNK * 5):
            taken.update(
                model.objects.filter(code__in=codes[i : i + CHUNK * 5]).values_list(
                    "code", flat=True
                )
            )
        retry = []
        for obj in pending:
            if obj.code in taken or obj.code in seen:
                obj.code = field.get_default()
                retry.append(obj)
            else:
                seen.add(obj.code)
        pending = retry


def _bulk_create_with_history(objs: list, model, user) -> list:
    """bulk_create_with_history, with the history rows copied by the database itself on
    PostgreSQL (INSERT ... SELECT from the rows just inserted): the same "+" rows that
    django-simple-history writes, without building a second model instance per row."""
    from django.db import connection
    from django.utils import timezone

    unique_codes(objs, model)
    if connection.vendor != "postgresql":
        bulk_create_with_history(objs, model, batch_size=CHUNK, default_user=user)
        return objs
    model.objects.bulk_create(objs, batch_size=CHUNK)
    history = model.history.model
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in history.tracked_fields)
    # Table and column names come from the models; every value is a parameter.
    target, source = quote(history._meta.db_table), quote(model._meta.db_table)
    extra = "history_date, history_change_reason, history_type, history_user_id"
    sql = f"INSERT INTO {target} ({columns}, {extra}) SELECT {columns}, %s, NULL, '+', %s FROM {source} WHERE id = ANY(%s) ORDER BY id"  # noqa: S608
    now = timezone.now()
    with connection.cursor() as cursor:
        for i in range(0, len(objs), CHUNK * 10):
            cursor.execute(sql, [now, user.pk, [o.pk for o in objs[i : i + CHUNK * 10]]])
    return objs


def _bulk_audit_created(children: list[Child], user, ip: str | None) -> None:
    """The create_case audit events record() writes for register_child, one per child."""
    from django.db import connection
    from django.utils import timezone

    if connection.vendor == "postgresql":
        # Written by the database from the rows just inserted (codes and counties only).
        sql = (
            "INSERT INTO audit_auditevent (at, user_id, username, action, object_type, "
            "object_code, county_id, ip_address, details) "
            "SELECT %s, %s, %s, %s, 'child', code, current_county_id, %s, "
            "jsonb_build_object('anonymous', anonymous) FROM cases_child "
            "WHERE id = ANY(%s) ORDER BY id"
        )
        now = timezone.now()
        with connection.cursor() as cursor:
            for i in range(0, len(children), CHUNK * 10):
                ids = [c.pk for c in children[i : i + CHUNK * 10]]
                cursor.execute(sql, [now, user.pk, user.username, Action.CREATE_CASE, ip, ids])
        return
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                user=user,
                username=user.username,
                action=Action.CREATE_CASE,
                object_type="child",
                object_code=child.code,
                county_id=child.current_county_id,
                ip_address=ip,
                details={"anonymous": child.anonymous},
            )
            for child in children
        ],
        batch_size=CHUNK,
    )


def _bulk_set_concerns(concerns_of: list[tuple[Child, list[str]]], user) -> None:
    """What protection_concerns.set() does for a new child, for many at once: the
    through rows, then a "~" history row holding the snapshot of the concerns (the
    m2m_changed handler of django-simple-history writes the same)."""
    from django.apps import apps

    through = Child.protection_concerns.through
    links = through.objects.bulk_create(
        [
            through(child_id=child.pk, protectionconcern_id=code)
            for child, concerns in concerns_of
            for code in concerns
        ],
        batch_size=CHUNK,
    )
    history = Child.history.bulk_history_create(
        [child for child, _ in concerns_of], batch_size=CHUNK, update=True, default_user=user
    )
    history_of = {h.id: h for h in history}
    m2m_history = apps.get_model("cases", "HistoricalChild_protection_concerns")
    m2m_history.objects.bulk_create(
        [
            m2m_history(
                history=history_of[link.child_id],
                id=link.pk,
                child_id=link.child_id,
                protectionconcern_id=link.protectionconcern_id,
            )
            for link in links
        ],
        batch_size=CHUNK,
    )


def bulk_new_children(pending: list[tuple], user, request=None) -> list[Child]:
    """register_child for many children at once: the same Child rows (built by
    register_child's own helpers and rules), the same "+" history rows (and a "~" one
    where protection concerns are set, as register_child's m2m set makes), the same
    CREATE_CASE audit events, in a few queries per thousand children.

    tests/imports/test_services.py compares its records with register_child's field by
    field, so that a change of register_child that is not mirrored here fails a test.
    """
    children: list[Child] = []
    concerns_of: list[tuple[Child, list[str]]] = []
    for ref, data, caregiver, household in pending:
        concerns = list(data.get("protection_concerns") or [])
        age_group = compute_age_group(data)
        suggested = rules.suggested_risk_level(
            data.get("uasc_status", ""), concerns, data.get("has_disability", "")
        )
        if not data.get("consent_registration"):
            child = Child(
                **_child_fields(_anonymise(data)),
                anonymous=True,
                consent_registration=False,
                age_group=age_group,
                suggested_risk_level=suggested,
                status="",
                workflow_stage="",
                created_by=user,
                updated_by=user,
                record_ref=ref,
            )
        else:
            child = Child(
                **_child_fields(data),
                age_group=age_group,
                suggested_risk_level=suggested,
                caregiver=caregiver,
                household=household,
                created_by=user,
                updated_by=user,
                record_ref=ref,
            )
            child.name_key = name_key(child.first_name, child.last_name, child.name_native)
            child.first_follow_up_due = rules.next_follow_up(
                child.registration_date, child.risk_level
            )
            child.next_follow_up_due = (
                None if child.status == CaseStatus.CLOSED else child.first_follow_up_due
            )
        children.append(child)
        if concerns:
            concerns_of.append((child, concerns))
    _bulk_create_with_history(children, Child, user)
    if concerns_of:
        _bulk_set_concerns(concerns_of, user)
    _bulk_audit_created(children, user, client_ip(request))
    return children


# -- the import ------------------------------------------------------------------------


def read_sources(sources: dict[str, Source]) -> dict:
    sources = dict(sources)
    for file, extra in extra_sheets(sources[CHILDREN]).items():
        sources.setdefault(file, extra)
    return {file: read_table(source) for file, source in sources.items()}


class _Applier:
    def __init__(
        self, validated: Validated, existing: ExistingData, user, write: bool, request, progress
    ):
        self.v = validated
        self.existing = existing
        self.user = user
        self.write = write
        self.request = request
        self.progress = progress or (lambda done, total: None)
        self.result = ImportResult(rows=validated.rows)
        self.caregivers: dict[str, Caregiver] = {}
        self.households: dict[str, Household] = {}
        self.child_ids: dict[str, int] = {}

    def run(self) -> ImportResult:
        self.do_caregivers()
        self.do_households()
        self.do_children()
        self.do_referrals()
        self.result.applied = self.write
        return self.result

    # Caregivers: matched by caregiver_ref (or by code for those entered in the browser).
    def do_caregivers(self) -> None:
        rows = self.v.caregivers
        counts = self.result.counts[CAREGIVERS]
        refs = list(rows)
        found: dict[str, Caregiver] = {}
        for i in range(0, len(refs), CHUNK):
            chunk = refs[i : i + CHUNK]
            for stored in Caregiver.objects.filter(
                Q(caregiver_ref__in=chunk) | Q(caregiver_ref="", code__in=chunk)
            ):
                found.setdefault(stored.caregiver_ref or stored.code, stored)
        new: list[Caregiver] = []
        for ref, d in rows.items():
            values = {
                f: d.get(f) if d.get(f) is not None else ("" if f in ("phone",) else None)
                for f in CAREGIVER_FIELDS
            }
            cg = found.get(ref)
            if cg is None:
                counts.new += 1
                cg = Caregiver(caregiver_ref=ref, created_by=self.user, **values)
                cg.name_key = name_key(cg.first_name, cg.last_name)
                new.append(cg)
            elif any(getattr(cg, f) != v for f, v in values.items()):
                counts.changed += 1
                if self.write:
                    for f, v in values.items():
                        setattr(cg, f, v)
                    cg.name_key = name_key(cg.first_name, cg.last_name)
                    cg._history_user = self.user
                    cg.save()
            else:
                counts.unchanged += 1
            self.caregivers[ref] = cg
        if self.write and new:
            _bulk_create_with_history(new, Caregiver, self.user)

    def do_households(self) -> None:
        refs = sorted(
            {d["household_ref"] for d in self.v.children.values() if d.get("household_ref")}
        )
        for i in range(0, len(refs), CHUNK):
            chunk = refs[i : i + CHUNK]
            for hh in Household.objects.filter(
                Q(household_ref__in=chunk) | Q(household_ref="", code__in=chunk)
            ):
                self.households.setdefault(hh.household_ref or hh.code, hh)
        missing = [Household(household_ref=ref) for ref in refs if ref not in self.households]
        if self.write and missing:
            unique_codes(missing, Household)
            Household.objects.bulk_create(missing, batch_size=CHUNK)
        for hh in missing:
            self.households[hh.household_ref] = hh

    def do_children(self) -> None:
        rows = self.v.children
        counts = self.result.counts[CHILDREN]
        with_referrals = {r["record_ref"] for r in self.v.referrals}
        refs = list(rows)
        total = len(refs)
        new_count = sum(1 for ref in refs if ref not in self.existing.children)
        bulk = new_count >= BULK_MIN
        pending: list[tuple] = []
        for i in range(0, total, CHUNK):
            chunk = refs[i : i + CHUNK]
            existing_refs = [r for r in chunk if r in self.existing.children]
            stored = {}
            if existing_refs:
                qs = (
                    Child.objects.filter(
                        Q(record_ref__in=existing_refs)
                        | Q(record_ref__isnull=True, code__in=existing_refs)
                    )
                    .select_related("caregiver", "household")
                    .prefetch_related("protection_concerns")
                )
                if self.write:
                    qs = qs.select_for_update(of=("self",))
                stored = {c.record_ref or c.code: c for c in qs}
            for ref in chunk:
                d = rows[ref]
                caregiver = (
                    self.caregivers.get(d["caregiver_ref"]) if d.get("caregiver_ref") else None
                )
                household = (
                    self.households.get(d["household_ref"]) if d.get("household_ref") else None
                )
                child = stored.get(ref)
                if child is None:
                    counts.new += 1
                    if self.write:
                        data = register_data(d, ref in with_referrals)
                        if bulk:
                            pending.append((ref, data, caregiver, household))
                        else:
                            self.child_ids[ref] = self.register_one(ref, data, caregiver, household)
                elif child_differs(child, d):
                    counts.changed += 1
                    self.result.changed_refs.append(ref)
                    self.child_ids[ref] = child.pk
                    if self.write:
                        update_imported_child(
                            child,
                            d,
                            self.user,
                            caregiver=caregiver,
                            household=household,
                            request=self.request,
                        )
                else:
                    counts.unchanged += 1
                    self.child_ids[ref] = child.pk
            if pending:
                created = bulk_new_children(pending, self.user, self.request)
                for (ref, *_), child in zip(pending, created, strict=True):
                    self.child_ids[ref] = child.pk
                pending = []
            self.progress(min(i + CHUNK, total), total)

    def register_one(self, ref, data, caregiver, household) -> int:
        child = register_child(
            data,
            self.user,
            caregiver=caregiver,
            household=household,
            record_ref=ref,
            request=self.request,
            create_referrals=False,
        )
        if child.status == CaseStatus.CLOSED:
            # A case imported closed has no follow-up due (closing cancels it).
            child.next_follow_up_due = None
            child._history_user = self.user
            child.save(update_fields=["next_follow_up_due", "updated_at"])
        return child.pk

    def do_referrals(self) -> None:
        counts = self.result.counts[REFERRALS]
        rows = self.v.referrals
        for d in rows:
            if d["record_ref"] not in self.child_ids:
                existing = self.existing.children.get(d["record_ref"])
                if existing is not None:
                    self.child_ids[d["record_ref"]] = existing.id
        ids = sorted(
            {self.child_ids[d["record_ref"]] for d in rows if d["record_ref"] in self.child_ids}
        )
        # Stored referrals by natural key, a list each: two referrals of one child for the
        # same service on the same day are matched in turn (referral_ref first).
        stored: dict[tuple, list[Referral]] = {}
        by_id: dict[int, Referral] = {}
        for i in range(0, len(ids), CHUNK):
            for ref in Referral.objects.filter(child_id__in=ids[i : i + CHUNK]).order_by("id"):
                stored.setdefault((ref.child_id, ref.service_type, ref.referred_on), []).append(ref)
                by_id[ref.pk] = ref
        claimed = {d["_referral_id"] for d in rows if d.get("_referral_id") in by_id}
        new = []
        gained: set[int] = set()
        for d in rows:
            child_id = self.child_ids.get(d["record_ref"])
            values = {
                "provider_id": d.get("provider_id"),
                "status": d["status"],
                "closed_on": d.get("closed_on"),
            }
            referral_id = d.get("_referral_id")
            referral = by_id.get(referral_id) if referral_id is not None else None
            if referral is not None:
                # A stored referral named by its code: the row may move its date or service.
                values["service_type"] = d["service_type"]
                values["referred_on"] = d["referred_on"]
            elif child_id:
                candidates = stored.get((child_id, d["service_type"], d["referred_on"]), [])
                referral = next((r for r in candidates if r.pk not in claimed), None)
                if referral is not None:
                    claimed.add(referral.pk)
            if referral is None:
                counts.new += 1
                if self.write:
                    # Written above or stored: when writing, every row's child has an id.
                    assert child_id is not None
                    new.append(
                        Referral(
                            child_id=child_id,
                            service_type=d["service_type"],
                            referred_on=d["referred_on"],
                            created_by=self.user,
                            updated_by=self.user,
                            **values,
                        )
                    )
                    gained.add(child_id)
            elif any(getattr(referral, f) != v for f, v in values.items()):
                counts.changed += 1
                if self.write:
                    for f, v in values.items():
                        setattr(referral, f, v)
                    referral.updated_by = self.user
                    referral._history_user = self.user
                    referral.save()
            else:
                counts.unchanged += 1
        if self.write and new:
            unique_codes(new, Referral)
            bulk_create_with_history(new, Referral, batch_size=CHUNK, default_user=self.user)
            # A case that gains a referral is at the "referred" stage, as in the browser.
            for child in Child.objects.filter(
                pk__in=gained,
                status=CaseStatus.OPEN,
                workflow_stage__in=(WorkflowStage.REGISTERED, WorkflowStage.ASSESSED),
            ):
                child.workflow_stage = WorkflowStage.REFERRED
                child._history_user = self.user
                child.save(update_fields=["workflow_stage", "updated_at"])


def run_import(
    sources: dict[str, Source],
    user,
    *,
    dry_run: bool = False,
    request=None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Validate the files and, unless dry_run or an error was found, import them whole."""
    scope = Scope.for_user(user)
    tables = read_sources(sources)
    existing = ExistingData.load()
    validated = validate(tables, scope, existing, today)
    if not validated.ok:
        return ImportResult(issues=validated.issues, rows=validated.rows)
    if dry_run:
        return _Applier(validated, existing, user, False, request, progress).run()
    # History rows name the importing user, as they name the browser's user (the
    # middleware's request is missing in the command and in a Celery task).
    context = HistoricalRecords.context
    own_context = not hasattr(context, "request")
    if own_context:
        context.request = SimpleNamespace(user=user)
    try:
        with transaction.atomic():
            result = _write(validated, existing, user, request, progress)
    finally:
        if own_context:
            del context.request
    return result


def _write(validated, existing, user, request, progress) -> ImportResult:
    result = _Applier(validated, existing, user, True, request, progress).run()
    # Counts only: the audit log never holds names or other personal data.
    record(
        user,
        Action.IMPORT,
        county_code=user.county_id,
        request=request,
        **{f"{file}_{k}": v for file, c in result.counts_dict().items() for k, v in c.items()},
    )
    return result
