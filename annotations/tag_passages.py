"""A tag's passages as its page reads them: counted chapter by chapter first, so that the count,
the works to filter by and where a page of passages starts come from a few hundred rows, and a
page reads only its own passages rather than sorting all of the tag's (10,000 of them take a
join with their chapters and works, then a sort, on every page)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from annotations.models import Annotation
from fics.models import Chapter

STORY_ORDER = ("chapter__work__title", "chapter__work_id", "chapter__position", "start", "pk")
DATE_ORDER = ("-created", "-pk")
ORDERS = ("story", "date")


@dataclass(frozen=True)
class TaggedChapter:
    pk: int
    work_pk: int
    work_title: str
    passages: int


@dataclass(frozen=True)
class WorkChoice:
    pk: int
    title: str


def tagged_chapters(passages: QuerySet) -> list[TaggedChapter]:
    """The chapters holding any of `passages`, in story order, each with how many: one grouped
    query without a join to the chapters, then those chapters by their keys."""
    counts = dict(passages.order_by().values_list("chapter_id").annotate(count=Count("pk")))
    return [
        TaggedChapter(pk, work, title, counts[pk])
        for pk, work, title in chapters_in_story_order(counts)
    ]


def chapters_in_story_order(ids: Iterable[int]) -> QuerySet:
    """(id, work id, work title) of these chapters, by their work's title, then in reading
    order: the chapters of passages counted without a join to them, read by their keys."""
    return (
        Chapter.objects.filter(pk__in=ids)
        .order_by("work__title", "work_id", "position")
        .values_list("pk", "work_id", "work__title")
    )


def works_of(chapters: list[TaggedChapter]) -> list[WorkChoice]:
    """The works of these chapters, once each, in their order."""
    works = dict.fromkeys((chapter.work_pk, chapter.work_title) for chapter in chapters)
    return [WorkChoice(pk, title) for pk, title in works]


class TagPassages:
    """`passages` (all within `chapters`) in story or date order, as a sequence for Django's
    Paginator: its length is the chapters' sum, and a slice reads only the rows it returns."""

    def __init__(self, passages: QuerySet, chapters: list[TaggedChapter], order: str):
        self.passages = passages
        self.chapters = chapters
        self.order = order

    def __len__(self) -> int:
        return sum(chapter.passages for chapter in self.chapters)

    def __getitem__(self, page: slice) -> list[Annotation]:
        if self.order == "date":
            # The page's keys first, from the narrow rows of the tag's passages alone.
            keys = self.passages.order_by(*DATE_ORDER).values("pk")[page]
            rows = Annotation.objects.filter(pk__in=keys).order_by(*DATE_ORDER)
        else:
            # Story order is chapter by chapter: the chapters' counts say which chapters the
            # page falls in and how many of their passages come before it.
            wanted, before, seen = [], 0, 0
            for chapter in self.chapters:
                if seen + chapter.passages > page.start and seen < page.stop:
                    if not wanted:
                        before = seen
                    wanted.append(chapter.pk)
                seen += chapter.passages
            if not wanted:
                return []
            rows = self.passages.filter(chapter_id__in=wanted).order_by(*STORY_ORDER)
            rows = rows[page.start - before : page.stop - before]
        return list(rows.select_related("chapter__work").prefetch_related("tags"))
