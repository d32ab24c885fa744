"""Each tag's passages across the reader's works, as a strip like the story map's: one cell per
work (in title order), leading to the tag's page filtered to that work."""

import csv
import io
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse

from annotations.models import Annotation
from annotations.story_map import MINE, ChapterInfo, Series, Strip, columns_of, strip_svg
from annotations.tag_passages import chapters_in_story_order


def passages_by_work(reader, tags) -> tuple[dict[tuple[int, int], int], list[tuple[int, str]]]:
    """(tag pk, work pk) → how many of the reader's passages carry the tag there, and the works
    concerned as (pk, title) in title order.

    Counted by chapter in the database and added up by work here: grouping by work made the
    database look up the chapter of each tagged passage one by one (30,000 lookups for a reader
    with 20,000 passages), as it expects few of them to be the reader's, not knowing that a
    reader's tags are only on their own passages."""
    by_chapter = list(
        Annotation.tags.through.objects.filter(
            tag__in=[tag.pk for tag in tags],
            annotation__owner=reader,
            annotation__deleted_at__isnull=True,
        )
        .values_list("tag_id", "annotation__chapter_id")
        .annotate(count=Count("annotation_id"))
        .order_by()
    )
    work_of, works = {}, {}
    for chapter, work, title in chapters_in_story_order({chapter for _, chapter, _ in by_chapter}):
        work_of[chapter] = work
        works[work] = title
    counts = Counter()
    for tag, chapter, count in by_chapter:
        # A chapter deleted between the two queries is not in the second.
        if chapter in work_of:
            counts[tag, work_of[chapter]] += count
    return dict(counts), list(works.items())


def tags_csv(reader, tags) -> str:
    """The numbers behind the strips: one row per tag and work it is used in."""
    counts, works = passages_by_work(reader, tags)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["tag", "kind", "work", "passages"])
    for tag in tags:
        for pk, title in works:
            if count := counts.get((tag.pk, pk)):
                writer.writerow([tag.name, tag.kind, title, count])
    return out.getvalue()


@dataclass(frozen=True)
class TagsAcrossWorks:
    uses: dict[int, int]  # tag pk → how many of the reader's live passages carry it
    strips: dict[int, str]  # tag pk → its strip's SVG, for the tags used anywhere


def tags_across_works(reader, tags) -> TagsAcrossWorks:
    """How often each of these tags of the reader's is used, and its strip, from the same counts."""
    counts, works = passages_by_work(reader, tags)
    uses = Counter()
    for (tag, _), count in counts.items():
        uses[tag] += count
    return TagsAcrossWorks(dict(uses), _strips(tags, counts, works))


def _strips(tags, counts, works) -> dict[int, str]:
    if not works:
        return {}
    strips = {}
    for tag in tags:
        url = reverse("tag", args=[tag.pk])
        # Every work as wide as the others: the strip says where a tag is, not how long works are.
        columns = columns_of(
            [
                ChapterInfo(pk, n, title, 1, f"{url}?work={pk}")
                for n, (pk, title) in enumerate(works)
            ]
        )
        cells = [counts.get((tag.pk, pk), 0) for pk, _ in works]
        links = tuple(
            column.chapter.url if n else "" for column, n in zip(columns, cells, strict=True)
        )
        strip = Strip(tag.name, tag.kind, tag.pk, [Series(MINE, tuple(cells), links)])
        strips[tag.pk] = strip_svg(strip, columns, f"tag-{tag.pk}")
    return strips
