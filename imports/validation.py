"""Validation of an import: every rule of import_format.md and of the registration form
(registration.md), applied to every row, every error collected with its file, line,
column and value.

Nothing here queries the database per row: the lookups are cached by lookups.registry and
the records, caregivers, households and providers already stored are loaded once
(ExistingData).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.scope import county_scope
from cases import rules
from lookups import registry
from registration.phones import InvalidPhone, normalise_phone
from registration.services import ANONYMOUS_FIELDS

from .columns import AGE_GROUPS, BY_NAME, CAREGIVERS, CHILDREN, REFERRALS, Column
from .countries import ISO_COUNTRIES
from .messages import ImportIssue
from .reading import Table

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
PHONE_LIKE = re.compile(r"\+[\d\s]+")
FORMULA_START = ("=", "+", "-", "@")
STATELESS = "stateless"

# Columns an anonymous row may fill (the consent rule of registration.md).
ANONYMOUS_COLUMNS = ANONYMOUS_FIELDS | {"record_ref", "consent_registration", "age_group"}
REQUIRED_ANONYMOUS = (
    "registration_date",
    "registration_county",
    "registration_place",
    "entry_point",
    "entry_date",
    "sex",
    "uasc_status",
    "has_disability",
    "current_county",
    "accommodation_type",
    "planned_stay",
    "risk_level",
    "age_group",
)
REQUIRED_WITH_CONSENT = tuple(
    c.name
    for c in BY_NAME[CHILDREN].values()
    if c.header_required and c.name not in ("record_ref", "consent_registration")
)
CAREGIVER_LINKED = (
    "caregiver_relationship",
    "caregiver_is_legal_guardian",
    "caregiver_ability_to_care",
)
CLOSED_REFERRAL_STATUSES = {"declined", "completed"}
# Conditional answers kept on the child record itself (see tolerate_stored_gaps).
STORED_ANSWERS = {
    "interpreter_language",
    "id_document_number",
    "disability_details",
    "destination_country",
    "planned_departure_date",
    "concern_source",
    "concern_details",
    "risk_justification",
    "closed_on",
    "closure_reason",
}


@dataclass
class ExistingChild:
    id: int
    anonymous: bool
    current_county: str
    registration_date: dt.date
    status: str
    closed_on: dt.date | None


@dataclass
class ExistingData:
    """What the database already holds, loaded once per validation."""

    children: dict[str, ExistingChild] = field(default_factory=dict)
    providers: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> ExistingData:
        from cases.models import Child
        from referrals.models import ServiceProvider

        data = cls()
        rows = Child.objects.values_list(
            "id",
            "record_ref",
            "code",
            "anonymous",
            "current_county_id",
            "registration_date",
            "status",
            "closed_on",
        )
        for pk, ref, code, anonymous, county, reg_date, status, closed_on in rows.iterator(
            chunk_size=5000
        ):
            # Records registered in the browser are exported with their case code as
            # record_ref: the code finds them again.
            data.children[ref or code] = ExistingChild(
                pk, anonymous, county, reg_date, status, closed_on
            )
        for pk, county, name in ServiceProvider.objects.values_list("id", "county_id", "name"):
            data.providers.setdefault((county, name.strip().lower()), pk)
        return data


@dataclass
class Scope:
    """The counties the importing user may write: None means every county."""

    county: str | None

    @classmethod
    def for_user(cls, user) -> Scope:
        scope = county_scope(user)
        if scope.empty:
            raise PermissionError("Only coordinators import.")
        return cls(None if scope.everywhere else scope.county)

    def allows(self, county: str | None) -> bool:
        return self.county is None or county == self.county


@dataclass
class Validated:
    caregivers: dict[str, dict[str, Any]] = field(default_factory=dict)
    children: dict[str, dict[str, Any]] = field(default_factory=dict)
    referrals: list[dict[str, Any]] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.issues


class _Row:
    """One row being checked: parsed values by column, and the errors found."""

    def __init__(self, file: str, line: int, header: list[str], values: list[str], out):
        self.file = file
        self.line = line
        self.out = out
        self.raw: dict[str, str] = {}
        self.bad: set[str] = set()
        for i, name in enumerate(header):
            if name:
                self.raw[name] = values[i] if i < len(values) else ""
        if len(values) > len(header) and any(values[len(header) :]):
            self.error("", "", "extra_cells")

    def error(self, column: str, value: str, code: str, **params) -> None:
        self.bad.add(column)
        self.out.append(ImportIssue(self.file, self.line, column, value, code, params))


def _unescape(raw: str) -> str:
    # Exports neutralise cells that a spreadsheet would run ('=..., '-...): undo it.
    if len(raw) > 1 and raw[0] == "'" and raw[1] in FORMULA_START:
        return raw[1:]
    return raw


def parse_cell(column: Column, raw: str, row: _Row) -> Any:
    """The stored value of one cell, or None when it is empty or wrong (the error noted)."""
    if raw == "":
        return None
    name = column.name
    if raw[0] in FORMULA_START and not (column.kind == "phone" and PHONE_LIKE.fullmatch(raw)):
        row.error(name, raw, "formula")
        return None
    raw = _unescape(raw)
    kind = column.kind
    if column.max_length and len(raw) > column.max_length and kind != "phone":
        row.error(name, raw, "too_long", max=column.max_length)
        return None
    if kind in ("text", "ref"):
        return raw
    if kind == "date":
        if not DATE_RE.fullmatch(raw):
            row.error(name, raw, "bad_date")
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            row.error(name, raw, "bad_date")
            return None
    if kind == "yesno":
        value = raw.lower()
        if value not in ("yes", "no"):
            row.error(name, raw, "bad_yesno")
            return None
        return value == "yes"
    if kind == "code":
        if column.list_name == "age_group":
            valid = raw in AGE_GROUPS
        else:
            valid = registry.is_valid(column.list_name, raw)
        if not valid:
            row.error(name, raw, "unknown_code", list=column.list_name)
            return None
        return raw
    if kind == "multi":
        codes = [c.strip() for c in raw.split(";") if c.strip()]
        unknown = [c for c in codes if not registry.is_valid(column.list_name, c)]
        if unknown:
            row.error(name, raw, "unknown_codes", list=column.list_name, codes=", ".join(unknown))
            return None
        if len(set(codes)) != len(codes):
            row.error(name, raw, "repeated_code")
            return None
        return codes or None
    if kind == "country":
        if raw not in ISO_COUNTRIES:
            row.error(name, raw, "bad_country")
            return None
        return raw
    if kind == "nationality":
        if raw != STATELESS and raw not in ISO_COUNTRIES:
            row.error(name, raw, "bad_nationality")
            return None
        return raw
    if kind == "phone":
        try:
            number = normalise_phone(raw)
        except InvalidPhone:
            row.error(name, raw, "bad_phone")
            return None
        if column.max_length and len(number) > column.max_length:
            row.error(name, raw, "too_long", max=column.max_length)
            return None
        return number
    raise ValueError(kind)


def _parse_row(row: _Row, columns: dict[str, Column]) -> dict[str, Any]:
    return {
        name: parse_cell(columns[name], raw, row)
        for name, raw in row.raw.items()
        if name in columns
    }


class Validator:
    def __init__(self, scope: Scope, existing: ExistingData, today: dt.date | None = None):
        self.scope = scope
        self.existing = existing
        self.today = today or timezone.localdate()
        self.result = Validated()

    # -- helpers ---------------------------------------------------------------------
    def _require(self, row: _Row, d: dict, names, condition: str | None = None) -> None:
        for name in names:
            if d.get(name) is None and name not in row.bad:
                if condition:
                    row.error(name, "", "need_condition", condition=condition)
                else:
                    row.error(name, "", "required")

    def _forbid(self, row: _Row, d: dict, names, condition: str) -> None:
        for name in names:
            if row.raw.get(name, "") != "" and name not in row.bad:
                row.error(name, row.raw[name], "only_when", condition=condition)
                d[name] = None

    def _not_future(self, row: _Row, d: dict, name: str) -> None:
        value = d.get(name)
        if value is not None and value > self.today:
            row.error(name, row.raw[name], "in_future")
            d[name] = None

    def _header_ok(self, table: Table) -> bool:
        self.result.issues.extend(table.issues)
        return not table.issues

    # -- caregivers ------------------------------------------------------------------
    def caregivers(self, table: Table) -> None:
        if not self._header_ok(table):
            return
        columns = BY_NAME[CAREGIVERS]
        lines: dict[str, int] = {}
        count = 0
        for line, values in table.rows:
            count += 1
            row = _Row(CAREGIVERS, line, table.header, values, self.result.issues)
            d = _parse_row(row, columns)
            self._require(
                row, d, ("caregiver_ref", "first_name", "last_name", "sex", "id_document_type")
            )
            self._not_future(row, d, "date_of_birth")
            dob = d.get("date_of_birth")
            if dob is not None and rules.age_on(dob, self.today) < 18:
                row.error("date_of_birth", row.raw["date_of_birth"], "caregiver_minor")
            ref = d.get("caregiver_ref")
            if ref is not None:
                if ref in lines:
                    row.error("caregiver_ref", ref, "duplicate_ref", line=lines[ref])
                else:
                    lines[ref] = line
                    d["_line"] = line
                    self.result.caregivers[ref] = d
        self.result.rows[CAREGIVERS] = count

    # -- children --------------------------------------------------------------------
    def children(self, table: Table) -> None:
        if not self._header_ok(table):
            return
        columns = BY_NAME[CHILDREN]
        lines: dict[str, int] = {}
        count = 0
        for line, values in table.rows:
            count += 1
            row = _Row(CHILDREN, line, table.header, values, self.result.issues)
            d = _parse_row(row, columns)
            self._child(row, d)
            ref = d.get("record_ref")
            if ref is None:
                continue
            if ref in lines:
                row.error("record_ref", ref, "duplicate_ref", line=lines[ref])
                continue
            lines[ref] = line
            d["_line"] = line
            self.result.children[ref] = d
        self.result.rows[CHILDREN] = count
        if count == 0 and not table.allow_empty:
            self.result.issues.append(ImportIssue(CHILDREN, None, "", "", "no_rows"))

    def _child(self, row: _Row, d: dict) -> None:
        consent = d.get("consent_registration")
        self._require(row, d, ("record_ref", "consent_registration"))
        self._not_future(row, d, "registration_date")
        reg = d.get("registration_date")
        entry = d.get("entry_date")
        if entry is not None:
            if entry < rules.WAR_START:
                row.error("entry_date", row.raw["entry_date"], "before_war")
            elif reg is not None and entry > reg:
                row.error("entry_date", row.raw["entry_date"], "after_registration")
        for county_column in ("registration_county", "current_county"):
            county = d.get(county_column)
            if county is not None and not self.scope.allows(county):
                row.error(county_column, county, "out_of_scope", county=self.scope.county)
        existing = self.existing.children.get(d.get("record_ref"))
        if existing is not None:
            if not self.scope.allows(existing.current_county):
                row.error("record_ref", d["record_ref"], "record_out_of_scope")
            if consent is not None and consent == existing.anonymous:
                row.error(
                    "consent_registration",
                    row.raw["consent_registration"],
                    "consent_change",
                    was="no" if existing.anonymous else "yes",
                )
        planned = d.get("planned_stay")
        if planned == "transit":
            self._require(row, d, ("destination_country",), "planned_stay = transit")
        elif planned is not None:
            self._forbid(row, d, ("destination_country",), "planned_stay = transit")
        if d.get("destination_country") in ("RO", "UA"):
            row.error("destination_country", row.raw["destination_country"], "destination_ro_ua")
        if consent is False:
            self._anonymous(row, d)
        elif consent is True:
            self._with_consent(row, d)

    def _anonymous(self, row: _Row, d: dict) -> None:
        for name, raw in row.raw.items():
            if raw != "" and name not in ANONYMOUS_COLUMNS and name not in row.bad:
                row.error(name, raw, "anonymous_not_empty")
                d[name] = None
        self._require(row, d, REQUIRED_ANONYMOUS)
        if d.get("nationality") is None and "nationality" not in row.bad:
            d["nationality"] = "UA"
        if d.get("protection_concerns") is None:
            d["protection_concerns"] = []

    def _with_consent(self, row: _Row, d: dict) -> None:
        self._require(row, d, REQUIRED_WITH_CONSENT)
        if d.get("nationality") is None and "nationality" not in row.bad:
            d["nationality"] = "UA"
        reg = d.get("registration_date")
        # Interpreter
        if d.get("interpreter_used") is True:
            self._require(row, d, ("interpreter_language",), "interpreter_used = yes")
        elif d.get("interpreter_used") is False:
            self._forbid(row, d, ("interpreter_language",), "interpreter_used = yes")
        # Date of birth and age group
        self._not_future(row, d, "date_of_birth")
        dob = d.get("date_of_birth")
        if dob is not None and reg is not None:
            if dob > reg:
                row.error("date_of_birth", row.raw["date_of_birth"], "after_registration")
            else:
                age = rules.age_on(dob, reg)
                if age >= 18:
                    row.error("date_of_birth", row.raw["date_of_birth"], "adult", age=age)
                elif d.get("age_group") is not None and d["age_group"] != rules.age_group(age):
                    row.error(
                        "age_group",
                        row.raw["age_group"],
                        "age_group_mismatch",
                        expected=rules.age_group(age),
                    )
        # Documents, disability
        document = d.get("id_document_type")
        if document is not None and document != "none":
            self._require(row, d, ("id_document_number",), "id_document_type ≠ none")
        elif document == "none":
            self._forbid(row, d, ("id_document_number",), "id_document_type ≠ none")
        if d.get("has_disability") == "yes":
            self._require(row, d, ("disability_details",), "has_disability = yes")
        elif d.get("has_disability") is not None:
            self._forbid(row, d, ("disability_details",), "has_disability = yes")
        # Care arrangement and caregiver
        care, uasc = d.get("care_arrangement"), d.get("uasc_status")
        if care is not None and uasc is not None:
            allowed = rules.UASC_FOR_CARE.get(care, set())
            if uasc not in allowed:
                row.error(
                    "uasc_status",
                    uasc,
                    "uasc_mismatch",
                    care=care,
                    expected=" / ".join(sorted(allowed)),
                )
        if uasc == "unaccompanied":
            condition = "uasc_status ≠ unaccompanied"
            self._forbid(row, d, ("caregiver_ref", *CAREGIVER_LINKED), condition)
        elif uasc is not None:
            self._require(
                row, d, ("caregiver_ref", *CAREGIVER_LINKED), "uasc_status ≠ unaccompanied"
            )
            ref = d.get("caregiver_ref")
            if (
                ref is not None
                and ref not in self.result.caregivers
                and "caregiver_ref" not in row.bad
            ):
                row.error("caregiver_ref", ref, "unknown_caregiver")
        # Movement
        planned = d.get("planned_stay")
        if planned is not None and planned not in ("transit", "return"):
            self._forbid(row, d, ("planned_departure_date",), "planned_stay ∈ {transit, return}")
        # Concerns and risk
        concerns = d.get("protection_concerns") or []
        d["protection_concerns"] = concerns
        if concerns:
            self._require(
                row,
                d,
                ("concern_source", "concern_details"),
                gettext_noop("protection_concerns is filled in"),
            )
        else:
            self._forbid(
                row,
                d,
                ("concern_source", "concern_details"),
                gettext_noop("protection_concerns is filled in"),
            )
        risk = d.get("risk_level")
        if risk is not None and uasc is not None and d.get("has_disability") is not None:
            suggested = rules.suggested_risk_level(uasc, concerns, d["has_disability"])
            needed = risk == "high" or risk != suggested
            if (
                needed
                and d.get("risk_justification") is None
                and "risk_justification" not in row.bad
            ):
                row.error("risk_justification", "", "need_risk_justification", suggested=suggested)
        # Case status
        status = d.get("status") or "open"
        d["status"] = status
        if status == "closed":
            self._require(row, d, ("closed_on", "closure_reason"), "status = closed")
            self._not_future(row, d, "closed_on")
            closed_on = d.get("closed_on")
            if closed_on is not None and reg is not None and closed_on < reg:
                row.error(
                    "closed_on", row.raw["closed_on"], "before_registration", date=reg.isoformat()
                )
                d["closed_on"] = None
        else:
            self._forbid(row, d, ("closed_on", "closure_reason"), "status = closed")

    def tolerate_stored_gaps(self) -> None:
        """A stored record may lack a conditional answer that the form requires (records
        kept before a rule, demo data): its export must still re-import. An error
        "required when ..." on the row of an existing record is dropped when the stored
        record has that answer empty too: the import does not make the record worse."""
        from cases.models import Child

        gap_codes = {"need_condition", "need_risk_justification"}
        ref_at = {d["_line"]: ref for ref, d in self.result.children.items()}
        candidates = []
        for issue in self.result.issues:
            if issue.file != CHILDREN or issue.code not in gap_codes:
                continue
            ref = ref_at.get(issue.line)
            stored = self.existing.children.get(ref) if ref else None
            if stored is not None and issue.column in STORED_ANSWERS:
                candidates.append((issue, stored.id))
        if not candidates:
            return
        columns = sorted({issue.column for issue, _pk in candidates})
        ids = sorted({pk for _issue, pk in candidates})
        values: dict[int, dict] = {}
        for i in range(0, len(ids), 1000):
            for row in Child.objects.filter(pk__in=ids[i : i + 1000]).values("pk", *columns):
                values[row["pk"]] = row
        dropped = {
            id(issue)
            for issue, pk in candidates
            if values.get(pk, {}).get(issue.column, "x") in (None, "")
        }
        self.result.issues = [i for i in self.result.issues if id(i) not in dropped]

    # -- referrals -------------------------------------------------------------------
    def referrals(self, table: Table) -> None:
        if not self._header_ok(table):
            return
        columns = BY_NAME[REFERRALS]
        lines: dict[tuple, int] = {}
        count = 0
        for line, values in table.rows:
            count += 1
            row = _Row(REFERRALS, line, table.header, values, self.result.issues)
            d = _parse_row(row, columns)
            self._require(row, d, ("record_ref", "service_type", "referred_on", "status"))
            self._not_future(row, d, "referred_on")
            self._not_future(row, d, "closed_on")
            if d.get("status") in CLOSED_REFERRAL_STATUSES:
                self._require(row, d, ("closed_on",), "status ∈ {declined, completed}")
            elif d.get("status") is not None:
                self._forbid(row, d, ("closed_on",), "status ∈ {declined, completed}")
            referred_on, closed_on = d.get("referred_on"), d.get("closed_on")
            if referred_on and closed_on and closed_on < referred_on:
                row.error("closed_on", row.raw["closed_on"], "before_referral")
            ref = d.get("record_ref")
            county = self._referral_child(row, d)
            name = d.get("provider_name")
            if name is not None and county is not None:
                provider = self.existing.providers.get((county, name.strip().lower()))
                if provider is None:
                    row.error("provider_name", name, "unknown_provider", county=county)
                d["provider_id"] = provider
            # referral_ref (optional) tells apart referrals of one child for the same
            # service on the same day; without it the natural key is the identity.
            referral_ref = d.get("referral_ref")
            key = (
                ("ref", referral_ref) if referral_ref else (ref, d.get("service_type"), referred_on)
            )
            if None in key or None in (ref, d.get("service_type"), referred_on):
                continue
            if key in lines:
                column = "referral_ref" if referral_ref else "record_ref"
                row.error(column, referral_ref or ref, "duplicate_ref", line=lines[key])
                continue
            lines[key] = line
            d["_line"] = line
            self.result.referrals.append(d)
        self._check_referral_refs()
        self.result.rows[REFERRALS] = count
        # A header-only caregivers or referrals file imports nothing (an export of
        # cases without caregivers or referrals holds one): only children must have rows.

    def _check_referral_refs(self) -> None:
        """A referral_ref naming a stored referral must name one of the row's child: the
        row then updates that referral (d["_referral_id"]). An unknown one is ignored
        (a code of another installation): the row is matched by its natural key."""
        from referrals.models import Referral

        named = [d for d in self.result.referrals if d.get("referral_ref")]
        stored: dict[str, tuple[int, int]] = {}
        codes = sorted({d["referral_ref"] for d in named})
        for i in range(0, len(codes), 1000):
            for pk, code, child_id in Referral.objects.filter(
                code__in=codes[i : i + 1000]
            ).values_list("id", "code", "child_id"):
                stored[code] = (pk, child_id)
        kept = []
        bad = set()
        for d in named:
            found = stored.get(d["referral_ref"])
            if found is None:
                continue
            child = self.existing.children.get(d["record_ref"])
            if child is None or child.id != found[1]:
                self.result.issues.append(
                    ImportIssue(
                        REFERRALS,
                        d["_line"],
                        "referral_ref",
                        d["referral_ref"],
                        "referral_other_child",
                    )
                )
                bad.add(id(d))
            else:
                d["_referral_id"] = found[0]
        if bad:
            kept = [d for d in self.result.referrals if id(d) not in bad]
            self.result.referrals = kept

    def _referral_child(self, row: _Row, d: dict) -> str | None:
        """Check the child named by the referral; return its current county."""
        ref = d.get("record_ref")
        if ref is None:
            return None
        in_file = self.result.children.get(ref)
        existing = self.existing.children.get(ref)
        if in_file is not None:
            anonymous = in_file.get("consent_registration") is False
            county, reg = in_file.get("current_county"), in_file.get("registration_date")
        elif existing is not None:
            anonymous = existing.anonymous
            county, reg = existing.current_county, existing.registration_date
            if not self.scope.allows(county):
                row.error("record_ref", ref, "record_out_of_scope")
                return None
        else:
            row.error("record_ref", ref, "unknown_record")
            return None
        if anonymous:
            row.error("record_ref", ref, "anonymous_referral")
            return None
        referred_on = d.get("referred_on")
        if referred_on and reg and referred_on < reg:
            row.error(
                "referred_on", row.raw["referred_on"], "before_registration", date=reg.isoformat()
            )
        return county


def validate(
    tables: dict[str, Table],
    scope: Scope,
    existing: ExistingData | None = None,
    today: dt.date | None = None,
) -> Validated:
    """Validate the files of one import (caregivers first: children refer to them)."""
    validator = Validator(scope, existing or ExistingData.load(), today)
    if CAREGIVERS in tables:
        validator.caregivers(tables[CAREGIVERS])
    validator.children(tables[CHILDREN])
    validator.tolerate_stored_gaps()
    if REFERRALS in tables:
        validator.referrals(tables[REFERRALS])
    return validator.result
