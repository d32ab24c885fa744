"""Database helpers shared by every app."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.pq import Format


class _PreparingCursor(psycopg.Cursor):
    """Binds values on the server and sends every statement prepared."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


@contextmanager
def prepared_cursor(using: str = DEFAULT_DB_ALIAS) -> Iterator:
    """A cursor for the statements sent most (reading each request's reader, saving a
    highlight), whose text is the same from one request to the next: on PostgreSQL each is
    parsed and planned once per connection (a prepared statement), where planning the search
    document's statement anew cost twenty times more than running it. Elsewhere Django's own
    cursor (SQLite keeps its statements).

    Django sends every other statement with its values written in, never prepared, as a
    pooler in transaction mode needs; such a pooler would need these sent that way too. Its
    queries are seen as any other (connection.execute_wrapper, assertNumQueries).
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    # What connection.cursor() does, with a cursor of our own class.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = _PreparingCursor(connection.connection)
    loader = raw.adapters.get_loader(raw.adapters.types["timestamptz"].oid, Format.TEXT)
    if connection.timezone != loader.timezone:
        register_tzloader(connection.timezone, raw)
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with wrap(raw) as cursor:
        yield cursor


def instance_from_row(model, row: Sequence, using: str = DEFAULT_DB_ALIAS):
    """An instance of `model` from a row of all its columns in its fields' order (as
    `model_columns` lists them), made as the ORM makes one: each value through its converters,
    then Model.from_db."""
    connection = connections[using]
    values = []
    for value, (column, converters) in zip(row, model_columns(model, using), strict=True):
        for converter in converters:
            value = converter(value, column, connection)
        values.append(value)
    return model.from_db(using, None, values)


@cache
def model_columns(model, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """Each of the model's columns, in its fields' order, with what turns the database's value
    into the field's, as the ORM applies them (SQLite's dates and booleans; nothing on
    PostgreSQL)."""
    connection = connections[using]
    columns = []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        columns.append((column, converters))
    return columns


def column_list(model, alias: str, using: str = DEFAULT_DB_ALIAS) -> str:
    """The model's columns for a SELECT whose rows `instance_from_row` reads: in its fields'
    order, each named through `alias` (the table's name, or its alias in the query)."""
    quote = connections[using].ops.quote_name
    return ", ".join(
        f"{alias}.{quote(column.target.column)}" for column, _ in model_columns(model, using)
    )
