"""Running an import: read, validate, compare with what is stored, and write it all in
one transaction (or nothing).

Records change through the same services as in the browser (docs/lifecycle.md): new
children are built by registration.services.build_registration and written by
register_child (or register_many, which batches the inserts); rows imported closed are
then closed by close_case (close_cases); changed children go through
update_imported_child below (reopen_case, transfer_case, update_case, close_case).
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
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from audit.log import record
from audit.models import Action
from cases import bulk, rules
from cases.bulk import CHUNK, AnyOf, unique_codes
from cases.models import Caregiver, CaseStatus, Child, Household, TransferStatus, WorkflowStage
from cases.names import name_key
from cases.services.closure import close_case, close_cases, has_pending_closure, reopen_case
from cases.services.editing import update_case
from cases.services.transfer import transfer_case
from cases.services.workflow import mark_referred
from questions import CAREGIVER_ATTRS
from referrals.models import Referral
from registration.services import (
    ANONYMOUS_FIELDS,
    Registration,
    build_registration,
    register_child,
    register_many,
)

from .columns import CAREGIVERS, CHILD_COLUMNS, CHILDREN, REFERRALS
from .messages import ImportIssue
from .reading import Source, extra_sheets, read_table
from .validation import ExistingData, Scope, Validated, validate
from .writer import ChunkWriter

# From this many new children on, they are written in bulk (register_many, close_cases)
# rather than one register_child call each: the same rows, a hundred times fewer queries.
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


def register_data(d: dict[str, Any]) -> dict[str, Any]:
    """The answers registration.services.build_registration takes, keyed by question code.

    Without the status columns: a row imported closed is registered, then closed (as in
    the browser), by close_case's rules."""
    data = {}
    for key, value in child_values(d).items():
        if key in STATUS_FIELDS:
            continue
        data[key.removesuffix("_id") if key.removesuffix("_id") in FK_FIELDS else key] = value
    data["protection_concerns"] = list(d.get("protection_concerns") or [])
    if not d["consent_registration"]:
        data["age_group"] = d["age_group"]
    return data


def _closes(d: dict[str, Any]) -> bool:
    return d["consent_registration"] is not False and d["status"] == CaseStatus.CLOSED


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


# -- changing a stored record: the case services, in the order a user would use them --

# The reason of a reopening made by an import (the file says only "open"); the case
# page shows who reopened and when.
IMPORT_REOPENING_REASON = "import"


def lifecycle_issues(child: Child, d: dict[str, Any]) -> list[ImportIssue]:
    """What the case services would refuse for this row: said as import errors (with
    the line and column), before anything is written."""
    line = d.get("_line")
    issues = []
    closes = _closes(d) and child.status != CaseStatus.CLOSED
    if closes and has_pending_closure(child):
        issues.append(ImportIssue(CHILDREN, line, "status", d["status"], "closure_pending"))
    county = d.get("current_county")
    if not child.anonymous and county and county != child.current_county_id:
        if child.status == CaseStatus.CLOSED and _closes(d):
            issues.append(ImportIssue(CHILDREN, line, "current_county", county, "closed_moves"))
        elif child.transfers.filter(status=TransferStatus.PENDING).exists():
            issues.append(ImportIssue(CHILDREN, line, "current_county", county, "transfer_pending"))
    return issues


