"""Writing many rows at once with the history rows django-simple-history would write.

The services write one case at a time (a row, its history row, its audit event); an
import writes thousands. These helpers only batch the inserts: the rows to write are
built by the services' own functions (registration.services.build_registration,
cases.services.closure), so that the rules live there and nowhere here.

On PostgreSQL new rows are written by COPY (insert_new) and the history rows are copied
by the database from the rows just written (INSERT ... SELECT), with the m2m snapshot
(protection concerns) that simple-history keeps beside them; elsewhere (SQLite for a
quick look) bulk_create writes the same objects and simple-history builds the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from django.apps import apps
from django.db import connection, models
from django.db.models import F
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from cases import figure_versions

CHUNK = 1000

# Field types whose Python value psycopg writes as the column expects. Preparing every
# value through Django (get_db_prep_save, as bulk_create does) was the largest part of a
# 35,000-row import; the other types (JSON, IP addresses, decimals) still go through it.
_AS_IS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DateField,  # and DateTimeField
    models.UUIDField,
    models.ForeignKey,
)


class AnyOf(models.Lookup):
    """field = ANY(values): `AnyOf(F("code"), codes)` in a filter, for the thousands of
    values of a chunk. Django's `__in` sends one parameter per value, and building such a
    statement (Django's per-value preparation, psycopg's parsing of the long statement)
    cost more than running it: about a tenth of a large import. On PostgreSQL the values
    travel as one array; elsewhere as IN."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, self.rhs]
        if not self.rhs:
            return "1 = 0", []
        return f"{lhs} IN ({', '.join('%s' for _ in self.rhs)})", [*params, *self.rhs]


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
            chunk = codes[i : i + CHUNK * 5]
            taken.update(
                model.objects.filter(AnyOf(F("code"), chunk)).values_list("code", flat=True)
            )
        retry = []
        for obj in pending:
            if obj.code in taken or obj.code in seen:
                obj.code = field.get_default()
                retry.append(obj)
            else:
                seen.add(obj.code)
        pending = retry


def insert_new(objs: Sequence, model) -> None:
    """Write new objects (no primary key yet) and give them their ids, as bulk_create does.

    On PostgreSQL: the ids are drawn from the table's sequence, then the rows are sent
    with COPY, the values as the objects hold them (auto_now fields stamped, foreign keys
    taken from related objects saved since they were assigned). Elsewhere: bulk_create.
    Only the write differs; what is written is the objects'."""
    if not objs:
        return
    meta = model._meta
    if connection.vendor != "postgresql" or not isinstance(meta.pk, AutoFieldMixin):
        model.objects.bulk_create(objs, batch_size=CHUNK)
        return
    if any(obj.pk is not None for obj in objs):
        raise ValueError(f"insert_new: a {meta.label} already has a primary key")
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    related = [f for f in fields if f.is_relation]
    prepared = [(i, f) for i, f in enumerate(fields) if not isinstance(f, _AS_IS)]
    for obj in objs:
        for f in stamped:
            f.pre_save(obj, True)
        for f in related:
            if getattr(obj, f.attname) is None and f.is_cached(obj):
                target = f.get_cached_value(obj)
                if target is not None:
                    if target.pk is None:
                        raise ValueError(f"insert_new: {meta.label}.{f.name} is not saved")
                    setattr(obj, f.attname, target.pk)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    values = attrgetter(*(f.attname for f in fields))
    columns = ", ".join(quote(f.column) for f in [pk, *fields])
    with connection.cursor() as cursor:
        ids = _new_ids(cursor, meta.db_table, pk.column, len(objs))
        # Table and column names come from the model; the values travel as COPY data.
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj, new_id in zip(objs, ids, strict=True):
                row = [new_id, *values(obj)] if len(fields) > 1 else [new_id, values(obj)]
                for i, f in prepared:
                    row[i + 1] = f.get_db_prep_save(row[i + 1], connection)
                copy.write_row(row)
    alias = connection.alias
    for obj, new_id in zip(objs, ids, strict=True):
        obj.pk = new_id
        obj._state.adding = False
        obj._state.db = alias


