"""Inserting many new rows of one model quickly: the same rows ``QuerySet.bulk_create``
writes, without its per-value SQL compiler.

``bulk_create`` builds each value's placeholder through the query compiler (a few
microseconds per value); for an import of 100,000 rows of 15 columns that is most of
the time spent writing. Our models only hold plain values, so ``insert_many`` prepares
each value with the field's own ``pre_save`` and ``get_db_prep_save`` (so defaults,
``auto_now``, JSON, encryption and time zones behave exactly as in ``bulk_create``) and
sends one multi-row ``INSERT … RETURNING id`` per batch (on PostgreSQL, keys from the
table's sequence and ``COPY``). A model or value it does not
handle plainly (no auto primary key, database defaults, a field with its own placeholder,
an expression as value) goes to ``bulk_create`` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.operations import BaseDatabaseOperations

# Rows per INSERT statement: large enough that the round trips do not count, small enough
# to stay well within both databases' limits on parameters.
ROWS_PER_STATEMENT = 500


# Values per ``IN (…)`` lookup. PostgreSQL plans a query on a table filled in the same
# transaction without statistics (nothing has analysed the new rows yet) and, past about a
# hundred values, chooses to read the whole table: an import of 100,000 rows then spends
# most of its time in lookups that grow with the table. A fixed, small size keeps each
# lookup on its index, and lets psycopg reuse the parsed query text.
LOOKUP_CHUNK = 64


def chunked[T](values: Iterable[T], size: int = LOOKUP_CHUNK) -> Iterator[list[T]]:
    """``values`` in lists of at most ``size`` (for ``__in`` lookups)."""
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _plain_fields(model: type[models.Model]) -> list[models.Field] | None:
    """The columns to insert (all concrete fields but the auto primary key), or None if
    the model needs ``bulk_create``'s general path."""
    opts = model._meta
    if not isinstance(opts.pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
        return None
    fields = [f for f in opts.concrete_fields if f is not opts.pk]
    for field in fields:
        if (
            field.generated
            or field.db_returning
            or field.db_default is not models.NOT_PROVIDED
            or hasattr(field, "get_placeholder_sql")
        ):
            return None
    return fields


def insert_many[M: models.Model](objs: list[M]) -> list[M]:
    """Insert new objects of one model and give them their primary keys, like
    ``bulk_create(objs)`` (call it inside a transaction)."""
    if not objs:
        return objs
    model = type(objs[0])
    using = router.db_for_write(model)
    fields = _plain_fields(model)
    if fields is None or any(obj.pk is not None for obj in objs):
        return model._default_manager.bulk_create(objs)
    connection = connections[using]
    if connection.vendor == "postgresql":
        return _copy(objs, fields, connection, using)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    returning = f" RETURNING {quote(model._meta.pk.column)}"
    size = _rows_per_statement(connection, len(fields))
    kinds = _kinds(fields, connection)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            rows = [_prepared(obj, fields, connection, kinds) for obj in chunk]
            _insert_rows(cursor, table, names, rows, returning)
            keys = [found[0] for found in cursor.fetchall()]
            if len(keys) != len(chunk):
                raise RuntimeError(f"{model.__name__}: {len(keys)} keys for {len(chunk)} rows")
            _mark_saved(chunk, keys, using)
    return objs


def _rows_per_statement(connection: Any, width: int) -> int:
    limit = connection.features.max_query_params or 65535
    return max(1, min(ROWS_PER_STATEMENT, limit // width))


def _insert_rows(
    cursor: Any, table: str, names: str, rows: list[list[Any]], returning: str = ""
) -> None:
    """One multi-row ``INSERT`` of already prepared values."""
    if rows:
        row_sql = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
        sql = f"INSERT INTO {table} ({names}) VALUES " + ", ".join([row_sql] * len(rows))
        cursor.execute(sql + returning, [value for values in rows for value in values])


def _mark_saved(objs: list[Any], keys: list[Any], using: str) -> None:
    """What ``bulk_create`` leaves on saved objects: their key, and their state."""
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = using


# Field classes (exactly these, not subclasses such as encrypted fields) whose
# ``get_db_prep_save`` gives back a value of these exact types, or None, unchanged: their
# ``get_prep_value`` is ``to_python``, the identity for them, and no database adapts them
# (integers only where the backend does not wrap them: PostgreSQL's psycopg does).
_TEXT = (models.CharField, models.TextField, models.SlugField, models.EmailField)
_INTEGER = (
    models.IntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
    models.AutoField,
    models.BigAutoField,
)


def _as_is(field: models.Field, connection: Any) -> frozenset[type]:
    """The value types ``field`` writes as they are on ``connection`` (skipping the
    per-value ``get_db_prep_save``, a fifth of an import's processor time), or none."""
    plain_integers = (
        type(connection.ops).adapt_integerfield_value
        is BaseDatabaseOperations.adapt_integerfield_value
    )
    kind = type(field)
    if kind is models.ForeignKey:
        kind = type(field.target_field)
    if kind in _TEXT:
        return frozenset({str, type(None)})
    if kind is models.BooleanField:
        return frozenset({bool, type(None)})
    if kind in _INTEGER and plain_integers:
        return frozenset({int, type(None)})
    return frozenset()


def _db_values(
    fields: Sequence[models.Field],
    kinds: Sequence[frozenset[type]],
    values: Iterable[Any],
    connection: Any,
) -> list[Any]:
    """``get_db_prep_save`` of each value, skipped where it is the identity (``kinds``:
    ``_as_is`` of each field)."""
    return [
        value if type(value) in plain else field.get_db_prep_save(value, connection)
        for field, plain, value in zip(fields, kinds, values, strict=True)
    ]


def _kinds(fields: Sequence[models.Field], connection: Any) -> list[frozenset[type]]:
    return [_as_is(field, connection) for field in fields]


def _prepared(
    obj: models.Model,
    fields: list[models.Field],
    connection: Any,
    kinds: Sequence[frozenset[type]] | None = None,
) -> list[Any]:
    """The object's values as the database stores them (through each field's own hooks)."""
    obj._prepare_related_fields_for_save(operation_name="bulk_create")
    values = []
    for field in fields:
        value = field.pre_save(obj, True)
        if hasattr(value, "as_sql"):
            raise ValueError(f"{type(obj).__name__}.{field.name}: expression as value")
        values.append(value)
    return _db_values(fields, kinds or _kinds(fields, connection), values, connection)


def _copy[M: models.Model](
    objs: list[M], fields: list[models.Field], connection: Any, using: str
) -> list[M]:
    """PostgreSQL: take the keys from the table's own sequence, then ``COPY … FROM STDIN``
    (several times faster than ``INSERT``, which cannot return keys from ``COPY``)."""
    opts = objs[0]._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [opts.pk, *fields])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(opts.db_table), opts.pk.column, len(objs)],
        )
        keys = [found[0] for found in cursor.fetchall()]
        # psycopg's own cursor: its errors are turned into Django's (IntegrityError …).
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            kinds = _kinds(fields, connection)
            for obj, key in zip(objs, keys, strict=True):
                copy.write_row([key, *_prepared(obj, fields, connection, kinds)])
    _mark_saved(objs, keys, using)
    return objs


