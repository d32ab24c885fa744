"""Keeping the search documents in step with the library, in the caller's transaction.

Each function replaces the documents of what it names with ones copied afresh from the tables,
in one INSERT … SELECT per kind: an import of a novel, or the whole library of the scale bench,
is copied by the database without passing through Python. The database keeps its full-text
index of the documents in step by itself (triggers; search/migrations/0001_search_index.py).
"""

from collections.abc import Iterable
from itertools import batched

from django.db import connection

from annotations.models import Annotation, Tag
from fics.db import prepared_cursor
from fics.models import Chapter, Paragraph, Work
from search import backends
from search.models import SearchDocument
from search.query import (
    CJK_CHARACTER,
    MARK_START,
    MARK_STOP,
    STEMMING_CONFIGS,
    parse,
    prepare,
)

DOCUMENTS = SearchDocument._meta.db_table
COLUMNS = "kind, work_id, chapter_id, annotation_id, segment, owner_id, shared, config, body"
WORKS, CHAPTERS = Work._meta.db_table, Chapter._meta.db_table
PARAGRAPHS, ANNOTATIONS = Paragraph._meta.db_table, Annotation._meta.db_table
TAGS, ANNOTATION_TAGS = Tag._meta.db_table, Annotation.tags.through._meta.db_table


def add_sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite has no regular expressions: `search_prepare` is search.query.prepare itself."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("search_prepare", 1, prepare, deterministic=True)


def _prepared(sql: str) -> tuple[str, list]:
    """SQL for search.query.prepare applied to the value of `sql`."""
    if connection.vendor == "postgresql":
        # replace() twice, not translate(): a fifth of the cost over a library's paragraphs.
        return (
            f"regexp_replace(replace(replace({sql}, %s, ''), %s, ''), %s, ' \\1 ', 'g')",
            [MARK_START, MARK_STOP, CJK_CHARACTER.pattern],
        )
    return f"search_prepare({sql})", []


def _config_sql() -> str:
    """SQL for search.query.stemming_config of the work `w`'s language. The codes and names are
    our own words, written in as constants: as parameters, the 50 of them were bound anew on
    every note a reader saves."""
    words = {*STEMMING_CONFIGS, *STEMMING_CONFIGS.values()}
    if not all(word.isascii() and word.isalpha() for word in words):
        raise ValueError("a stemming configuration's name or code is not a plain word")
    cases = [
        f"WHEN lower(w.language) = '{code}' "
        f"OR substr(lower(w.language), 1, {len(code) + 1}) = '{code}-' THEN '{config}'"
        for code, config in STEMMING_CONFIGS.items()
    ]
    cases += [
        f"WHEN lower(w.language) = '{config}' THEN '{config}'"
        for config in sorted(set(STEMMING_CONFIGS.values()))
    ]
    return f"CASE {' '.join(cases)} ELSE 'simple' END"


CONFIG_SQL = _config_sql()


def _tag_names() -> str:
    aggregate = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    return (
        f"COALESCE((SELECT {aggregate}(t.name, ' ') FROM {TAGS} t "
        f"JOIN {ANNOTATION_TAGS} at ON at.tag_id = t.id WHERE at.annotation_id = a.id), '')"
    )


def _insert(
    kind: str,
    select: str,
    body: str,
    where: str,
    params: list,
    replacing: tuple[str, list] = (),
    prepared: bool = False,
) -> None:
    """Insert the documents of one kind that `select` (aliasing the work `w`) finds, after
    deleting those `replacing` (a WHERE clause over the documents and its parameters) finds;
    as a prepared statement (fics.db.prepared_cursor) when `prepared`."""
    body_sql, body_params = _prepared(body)
    segment, owner, shared, chapter, annotation = {
        "work": ("''", "NULL", "FALSE", "NULL", "NULL"),
        "chapter": ("''", "NULL", "FALSE", "c.id", "NULL"),
        "text": ("'p' || p.position", "NULL", "FALSE", "c.id", "NULL"),
        "annotation": ("a.segment", "a.owner_id", "a.shared", "c.id", "a.id"),
    }[kind]
    sql = (
        f"INSERT INTO {DOCUMENTS} ({COLUMNS}) "
        f"SELECT %s, w.id, {chapter}, {annotation}, {segment}, {owner}, {shared}, "
        f"{CONFIG_SQL}, {body_sql} {select} WHERE {where}"
    )
    prefix, prefix_params = "", []
    if replacing and connection.vendor == "postgresql":
        # One statement, so one round trip for each note a reader saves. Both parts see the
        # same snapshot: the rows inserted are not among those deleted.
        prefix, prefix_params = (
            f"WITH replaced AS (DELETE FROM {DOCUMENTS} WHERE {replacing[0]}) ",
            replacing[1],
        )
    elif replacing:
        _delete(*replacing)
    with prepared_cursor() if prepared else connection.cursor() as cursor:
        cursor.execute(prefix + sql, [*prefix_params, kind, *body_params, *params])


