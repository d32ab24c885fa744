"""Each tag's passages across the reader's works, as a strip like the story map's: one cell per
work (in title order), leading to the tag's page filtered to that work."""

import csv
import io

from django.db.models import Count
from django.urls import reverse

from annotations.models import Annotation
from annotations.story_map import MINE, ChapterInfo, Series, Strip, columns_of, strip_svg
from fics.models import Work


def passages_by_work(reader, tags) -> tuple[dict[tuple[int, int], int], list[tuple[int, str]]]:
    """(tag pk, work pk) → how many of the reader's passages carry the tag there, and the works
    concerned as (pk, title) in title order: one grouped query and one small one."""
    counts = {
        (tag, work): count
        for tag, work, count in Annotation.tags.through.objects.filter(
            tag__in=[tag.pk for tag in tags],
            annotation__owner=reader,
            annotation__deleted_at__isnull=True,
        )
        .values_list("tag_id", "annotation__chapter__work_id")
        .annotate(count=Count("annotation_id"))
        .order_by()
    }
    works = list(
        Work.objects.filter(pk__in={work for _, work in counts})
        .order_by("title", "pk")
        .values_list("pk", "title")
    )
    return counts, works


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


def tag_strips(reader, tags) -> dict[int, str]:
    """Tag pk → its strip's SVG, for these tags of the reader's."""
    counts, works = passages_by_work(reader, tags)
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
