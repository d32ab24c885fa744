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
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from fics.models import Chapter, ChapterRead, ReadingPosition, Work

# Opening the chapter already recorded as the reader's place writes nothing this soon after the
# last write: reloading a page costs no write (SQLite serialises writes).
VISIT_REFRESH = timedelta(minutes=5)


def read_past(reader, chapter: str = "chapter") -> Exists:
    """Whether `reader` has read past a chapter (`chapter`: the path from the outer query's
    rows to it): they have opened a later chapter of its work, one with a greater position.

    Opening a chapter is what the reader's progress records of every chapter (a ChapterRead,
    written by `progress_visit` before the page is drawn), so the chapter being read is never
    read past while it is read, and a reader who goes back to re-read an early chapter has
    still read past it. Skipping ahead reads past the chapters skipped: the reader chose to
    see what follows them. The work's last chapter has nothing after it and so is never read
    past. READ_PAST_SQL is the same rule for hand-written queries.
    """
    return Exists(
        ChapterRead.objects.filter(
            reader=reader,
            chapter__work_id=OuterRef(f"{chapter}__work_id"),
            chapter__position__gt=OuterRef(f"{chapter}__position"),
        )
    )


# The SQL twin of `read_past`, for a query whose chapter row is `chapter` and whose parameters
# name the reader %(reader)s.
READ_PAST_SQL = f"""EXISTS (SELECT 1 FROM {ChapterRead._meta.db_table} AS past_read
    JOIN {Chapter._meta.db_table} AS past_chapter ON past_chapter.id = past_read.chapter_id
    WHERE past_read.reader_id = %(reader)s AND past_chapter.work_id = chapter.work_id
      AND past_chapter.position > chapter.position)"""


def progress_record(*, reader, chapter: Chapter, paragraph: int) -> None:
    """The reader is at `paragraph` of `chapter`."""
    _save(reader, chapter, paragraph, keep_paragraph=False)


# The reader's place as opening a chapter needs it, read inside the chapter page's one
# hand-written query (annotations.reading.VERSION_SQL, whose chapter row is `chapter`; its
# parameters name the reader %(reader)s and add `visit_params()`): the paragraph they reached
# in the chapter, and whether opening it now changes nothing.
VISIT_SQL = f"""
        (SELECT visit_read.paragraph FROM {ChapterRead._meta.db_table} AS visit_read
         WHERE visit_read.reader_id = %(reader)s AND visit_read.chapter_id = chapter.id),
        EXISTS (SELECT 1 FROM {ChapterRead._meta.db_table} AS visit_read
         JOIN {ReadingPosition._meta.db_table} AS visit_place
           ON visit_place.reader_id = visit_read.reader_id
         WHERE visit_read.reader_id = %(reader)s AND visit_read.chapter_id = chapter.id
           AND visit_place.work_id = chapter.work_id AND visit_place.chapter_id = chapter.id
           AND visit_read.read_at >= chapter.text_changed
           AND visit_read.read_at > %(visit_fresh_since)s)"""


def visit_params() -> dict:
    fresh_since = timezone.now() - VISIT_REFRESH
    return {"visit_fresh_since": connection.ops.adapt_datetimefield_value(fresh_since)}


@dataclass(frozen=True)
class Visit:
    """A reader opening a chapter, as VISIT_SQL found their place."""

    chapter_id: int
    work_id: int
    # The paragraph they had reached in this chapter; None when they never opened it.
    paragraph: int | None
    # It is already their place, read since its text last changed, within VISIT_REFRESH.
    unchanged: bool


def progress_visit(*, reader, visit: Visit) -> None:
    """The reader opened a chapter: it becomes their place in the work, at the paragraph they
    had reached in it. No query when nothing changes (a reload), two upserts when something
    does; read after an update changed it, the chapter is no longer new, so that is written."""
    if visit.unchanged:
        return
    chapter = Chapter(pk=visit.chapter_id, work_id=visit.work_id)
    _save(reader, chapter, visit.paragraph or 1, keep_paragraph=True)


def chapter_visit(*, reader, work_pk: int, position: int) -> Visit | None:
    """The visit of a page that opens a chapter without the chapter page's version query (the
    entire work opened at a chapter): VISIT_SQL on its own. None for a chapter that does not
    exist."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT chapter.id, chapter.work_id, {VISIT_SQL} "
            f"FROM {Chapter._meta.db_table} AS chapter "
            "WHERE chapter.work_id = %(work)s AND chapter.position = %(position)s",
            {"reader": reader.pk, "work": work_pk, "position": position, **visit_params()},
        )
        row = cursor.fetchone()
    return Visit(*row[:3], unchanged=bool(row[3])) if row else None


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