def _insert_works(where: str, params: list) -> None:
    fields = [
        "title", "author", "fandom", "summary", "notes", "end_notes", "rating", "source_name",
    ]  # fmt: skip
    lists = ["relationships", "characters", "additional_tags"]
    body = " || ' ' || ".join(
        [f"w.{field}" for field in fields] + [f"CAST(w.{field} AS TEXT)" for field in lists]
    )
    _insert("work", f"FROM {WORKS} w", body, where, params)


def _insert_chapters(where: str, params: list, *, text: bool = True) -> None:
    """The chapters' titles and notes, and their paragraphs; removed chapters are left out:
    their words are no longer the work's."""
    chapters = f"FROM {CHAPTERS} c JOIN {WORKS} w ON w.id = c.work_id"
    body = "c.title || ' ' || c.notes_before || ' ' || c.notes_after"
    has_words = "(c.title || c.notes_before || c.notes_after) <> ''"
    _insert("chapter", chapters, body, f"NOT c.removed AND {has_words} AND {where}", params)
    if not text:
        return
    paragraphs = (
        f"FROM {PARAGRAPHS} p JOIN {CHAPTERS} c ON c.id = p.chapter_id "
        f"JOIN {WORKS} w ON w.id = c.work_id"
    )
    _insert("text", paragraphs, "p.text", f"NOT c.removed AND p.text <> '' AND {where}", params)


def _insert_annotations(
    where: str, params: list, replacing: tuple[str, list] = (), prepared: bool = False
) -> None:
    """Live annotations: the quote, the note as written and the tags' names."""
    annotations = (
        f"FROM {ANNOTATIONS} a JOIN {CHAPTERS} c ON c.id = a.chapter_id "
        f"JOIN {WORKS} w ON w.id = c.work_id"
    )
    body = f"a.exact || ' ' || a.note || ' ' || {_tag_names()}"
    where = f"a.deleted_at IS NULL AND {where}"
    _insert("annotation", annotations, body, where, params, replacing, prepared)


def _delete(where: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DOCUMENTS} WHERE {where}", params)


def _batches(ids: Iterable[int], size: int = 1000) -> Iterable[list[int]]:
    """A few hundred ids a statement: databases bound how many parameters one may take."""
    return (list(batch) for batch in batched(ids, size))


def _in(ids: list[int]) -> str:
    return ", ".join(["%s"] * len(ids))


def index_work_details(work_id: int) -> None:
    """A work's title, author and other details, and its language throughout its documents."""
    _delete("work_id = %s AND kind = 'work'", [work_id])
    _insert_works("w.id = %s", [work_id])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {DOCUMENTS} SET config = (SELECT {CONFIG_SQL} FROM {WORKS} w "
            f"WHERE w.id = {DOCUMENTS}.work_id) WHERE work_id = %s AND kind <> 'work' "
            f"AND config <> (SELECT {CONFIG_SQL} FROM {WORKS} w WHERE w.id = %s)",
            [work_id, work_id],
        )


def index_chapters(chapter_ids: Iterable[int], *, text: bool = True) -> None:
    """The titles and notes of these chapters as they are now, and their paragraphs unless
    `text` is False (an update that left their text alone)."""
    kinds = "('chapter', 'text')" if text else "('chapter')"
    for ids in _batches(chapter_ids):
        _delete(f"chapter_id IN ({_in(ids)}) AND kind IN {kinds}", ids)
        _insert_chapters(f"c.id IN ({_in(ids)})", ids, text=text)


def index_annotations(annotation_ids: Iterable[int]) -> None:
    """These annotations as they are now; deleted ones leave the index. Sent for every note a
    reader saves, edits or deletes: prepared, since planning it cost more than running it."""
    for ids in _batches(annotation_ids):
        replacing = (f"annotation_id IN ({_in(ids)})", ids)
        _insert_annotations(f"a.id IN ({_in(ids)})", ids, replacing, prepared=True)


def annotations_mentioning(*, owner: int, words: str) -> list[int]:
    """The reader's annotations whose documents hold these words together (a tag's name)."""
    if not (terms := parse(f'"{words}"')):
        return []
    documents = SearchDocument.objects.filter(kind=SearchDocument.Kind.ANNOTATION, owner=owner)
    return list(backends.current().matching(documents, terms).values_list("annotation", flat=True))


def index_work(work_id: int) -> None:
    """Everything of one work: its details, chapters, paragraphs and annotations."""
    _delete("work_id = %s", [work_id])
    _insert_works("w.id = %s", [work_id])
    _insert_chapters("w.id = %s", [work_id])
    _insert_annotations("w.id = %s", [work_id])


def rebuild() -> None:
    """The whole index afresh, for a database that had none (manage.py rebuild_search_index).

    On PostgreSQL the GIN index is built once after the rows rather than row by row: a
    library of five million paragraphs is indexed in minutes rather than hours.
    """
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("DROP INDEX IF EXISTS search_document_vector")
        _delete("TRUE", [])
        _insert_works("TRUE", [])
        _insert_chapters("TRUE", [])
        _insert_annotations("TRUE", [])
        if postgres:
            # Checks the foreign keys now: an index cannot be built over rows still owing them.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # Room to sort a library's words in memory rather than in batches on disk.
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(f"CREATE INDEX search_document_vector ON {DOCUMENTS} USING gin (vector)")
            cursor.execute(f"ANALYZE {DOCUMENTS}")