def insert_values(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert rows given as plain values, without building a model instance for each
    (about a third of the cost of a row): for rows nothing reads back in the same
    import — many-to-many links, audit events, history, source identifiers. ``columns``
    are attribute names (``actor_id``); fields not named take their default, computed
    per row as a new instance would. Values go through each field's
    ``get_db_prep_save``, as with ``insert_many``."""
    rows = list(rows)
    fields = _plain_fields(model)
    if not rows:
        return
    if fields is None:
        insert_many([model(**dict(zip(columns, row, strict=True))) for row in rows])
        return
    by_attname = {field.attname: field for field in fields}
    named = [by_attname[column] for column in columns]
    given = set(columns)
    others = [field for field in fields if field.attname not in given]
    connection = connections[router.db_for_write(model)]
    kinds = _kinds(named, connection)
    prepared = (
        _db_values(named, kinds, row, connection)
        + [f.get_db_prep_save(f.get_default(), connection) for f in others]
        for row in rows
    )
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in [*named, *others])
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for values in prepared:
                    copy.write_row(values)
            return
        size = _rows_per_statement(connection, len(named) + len(others))
        batch: list[list[Any]] = []
        for values in prepared:
            batch.append(values)
            if len(batch) == size:
                _insert_rows(cursor, table, names, batch)
                batch = []
        _insert_rows(cursor, table, names, batch)
