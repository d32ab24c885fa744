"""Where each reader is in each work, saved as they read and shown to them alone.

A reader's place in a work is a ReadingPosition (its chapter and paragraph); each chapter they
opened is a ChapterRead (when, and how far). Both are written by `progress_record`: as the reader
scrolls (static/js/reading-progress.js posts the paragraph at the top of the screen) and when a
chapter is opened, with or without JavaScript (`progress_visit`). Every query here is filtered by
the reader: nothing of one reader's progress is ever read for another.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from fics.models import Chapter, ChapterRead, ReadingPosition, Work

# Opening the chapter already recorded as the reader's place writes nothing this soon after the
# last write: reloading a page costs one read, not a write (SQLite serialises writes).
VISIT_REFRESH = timedelta(minutes=5)


def progress_record(*, reader, chapter: Chapter, paragraph: int) -> None:
    """The reader is at `paragraph` of `chapter`."""
    _save(reader, chapter, paragraph, keep_paragraph=False)


def progress_visit(*, reader, work_pk: int, position: int) -> None:
    """The reader opened a chapter: it becomes their place in the work, at the paragraph they
    had reached in it. Nothing happens for a chapter that does not exist (the page is a 404).
    One query when nothing changes, three when something does."""
    # Written by hand because it runs on every chapter page, cached ones included: built by the
    # ORM, this one query cost more than the rest of a cached page together.
    refreshed_since = connection.ops.adapt_datetimefield_value(timezone.now() - VISIT_REFRESH)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT chapter.id, chapter.work_id, seen.paragraph,
                   place.chapter_id = chapter.id AND seen.read_at >= %s
                   AND seen.read_at >= chapter.text_changed
            FROM {Chapter._meta.db_table} AS chapter
            LEFT JOIN {ChapterRead._meta.db_table} AS seen
              ON seen.chapter_id = chapter.id AND seen.reader_id = %s
            LEFT JOIN {ReadingPosition._meta.db_table} AS place
              ON place.work_id = chapter.work_id AND place.reader_id = %s
            WHERE chapter.work_id = %s AND chapter.position = %s
            """,
            [refreshed_since, reader.pk, reader.pk, work_pk, position],
        )
        row = cursor.fetchone()
    if row is None:
        return
    chapter_pk, work_id, read_paragraph, unchanged_recently = row
    # Read again after an update changed it, the chapter is no longer new: always written.
    if unchanged_recently:
        return
    chapter = Chapter(pk=chapter_pk, work_id=work_id)
    _save(reader, chapter, read_paragraph or 1, keep_paragraph=True)


def _save(reader, chapter: Chapter, paragraph: int, *, keep_paragraph: bool) -> None:
    """Two upserts (INSERT … ON CONFLICT on both databases): no read first, no lock held."""
    now = timezone.now()
    ChapterRead.objects.bulk_create(
        [ChapterRead(reader=reader, chapter=chapter, paragraph=paragraph, read_at=now)],
        update_conflicts=True,
        unique_fields=["reader", "chapter"],
        update_fields=["read_at"] if keep_paragraph else ["paragraph", "read_at"],
    )
    ReadingPosition.objects.bulk_create(
        [
            ReadingPosition(
                reader=reader,
                work_id=chapter.work_id,
                chapter=chapter,
                paragraph=paragraph,
                started=now,
                updated=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["reader", "work"],
        update_fields=["chapter", "paragraph", "updated"],
    )


@dataclass(frozen=True)
class Progress:
    """A reader's progress through one work."""

    chapter: Chapter | None
    paragraph: int
    updated: datetime
    chapters_read: int = 0
    words_read: int = 0
    # Positions of the chapters that are new, or changed, since the reader last read them.
    new_chapters: frozenset[int] = field(default_factory=frozenset)

    @property
    def continue_url(self) -> str:
        if self.chapter is None:
            return ""
        url = self.chapter.get_absolute_url()
        return f"{url}#p{self.paragraph}" if self.paragraph > 1 else url


def progress_of(reader, works: Iterable[Work]) -> dict[int, Progress]:
    """Work id → the reader's progress in it, for the works they have begun (three queries
    whatever the number of works: the library asks for a page at a time)."""
    work_ids = [work.pk for work in works]
    positions = ReadingPosition.objects.filter(reader=reader, work__in=work_ids).select_related(
        "chapter"
    )
    begun = {position.work_id: position for position in positions}
    if not begun:
        return {}
    totals = {
        row["chapter__work_id"]: row
        for row in ChapterRead.objects.filter(
            reader=reader, chapter__work__in=begun, chapter__removed=False
        )
        .values("chapter__work_id")
        .annotate(chapters=Count("pk"), words=Sum("chapter__word_count"))
    }
    new: dict[int, set[int]] = {}
    for work_id, position in new_since_last_read(reader, begun):
        new.setdefault(work_id, set()).add(position)
    return {
        work_id: Progress(
            chapter=place.chapter,
            paragraph=place.paragraph,
            updated=place.updated,
            chapters_read=totals.get(work_id, {}).get("chapters", 0),
            words_read=totals.get(work_id, {}).get("words") or 0,
            new_chapters=frozenset(new.get(work_id, ())),
        )
        for work_id, place in begun.items()
    }


def new_since_last_read(reader, work_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(work id, chapter position) of the chapters whose text changed after the reader last
    read them; for a chapter they never opened, after they began the work. A work they never
    began has nothing new: all of it is."""
    last_read = ChapterRead.objects.filter(reader=reader, chapter=OuterRef("pk")).values("read_at")
    chapters = Chapter.objects.filter(work__in=list(work_ids), removed=False).annotate(
        last_read=Subquery(last_read[:1])
    )
    # One filter() call: the reader's position and its `started` come from the same join.
    changed = chapters.filter(
        Q(work__reading_positions__reader=reader)
        & (
            Q(last_read__isnull=False, text_changed__gt=F("last_read"))
            | Q(last_read__isnull=True, text_changed__gt=F("work__reading_positions__started"))
        )
    )
    return list(changed.values_list("work_id", "position"))


def place_of(reader, work_pk: int) -> ReadingPosition | None:
    """The reader's place in the work, with its chapter; None before they begin it, or once
    the chapter they were in is deleted (nothing to continue from)."""
    places = ReadingPosition.objects.filter(reader=reader, work=work_pk, chapter__isnull=False)
    return places.select_related("chapter").first()
