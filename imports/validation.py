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
from lookups import registry
from questions import ANONYMOUS_FIELDS, BY_CODE, QUESTIONS, Context, check
from questions import rules as question_rules
from questions.catalogue import HAS_CAREGIVER
from questions.countries import is_country, is_nationality
from questions.phones import InvalidPhone, normalise_phone

from .columns import (
    AGE_GROUPS,
    BY_NAME,
    CAREGIVER_QUESTIONS,
    CAREGIVERS,
    CHILDREN,
    REFERRALS,
    Column,
)
from .messages import ImportIssue
from .reading import Table

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
PHONE_LIKE = re.compile(r"\+[\d\s]+")
FORMULA_START = ("=", "+", "-", "@")

# Columns an anonymous row may fill (the consent rule of registration.md).
ANONYMOUS_COLUMNS = ANONYMOUS_FIELDS | {"record_ref", "consent_registration", "age_group"}
# The questions of children.csv, checked by the catalogue.
CHILD_QUESTIONS = frozenset(c for c in BY_NAME[CHILDREN] if c in BY_CODE)
ANONYMOUS_QUESTIONS = CHILD_QUESTIONS & (ANONYMOUS_FIELDS | {"consent_registration"})
CAREGIVER_DOB = "caregiver_date_of_birth"
CLOSED_REFERRAL_STATUSES = {"declined", "completed"}
# Conditional answers kept on the child record itself (see tolerate_stored_gaps): the
# catalogue's conditional questions of children.csv and the answers its consent-only rules
# ask for (the risk justification), and the closure.
STORED_ANSWERS = (
    {q.code for q in QUESTIONS if q.in_children_file and q.when is not None}
    | {q.code for q in QUESTIONS if any(rule.consent_only for rule in q.rules)}
    | {"closed_on", "closure_reason"}
)


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
        self.bad: set[str] = set()
        # A row may be shorter than the header (its missing cells are empty) or longer.
        raw = dict(zip(header, values, strict=False))
        for name in header[len(values) :]:
            raw[name] = ""
        raw.pop("", None)  # a column without a name (an empty header cell)
        self.raw: dict[str, str] = raw
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


Parsed = tuple[Any, "tuple[str, str, dict[str, Any]] | None"]


def _parse(column: Column, raw: str) -> Parsed:
    """The stored value of one non-empty cell, or None with its error: the value
    reported, the message code and its parameters."""
    if raw[0] in FORMULA_START and not (column.kind == "phone" and PHONE_LIKE.fullmatch(raw)):
        return None, (raw, "formula", {})
    raw = _unescape(raw)
    kind = column.kind
    if column.max_length and len(raw) > column.max_length and kind != "phone":
        return None, (raw, "too_long", {"max": column.max_length})
    if kind in ("text", "ref"):
        return raw, None
    if kind == "date":
        if not DATE_RE.fullmatch(raw):
            return None, (raw, "bad_date", {})
        try:
            return dt.date.fromisoformat(raw), None
        except ValueError:
            return None, (raw, "bad_date", {})
    if kind == "yesno":
        value = raw.lower()
        if value not in ("yes", "no"):
            return None, (raw, "bad_yesno", {})
        return value == "yes", None
    if kind == "code":
        if column.list_name == "age_group":
            valid = raw in AGE_GROUPS
        else:
            valid = registry.is_valid(column.list_name, raw)
        if not valid:
            return None, (raw, "unknown_code", {"list": column.list_name})
        return raw, None
    if kind == "multi":
        codes = [c.strip() for c in raw.split(";") if c.strip()]
        unknown = [c for c in codes if not registry.is_valid(column.list_name, c)]
        if unknown:
            return None, (
                raw,
                "unknown_codes",
                {"list": column.list_name, "codes": ", ".join(unknown)},
            )
        if len(set(codes)) != len(codes):
            return None, (raw, "repeated_code", {})
        return codes or None, None
    if kind == "country":
        if not is_country(raw):
            return None, (raw, "bad_country", {})
        return raw, None
    if kind == "nationality":
        if not is_nationality(raw):
            return None, (raw, "bad_nationality", {})
        return raw, None
    if kind == "phone":
        try:
            number = normalise_phone(raw)
        except InvalidPhone:
            return None, (raw, "bad_phone", {})
        if column.max_length and len(number) > column.max_length:
            return None, (raw, "too_long", {"max": column.max_length})
        return number, None
    raise ValueError(kind)


