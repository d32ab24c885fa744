"""Character mentions, counted when a work's text is written and stored per scene.

The counting is pure (fics.parser.rules.mentions). An import counts from the parsed file before
its transaction (fics.preparing, where the file is read; on SQLite a transaction holds the one
write lock) and stores the rows inside it; works imported before the rows existed are counted
from their stored paragraphs.
"""

from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter

from django.db import connection

from fics.models import Chapter, CharacterMention, Paragraph
from fics.parser.rules.mentions import SceneMentions, count_mentions, name_forms
from fics.preparing import WorkMentions


def store_mentions(work, mentions: WorkMentions) -> None:
    """Replace the rows of the work's chapters at these positions; a chapter the new version
    dropped keeps its text, and so its rows."""
    chapters = dict(
        Chapter.objects.filter(work=work, position__in=mentions).values_list("position", "pk")
    )
    CharacterMention.objects.filter(chapter_id__in=chapters.values()).delete()
    add_mentions((chapters[position], found) for position, found in mentions.items())


def add_mentions(chapters: Iterable[tuple[int, list[SceneMentions]]]) -> None:
    """The rows of chapters just created (their ids, each with its mentions): nothing to
    replace, nothing to look up."""
    _insert(
        (chapter_id, found)
        for chapter_id, chapter_mentions in chapters
        for found in chapter_mentions
    )


def _insert(rows: Iterable[tuple[int, SceneMentions]], table: str = "") -> None:
    """One statement per batch, as fics.importing inserts paragraphs: building a model instance
    per row cost more than counting the whole novel."""
    table = table or CharacterMention._meta.db_table
    sql = (
        f"INSERT INTO {table} (chapter_id, scene, name, count, first_paragraph) "
        "VALUES (%s, %s, %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (chapter_id, found.scene, found.name, found.count, found.first_paragraph)
                for chapter_id, found in rows
            ],
        )


def record_mentions(work, *, mention_model=CharacterMention, paragraph_model=Paragraph) -> None:
    """Count the work's mentions again from its stored text (the models may be a migration's
    historical ones)."""
    mention_model.objects.filter(chapter__work_id=work.pk).delete()
    names = name_forms(work.characters, work.suggested_characters)
    paragraphs = (
        paragraph_model.objects.filter(chapter__work_id=work.pk)
        .order_by("chapter_id", "position")
        .values_list("chapter_id", "position", "kind", "text")
    )
    _insert(
        (
            (chapter_id, found)
            for chapter_id, rows in _by_chapter(paragraphs.iterator(2000))
            for found in count_mentions(rows, names)
        ),
        mention_model._meta.db_table,
    )


def _by_chapter(paragraphs: Iterable[tuple]) -> Iterable[tuple[int, Iterable[tuple]]]:
    for chapter_id, rows in groupby(paragraphs, key=itemgetter(0)):
        yield chapter_id, [(position, kind, text) for _, position, kind, text in rows]