def _new_ids(cursor, table: str, column: str, count: int) -> list[int]:
    """count ids drawn from the column's sequence, as the inserts would have drawn them.
    The sequence is named once (pg_get_serial_sequence is evaluated per row otherwise)."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
    (sequence,) = cursor.fetchone()
    cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
    return sorted(row[0] for row in cursor.fetchall())


def create_with_history(objs: list, model, user) -> list:
    """Write new objects (insert_new), then one "+" history row per object, by user (as
    obj.save() writes)."""
    if "code" in {f.name for f in model._meta.fields}:
        unique_codes(objs, model)
    insert_new(objs, model)
    write_history(objs, model, user, "+")
    return objs


def update_fields(objs: Sequence, model, fields: Sequence[str]) -> None:
    """Save these fields of many objects: on PostgreSQL one UPDATE ... FROM unnest(...) per
    chunk (Django's bulk_update builds a CASE per field and row, slow for thousands)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, fields, batch_size=CHUNK)
        return
    quote = connection.ops.quote_name
    model_fields = [model._meta.get_field(name) for name in fields]
    pk = model._meta.pk
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in [pk, *model_fields])
    names = ", ".join(["pk", *(f"v{i}" for i in range(len(model_fields)))])
    assignments = ", ".join(f"{quote(f.column)} = v.v{i}" for i, f in enumerate(model_fields))
    # Table and column names come from the model; every value is a parameter.
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"FROM unnest({arrays}) AS v({names}) WHERE {quote(pk.column)} = v.pk"
    )
    with connection.cursor() as cursor:
        for i in range(0, len(objs), CHUNK * 10):
            chunk = objs[i : i + CHUNK * 10]
            params = [[o.pk for o in chunk]]
            for f in model_fields:
                params.append(
                    [f.get_db_prep_save(getattr(o, f.attname), connection) for o in chunk]
                )
            cursor.execute(sql, params)


def _m2m_history(model) -> list[tuple]:
    """(m2m history model, through model, column of the through row naming the object)
    for each m2m field whose snapshot simple-history keeps with the model's history."""
    history = model.history.model
    found = []
    for m2m in getattr(history, "_history_m2m_fields", ()):
        through = m2m.remote_field.through
        label = f"Historical{model.__name__}_{m2m.name}"
        m2m_history = apps.get_model(model._meta.app_label, label)
        owner = next(f for f in through._meta.concrete_fields if f.related_model is model)
        found.append((m2m_history, through, owner.column))
    return found


def write_history(
    objs: Sequence, model, user, history_type: str, reasons: Sequence[str | None] | None = None
) -> None:
    """One history row per saved object, as its save() would have written: its current
    columns, the user, the type ("+" created, "~" changed), the reason of each (or none),
    and the m2m snapshot."""
    if not objs:
        return
    if model._meta.label == "cases.Child":
        # A case changed without save(): the dashboards' figures of its county with it.
        figure_versions.many_written(objs, model.history.model, history_type)
    reasons = list(reasons) if reasons is not None else [None] * len(objs)
    if connection.vendor != "postgresql":
        _write_history_python(objs, model, user, history_type, reasons)
        return
    history = model.history.model
    quote = connection.ops.quote_name
    tracked = [quote(f.column) for f in history.tracked_fields]
    columns = ", ".join(tracked)
    selected = ", ".join(f"src.{c}" for c in tracked)
    # Table and column names come from the models; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}, history_date, "  # noqa: S608
        "history_change_reason, history_type, history_user_id) "
        f"SELECT {selected}, %s, r.reason, %s, %s FROM {quote(model._meta.db_table)} src "
        "JOIN unnest(%s::bigint[], %s::text[]) AS r(id, reason) ON src.id = r.id "
        "ORDER BY src.id RETURNING history_id, id"
    )
    m2m = _m2m_history(model)
    if m2m:
        parts = [f"h AS ({sql})"]
        for n, (m2m_history, through, owner) in enumerate(m2m):
            through_columns = [quote(f.column) for f in through._meta.concrete_fields]
            parts.append(
                f"m{n} AS (INSERT INTO {quote(m2m_history._meta.db_table)} "  # noqa: S608
                f"(history_id, {', '.join(through_columns)}) "
                f"SELECT h.history_id, {', '.join(f't.{c}' for c in through_columns)} "
                f"FROM h JOIN {quote(through._meta.db_table)} t ON t.{quote(owner)} = h.id "
                "RETURNING 1)"
            )
        sql = "WITH " + ", ".join(parts) + " SELECT count(*) FROM h"  # noqa: S608
    now = timezone.now()
    with connection.cursor() as cursor:
        for i in range(0, len(objs), CHUNK * 10):
            chunk = objs[i : i + CHUNK * 10]
            cursor.execute(
                sql,
                [
                    now,
                    history_type,
                    user.pk,
                    [o.pk for o in chunk],
                    reasons[i : i + CHUNK * 10],
                ],
            )


def _write_history_python(objs, model, user, history_type, reasons) -> None:
    for obj, reason in zip(objs, reasons, strict=True):
        obj._change_reason = reason
    rows = model.history.bulk_history_create(
        list(objs), batch_size=CHUNK, update=history_type == "~", default_user=user
    )
    by_id = {row.id: row for row in rows}
    for m2m_history, through, owner in _m2m_history(model):
        owner_attr = next(f.attname for f in through._meta.concrete_fields if f.column == owner)
        links = through.objects.filter(**{f"{owner_attr}__in": list(by_id)})
        m2m_history.objects.bulk_create(
            [
                m2m_history(
                    history=by_id[getattr(link, owner_attr)],
                    **{f.attname: getattr(link, f.attname) for f in through._meta.concrete_fields},
                )
                for link in links
            ],
            batch_size=CHUNK,
        )