def _noted(name: str, parsed: Parsed, row: _Row) -> Any:
    value, error = parsed
    if error is not None:
        reported, code, params = error
        row.error(name, reported, code, **params)
        return None
    # A list may be changed in place later: each row gets its own.
    return list(value) if type(value) is list else value


def parse_cell(column: Column, raw: str, row: _Row) -> Any:
    """The stored value of one cell, or None when it is empty or wrong (the error noted)."""
    if raw == "":
        return None
    return _noted(column.name, _parse(column, raw), row)


# Columns whose cells are parsed once per distinct value: codes, dates, yes/no and
# countries repeat across 35,000 rows (a few hundred distinct values each); free text
# and phones rarely repeat and are parsed cell by cell.
_REPEATING_KINDS = frozenset({"date", "yesno", "code", "multi", "country", "nationality"})


class CellParser:
    """The cells of one file, by its columns, each distinct value of a repeating column
    parsed once per import (the lookups cannot change while it is validated)."""

    def __init__(self, columns: dict[str, Column]):
        self.columns = columns
        self.seen: dict[str, dict[str, Parsed]] = {
            name: {} for name, c in columns.items() if c.kind in _REPEATING_KINDS
        }

    def row(self, row: _Row) -> dict[str, Any]:
        parsed: dict[str, Any] = {}
        columns, seen = self.columns, self.seen
        for name, raw in row.raw.items():
            column = columns.get(name)
            if column is None:
                continue
            if raw == "":
                parsed[name] = None
                continue
            known = seen.get(name)
            if known is None:
                result = _parse(column, raw)
            else:
                result = known.get(raw)
                if result is None:
                    result = known[raw] = _parse(column, raw)
            parsed[name] = _noted(name, result, row)
        return parsed


