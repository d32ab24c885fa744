"""An annotation's row written with a statement built once, for the writes readers make most:
saving, editing, deleting and restoring a highlight.

Django builds an INSERT or UPDATE anew for every save (each field's value prepared, quoted and
compiled); for a highlight that cost more than the database took to run it. These send the same
statements, prepared (fics.db), with the values Django would send (each field's `pre_save`,
which stamps `auto_now` fields, then `get_db_prep_save`), but without pre_save and post_save
signals: they are only for writes that send annotation_written (annotations.signals), which is
how receivers hear of them.
"""

from functools import cache

from django.db import DatabaseError, connection

from annotations.models import Annotation
from fics.db import prepared_cursor

TABLE = Annotation._meta.db_table


def insert(annotation: Annotation) -> None:
    """Save a new annotation, as Annotation.objects.create would; it gets its id."""
    sql, fields = _insert_statement()
    values = [
        field.get_db_prep_save(field.pre_save(annotation, True), connection) for field in fields
    ]
    with prepared_cursor() as cursor:
        cursor.execute(sql, values)
        annotation.pk = cursor.fetchone()[0]
    annotation._state.adding = False
    annotation._state.db = connection.alias


def update(annotation: Annotation, field_names: tuple[str, ...]) -> None:
    """Save these fields of the annotation, as save(update_fields=...) would."""
    sql, fields = _update_statement(field_names)
    values = [
        field.get_db_prep_save(field.pre_save(annotation, False), connection) for field in fields
    ]
    with prepared_cursor() as cursor:
        cursor.execute(sql, [*values, annotation.pk])
        if cursor.rowcount == 0:
            raise DatabaseError("Save with update_fields did not affect any rows.")


@cache
def _insert_statement() -> tuple[str, list]:
    fields = [field for field in Annotation._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    places = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {TABLE} ({columns}) VALUES ({places}) RETURNING id", fields


@cache
def _update_statement(field_names: tuple[str, ...]) -> tuple[str, list]:
    fields = [Annotation._meta.get_field(name) for name in field_names]
    columns = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in fields)
    return f"UPDATE {TABLE} SET {columns} WHERE id = %s", fields
