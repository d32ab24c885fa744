"""What a write to an annotation reads first: the chapter a selection is on, or the reader's own
annotation and its chapter, each in one written-out query; and the reader's tags.

Saving a highlight is the app's busiest write; building these lookups with the ORM (a chapter
with its work, an annotation with its chapter, its work and its thread's count) cost more than
the rest of the write, and so did planning them anew: they are prepared (fics.db). The chapter
and the work are loaded with only the columns a write and its answer read (WRITTEN_CHAPTER): the
others load on first use, as after `only()`.
"""

from functools import cache

from django.db import connection
from django.http import Http404

from annotations.models import Annotation, Reply, Tag
from fics.db import column_list, instance_from_row, prepared_cursor
from fics.models import Chapter, Work

ANNOTATIONS, CHAPTERS = Annotation._meta.db_table, Chapter._meta.db_table
# The chapter `c` and its work `w`: where the chapter is (its ids, for the answer's addresses),
# what drawing its text reads (its notes, its work's text version: a chapter deleted meanwhile
# could not be read again) and the work's characters (a new tag named after one of them is a
# character tag). Named apart from an annotation's columns, which a row may carry too.
CHAPTER_FIELDS = ("id", "work_id", "position", "title", "notes_before", "notes_after")
WORK_FIELDS = ("id", "content_hash", "characters", "suggested_characters")
WRITTEN_CHAPTER = ", ".join(
    [f"c.{field} AS c_{field}" for field in CHAPTER_FIELDS]
    + [f"w.{field} AS w_{field}" for field in WORK_FIELDS]
)
WORK_JOIN = f"JOIN {Work._meta.db_table} AS w ON w.id = c.work_id"

# The SQL twin of AnnotationQuerySet.with_reply_counts, for the annotation `a`.
REPLY_COUNT_SQL = f"""(SELECT COUNT(*) FROM {Reply._meta.db_table} AS r
    WHERE r.annotation_id = a.id AND r.deleted_at IS NULL
    AND (r.author_id = %(reader)s OR r.hidden_at IS NULL))"""


def get_chapter(work_pk: int, position: int) -> Chapter:
    """The work's chapter at this position, for a new annotation on it; Http404 if none, or
    if the work is still being imported (fics.staging)."""
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT {WRITTEN_CHAPTER} FROM {CHAPTERS} AS c {WORK_JOIN} "
            "WHERE c.work_id = %s AND c.position = %s AND w.staged_at IS NULL",
            [work_pk, position],
        )
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such chapter.")
    return _written_chapter(row)


def get_own_annotation(reader, pk: int, *, deleted: bool = False) -> Annotation:
    """The reader's own annotation (a deleted one when `deleted`), with its chapter and the
    count of its thread's replies they see (`reply_count`, which its list entry shows); every
    other one is Http404, as if it did not exist."""
    with prepared_cursor() as cursor:
        cursor.execute(_own_annotation_sql(deleted), {"pk": pk, "reader": reader.pk})
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such annotation.")
    fields = len(Annotation._meta.concrete_fields)
    annotation = instance_from_row(Annotation, row[:fields])
    annotation.reply_count, *chapter = row[fields:]
    annotation.owner = reader
    annotation.chapter = _written_chapter(chapter)
    return annotation


@cache
def _own_annotation_sql(deleted: bool) -> str:
    """Every column of the annotation `a` as Annotation's fields list them (their names would
    clash with the chapter's), its thread's count, then its WRITTEN_CHAPTER."""
    return (
        f"SELECT {column_list(Annotation, 'a')}, {REPLY_COUNT_SQL}, {WRITTEN_CHAPTER} "
        f"FROM {ANNOTATIONS} AS a JOIN {CHAPTERS} AS c ON c.id = a.chapter_id {WORK_JOIN} "
        f"WHERE a.id = %(pk)s AND a.owner_id = %(reader)s "
        f"AND a.deleted_at IS {'NOT NULL' if deleted else 'NULL'}"
    )


def _written_chapter(row) -> Chapter:
    """The chapter of a row of WRITTEN_CHAPTER, with its work."""
    chapter = dict(zip(CHAPTER_FIELDS, row[: len(CHAPTER_FIELDS)], strict=True))
    work = dict(zip(WORK_FIELDS, row[len(CHAPTER_FIELDS) :], strict=True))
    for name in ("characters", "suggested_characters"):
        work[name] = Work._meta.get_field(name).from_db_value(work[name], None, connection)
    loaded = _loaded(Chapter, chapter)
    loaded.work = _loaded(Work, work)
    return loaded


def _loaded(model, values: dict):
    """An instance of `model` with only these fields loaded (attribute name → value read)."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def reader_tags(reader) -> list[Tag]:
    """The reader's tags in the order pages list them, as Tag.objects.filter(owner=reader)."""
    with prepared_cursor() as cursor:
        cursor.execute(_reader_tags_sql(), [reader.pk])
        return [instance_from_row(Tag, row) for row in cursor.fetchall()]


@cache
def _reader_tags_sql() -> str:
    """That query's SQL, with Tag's ordering and its columns in its fields' order, compiled
    once: compiling it for every tagged highlight saved cost more than running it, and so did
    reading it as a raw queryset."""
    sql, params = Tag.objects.filter(owner=0).query.sql_with_params()
    if params != (0,):
        raise RuntimeError(f"the reader's tags are looked up with other parameters: {params}")
    return sql