class Validator:
    def __init__(self, scope: Scope, existing: ExistingData, today: dt.date | None = None):
        self.scope = scope
        self.existing = existing
        self.today = today or timezone.localdate()
        self.ctx = Context(self.today)
        self.result = Validated()
        self.caregiver_questions = [BY_CODE[code] for code in CAREGIVER_QUESTIONS.values()]
        self.required_caregiver = tuple(
            c.name for c in BY_NAME[CAREGIVERS].values() if c.header_required
        )
        # Caregivers already checked against a child's interview date (once each).
        self._caregiver_ages_checked: set[str] = set()

    # -- helpers ---------------------------------------------------------------------
    def _require(self, row: _Row, d: dict, names, condition: str | None = None) -> None:
        for name in names:
            if d.get(name) is None and name not in row.bad:
                if condition:
                    row.error(name, "", "required_when", condition=condition)
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
        parser = CellParser(BY_NAME[CAREGIVERS])
        lines: dict[str, int] = {}
        count = 0
        for line, values in table.rows:
            count += 1
            row = _Row(CAREGIVERS, line, table.header, values, self.result.issues)
            d = parser.row(row)
            self._require(row, d, self.required_caregiver)
            # The caregiver's own rules (a plausible date of birth); the 18+ rule needs
            # the interview date, checked with each child the caregiver accompanies.
            answers = {CAREGIVER_QUESTIONS[k]: v for k, v in d.items() if k in CAREGIVER_QUESTIONS}
            for issue in check(
                answers,
                self.ctx,
                questions=self.caregiver_questions,
                wrong={CAREGIVER_QUESTIONS[k] for k in row.bad if k in CAREGIVER_QUESTIONS},
            ):
                column = BY_CODE[issue.question].caregiver_attr
                row.error(column, row.raw.get(column, ""), issue.code, **issue.params)
                d[column] = None
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
        parser = CellParser(BY_NAME[CHILDREN])
        # A column left out of the header (optional ones may be) is not asked.
        header = set(table.header)
        self.present = CHILD_QUESTIONS & header
        self.anonymous_present = ANONYMOUS_QUESTIONS & header
        lines: dict[str, int] = {}
        count = 0
        for line, values in table.rows:
            count += 1
            row = _Row(CHILDREN, line, table.header, values, self.result.issues)
            d = parser.row(row)
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
        """The file's own rules (references, scope, consent, case status), then the
        catalogue's rules of every question (questions.check), as in the forms."""
        consent = d.get("consent_registration")
        self._require(row, d, ("record_ref", "consent_registration"))
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
        if d.get("nationality") is None and "nationality" not in row.bad:
            d["nationality"] = BY_CODE["nationality"].default
        if consent is False:
            self._anonymous(row, d)
            present = self.anonymous_present
        else:
            present = self.present
            if consent is True:
                self._with_consent(row, d)
        self._check_questions(row, d, present, consented=consent is not False)
        if consent is False:
            self._require(row, d, ("age_group",))
            if d.get("protection_concerns") is None:
                d["protection_concerns"] = []

    def _check_questions(self, row: _Row, d: dict, present, *, consented: bool) -> None:
        answers = d
        caregiver = self.result.caregivers.get(d.get("caregiver_ref") or "")
        if caregiver is not None and consented:
            # The caregiver's date of birth is checked on this child's interview date.
            answers = {**d, CAREGIVER_DOB: caregiver.get("date_of_birth")}
            present = present | {CAREGIVER_DOB}
        for issue in check(answers, self.ctx, consented=consented, wrong=row.bad, present=present):
            if issue.question == CAREGIVER_DOB:
                self._caregiver_issue(caregiver, issue)
                continue
            row.error(issue.question, row.raw.get(issue.question, ""), issue.code, **issue.params)
            d[issue.question] = None

    def _caregiver_issue(self, caregiver: dict, issue) -> None:
        """Reported on the caregiver's own line, once (many children may name it)."""
        ref = caregiver["caregiver_ref"]
        if ref in self._caregiver_ages_checked:
            return
        self._caregiver_ages_checked.add(ref)
        self.result.issues.append(
            ImportIssue(
                CAREGIVERS,
                caregiver["_line"],
                "date_of_birth",
                caregiver["date_of_birth"].isoformat(),
                issue.code,
                issue.params,
            )
        )

    def _anonymous(self, row: _Row, d: dict) -> None:
        for name, raw in row.raw.items():
            if raw != "" and name not in ANONYMOUS_COLUMNS and name not in row.bad:
                row.error(name, raw, "anonymous_not_empty")
                d[name] = None

    def _with_consent(self, row: _Row, d: dict) -> None:
        reg = d.get("registration_date")
        dob = d.get("date_of_birth")
        if dob is not None and reg is not None and dob <= reg:
            age = question_rules.age_on(dob, reg)
            expected = question_rules.age_group(age)
            if age < question_rules.ADULT_AGE and d.get("age_group") not in (None, expected):
                row.error(
                    "age_group", row.raw["age_group"], "age_group_mismatch", expected=expected
                )
        # The caregiver of the file: needed, and known, unless the child is unaccompanied.
        uasc = d.get("uasc_status")
        if uasc is not None and not HAS_CAREGIVER.holds(d):
            self._forbid(row, d, ("caregiver_ref",), HAS_CAREGIVER.text)
        elif uasc is not None:
            self._require(row, d, ("caregiver_ref",), HAS_CAREGIVER.text)
            ref = d.get("caregiver_ref")
            if (
                ref is not None
                and ref not in self.result.caregivers
                and "caregiver_ref" not in row.bad
            ):
                row.error("caregiver_ref", ref, "unknown_caregiver")
        d["protection_concerns"] = d.get("protection_concerns") or []
        # Case status
        status = d.get("status") or "open"
        d["status"] = status
        if status == "closed":
            condition = gettext_noop("status = closed")
            self._require(row, d, ("closed_on", "closure_reason"), condition)
            self._not_future(row, d, "closed_on")
            closed_on = d.get("closed_on")
            if closed_on is not None and reg is not None and closed_on < reg:
                row.error(
                    "closed_on", row.raw["closed_on"], "before_registration", date=reg.isoformat()
                )
                d["closed_on"] = None
        else:
            self._forbid(row, d, ("closed_on", "closure_reason"), gettext_noop("status = closed"))

    def tolerate_stored_gaps(self) -> None:
        """A stored record may lack a conditional answer that the form requires (records
        kept before a rule, demo data): its export must still re-import. An error
        "required when ..." on the row of an existing record is dropped when the stored
        record has that answer empty too: the import does not make the record worse."""
        from cases.models import Child

        gap_codes = {"required_when", "risk_high_reason", "risk_other_reason"}
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
        parser = CellParser(BY_NAME[REFERRALS])
        lines: dict[tuple, int] = {}
        count = 0
        for line, values in table.rows:
            count += 1
            row = _Row(REFERRALS, line, table.header, values, self.result.issues)
            d = parser.row(row)
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