def _answers(child: Child, d: dict[str, Any]) -> dict[str, Any]:
    """The row's answers for update_case, keyed by question code; the status columns only
    to correct the date or reason of a case that stays closed (close_case and
    reopen_case set them otherwise)."""
    keep_closure = child.status == CaseStatus.CLOSED and _closes(d)
    data = {}
    for key, value in child_values(d).items():
        if key == "age_group" or (key in STATUS_FIELDS and not (keep_closure and key != "status")):
            continue
        data[key.removesuffix("_id") if key.removesuffix("_id") in FK_FIELDS else key] = value
    data["protection_concerns"] = list(d.get("protection_concerns") or [])
    if child.anonymous:
        data["age_group"] = d["age_group"]
    return data


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
    """Apply a changed import row to its record through the browser's services: reopen
    (reopen_case), move to another county (transfer_case), edit the answers
    (update_case: history reason, derived fields, schedule), close (close_case).

    lifecycle_issues must have found nothing for this row.
    """
    if child.status == CaseStatus.CLOSED and not _closes(d):
        reopen_case(child, user, IMPORT_REOPENING_REASON, request=request)
        child.refresh_from_db()
    county = d.get("current_county")
    if not child.anonymous and county and county != child.current_county_id:
        # The row says where the family lives now: the move carries it, as a transfer
        # request does, so that the county's new locality is not an edit after the move.
        transfer_case(
            child,
            user,
            county,
            new_locality=d.get("current_locality") or "",
            new_address=d.get("current_address") or "",
            request=request,
        )
        child.refresh_from_db()
    links = None if child.anonymous else {"caregiver": caregiver, "household": household}
    update_case(child, _answers(child, d), user, child.version, links=links, request=request)
    if _closes(d) and child.status != CaseStatus.CLOSED:
        close_case(child, user, d["closure_reason"], d["closed_on"], request=request)
        child.refresh_from_db()
    return child


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
                Q(AnyOf(F("caregiver_ref"), chunk))
                | Q(Q(caregiver_ref=""), AnyOf(F("code"), chunk))
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
            bulk.create_with_history(new, Caregiver, self.user)

    def do_households(self) -> None:
        refs = sorted(
            {d["household_ref"] for d in self.v.children.values() if d.get("household_ref")}
        )
        for i in range(0, len(refs), CHUNK):
            chunk = refs[i : i + CHUNK]
            for hh in Household.objects.filter(
                Q(AnyOf(F("household_ref"), chunk))
                | Q(Q(household_ref=""), AnyOf(F("code"), chunk))
            ):
                self.households.setdefault(hh.household_ref or hh.code, hh)
        missing = [Household(household_ref=ref) for ref in refs if ref not in self.households]
        if self.write and missing:
            unique_codes(missing, Household)
            bulk.insert_new(missing, Household)
        for hh in missing:
            self.households[hh.household_ref] = hh

    def do_children(self) -> None:
        rows = self.v.children
        with_referrals = {r["record_ref"] for r in self.v.referrals}
        refs = list(rows)
        new_count = sum(1 for ref in refs if ref not in self.existing.children)
        bulk_new = new_count >= BULK_MIN
        if self.write and bulk_new:
            # New children in bulk: each chunk is written while the next is built.
            with ChunkWriter(self.user) as writer:
                self._children_chunks(rows, refs, with_referrals, bulk_new, writer)
        else:
            self._children_chunks(rows, refs, with_referrals, bulk_new, None)

    def _children_chunks(self, rows, refs, with_referrals, bulk_new, writer) -> None:
        counts = self.result.counts[CHILDREN]
        total = len(refs)
        pending: list[tuple[Registration, dict[str, Any]]] = []
        for i in range(0, total, CHUNK):
            chunk = refs[i : i + CHUNK]
            existing_refs = [r for r in chunk if r in self.existing.children]
            if writer is not None and existing_refs:
                # Stored records are read, and changed, by this thread.
                writer.wait()
            stored = self.stored_children(existing_refs, rows) if existing_refs else {}
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
                        data = register_data(d)
                        referred = ref in with_referrals
                        if bulk_new:
                            reg = build_registration(
                                data,
                                self.user,
                                caregiver=caregiver,
                                household=household,
                                record_ref=ref,
                                create_referrals=False,
                                referred=referred,
                            )
                            pending.append((reg, d))
                        else:
                            self.child_ids[ref] = self.register_one(
                                ref, data, d, caregiver, household, referred
                            )
                elif child_differs(child, d):
                    counts.changed += 1
                    self.result.changed_refs.append(ref)
                    self.child_ids[ref] = child.pk
                    issues = lifecycle_issues(child, d)
                    self.result.issues.extend(issues)
                    if self.write and not issues and not self.result.issues:
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
            if pending and writer is not None:
                writer.submit(self.register_pending, pending)
                pending = []
            elif pending:
                self.register_pending(pending)
                pending = []
            self.progress(min(i + CHUNK, total), total)

    def stored_children(self, refs: list[str], rows: dict[str, dict]) -> dict[str, Child]:
        """The stored records of these refs. When writing, those the file changes are read
        again locked (select_for_update) before they are compared and changed: locking
        every record of a re-import that changes nothing wrote to each of them."""

        def query(refs):
            return (
                Child.objects.filter(
                    Q(AnyOf(F("record_ref"), refs))
                    | Q(Q(record_ref__isnull=True), AnyOf(F("code"), refs))
                )
                .select_related("caregiver", "household")
                .prefetch_related("protection_concerns")
            )

        stored = {c.record_ref or c.code: c for c in query(refs)}
        if not self.write:
            return stored
        changed = [ref for ref, child in stored.items() if child_differs(child, rows[ref])]
        if changed:
            locked = query(changed).select_for_update(of=("self",))
            stored.update((c.record_ref or c.code, c) for c in locked)
        return stored

    def register_pending(self, pending: list[tuple[Registration, dict[str, Any]]]) -> None:
        """New children in bulk: register_many, then close_cases for those imported closed."""
        children = register_many([reg for reg, _d in pending], self.user, request=self.request)
        for (_reg, d), child in zip(pending, children, strict=True):
            self.child_ids[d["record_ref"]] = child.pk
        close_cases(
            [(reg.child, d["closure_reason"], d["closed_on"]) for reg, d in pending if _closes(d)],
            self.user,
            request=self.request,
        )

    def register_one(self, ref, data, d, caregiver, household, referred: bool) -> int:
        child = register_child(
            data,
            self.user,
            caregiver=caregiver,
            household=household,
            record_ref=ref,
            request=self.request,
            create_referrals=False,
            referred=referred,
        )
        if _closes(d):
            close_case(child, self.user, d["closure_reason"], d["closed_on"], request=self.request)
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
            chunk = ids[i : i + CHUNK]
            for ref in Referral.objects.filter(AnyOf(F("child_id"), chunk)).order_by("id"):
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
            bulk.create_with_history(new, Referral, self.user)
            # A case that gains a referral is at the "referred" stage, as in the browser
            # (new children were registered at that stage already).
            for child in Child.objects.filter(
                pk__in=gained,
                status=CaseStatus.OPEN,
                workflow_stage__in=(WorkflowStage.REGISTERED, WorkflowStage.ASSESSED),
            ):
                mark_referred(child, self.user, request=self.request)


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
    if result.issues:
        # Rows the case services refuse (found while writing): all or nothing.
        transaction.set_rollback(True)
        result.applied = False
        return result
    # Counts only: the audit log never holds names or other personal data.
    counts: dict[str, Any] = {
        f"{file}_{k}": v for file, c in result.counts_dict().items() for k, v in c.items()
    }
    record(
        user,
        Action.IMPORT,
        county_code=user.county_id,
        request=request,
        **counts,
    )
    return result
