"""Bulk inserts for the seeder: ``bulk_create`` in batches, or INSERT/COPY without models.

Rows are inserted in the caller's transaction, without the services' emails and
audit entries (nothing happened; the data is made up).
"""

import datetime
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models

BATCH_SIZE = 2000


@contextmanager
def dates_as_given(*fields: models.DateTimeField) -> Iterator[None]:
    """Keep the dates set on the rows (the past) instead of ``auto_now_add``'s now."""
    saved = [(f, f.auto_now_add) for f in fields]
    try:
        for f, _ in saved:
            f.auto_now_add = False
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def date_field(model: type[models.Model], name: str) -> models.DateTimeField:
    """The ``DateTimeField`` ``name`` of ``model`` (for :func:`dates_as_given`)."""
    found = model._meta.get_field(name)
    assert isinstance(found, models.DateTimeField)
    return found


def converter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a value of ``field`` goes to the database, for the fields the seeder writes."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite":
            # What the SQLite backend stores (naive UTC text), without its per-value checks.
            return lambda value: str(value.astimezone(datetime.UTC).replace(tzinfo=None))
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]], *, now) -> None:
    """INSERT ``rows`` (attribute name to value): one ``executemany`` per batch, or COPY.

    The seeder's hot path: ``bulk_create`` spends most of its time building model
    instances and SQL, which a region's million rows cannot afford. Fields not given
    take their default, and ``auto_now`` fields ``now``; nothing is returned.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    plan = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = now
        else:
            default = f.get_default()  # "" for text without a default, else None
        plan.append((f.attname, converter(f), default))
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    values = (
        [
            convert(value) if convert is not None and value is not None else value
            for _name, convert, default in plan
            for value in (row.get(_name, default),)
        ]
        for row in rows
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL runs each statement of an executemany on its own: COPY instead.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row_values in values:
                    copy.write_row(row_values)
            return
        # Table and column names come from the model; every value is a parameter.
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        batch: list[list[Any]] = []
        for row_values in values:
            batch.append(row_values)
            if len(batch) == BATCH_SIZE:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
