"""The database read for an export: a work's chapters and the reader's annotations, as records.

Four queries whatever the number of chapters or annotations: chapters, their paragraphs,
annotations (with their owners), and the annotations' tags; a fifth for the replies when asked.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from annotations.chapter_layout import blocks_text, chapter_blocks
from annotations.exports.records import (
    AnnotationRecord,
    ChapterRecord,
    ReplyRecord,
    TagRecord,
    WorkRecord,
)
from annotations.models import Annotation, Reply, Tag
from fics.models import Chapter, Paragraph, Work


class ParagraphRow(NamedTuple):
    position: int
    kind: str
    text: str


@dataclass(frozen=True)
class ExportScope:
    """What the reader asked for; empty filters mean "any"."""

    chapter: int | None = None
    include_shared: bool = False
    include_replies: bool = False
    tag: str = ""
    kind: str = ""
    colour: str = ""

    def describe_filters(self) -> tuple[str, ...]:
        filters = []
        if self.tag:
            filters.append(f"tag “{self.tag}”")
        if self.kind:
            filters.append(f"{self.kind} tags")
        if self.colour:
            filters.append(f"{self.colour} highlights")
        return tuple(filters)


def work_urn(work: Work) -> str:
    """A work's name when there is no web address to give (the command line has no request):
    the content hash names the imported file, so the same story is the same URN everywhere."""
    return f"urn:marginalia:work:{work.content_hash}"


def collect_export(*, work: Work, reader, scope: ExportScope, base_url: str = "") -> WorkRecord:
    """The work (or one chapter of it) with the annotations `reader` may export.

    `base_url` ("https://marginalia.example") makes the records' addresses absolute web
    addresses; without it they are `urn:marginalia:…` names.
    """
    chapters = work.chapters.order_by("position")
    if scope.chapter is not None:
        chapters = chapters.filter(position=scope.chapter)
    chapters = list(chapters)
    # Rows, not model instances: a novel has tens of thousands of paragraphs, and building a
    # model for each took most of an export's time. chapter_blocks only reads these fields.
    paragraphs: dict[int, list[ParagraphRow]] = defaultdict(list)
    rows = (
        Paragraph.objects.filter(chapter__in=chapters)
        .order_by("chapter_id", "position")
        .values_list("chapter_id", "position", "kind", "text")
    )
    for chapter_id, *fields in rows:
        paragraphs[chapter_id].append(ParagraphRow(*fields))

    # Others' spoilers of chapters the reader has not read past are left out: a file keeps no
    # marker to reveal them by.
    annotations = (
        Annotation.objects.visible_to(reader, include_shared=scope.include_shared)
        .without_hidden_spoilers(reader)
        .filter(chapter__work=work)
        .select_related("owner")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    )
    if scope.chapter is not None:
        annotations = annotations.filter(chapter__position=scope.chapter)
    tagged = Annotation.tags.through.objects
    if scope.tag:
        # A subquery, not a join: an annotation must not come out once per matching tag.
        named = tagged.filter(tag__name__iexact=scope.tag).values("annotation_id")
        annotations = annotations.filter(pk__in=named)
    if scope.kind:
        annotations = annotations.filter(
            pk__in=tagged.filter(tag__kind=scope.kind).values("annotation_id")
        )
    if scope.colour:
        annotations = annotations.filter(colour=scope.colour)

    by_chapter: dict[int, list[Annotation]] = defaultdict(list)
    for annotation in annotations:
        by_chapter[annotation.chapter_id].append(annotation)

    def address(path: str, urn: str) -> str:
        return f"{base_url.rstrip('/')}{path}" if base_url else urn

    threads = {}
    if scope.include_replies:
        threads = _threads(reader, annotations, address, work_urn(work))

    return WorkRecord(
        id=work.pk,
        title=work.title,
        author=work.author,
        fandom=work.fandom,
        language=work.language,
        summary=work.summary,
        content_hash=work.content_hash,
        url=address(work.get_absolute_url(), work_urn(work)),
        chapter_count=work.chapter_count,
        chapters=tuple(
            _chapter_record(
                chapter,
                paragraphs[chapter.pk],
                by_chapter[chapter.pk],
                reader,
                address,
                work_urn(work),
                threads,
            )
            for chapter in chapters
        ),
        reader=reader.get_username(),
        exported_at=timezone.now(),
        only_chapter=scope.chapter,
        include_shared=scope.include_shared,
        filters=scope.describe_filters(),
    )


def _threads(reader, annotations, address, urn: str) -> dict[int, tuple[ReplyRecord, ...]]:
    """Annotation id → the live replies the reader sees in its thread: one query."""
    replies = (
        Reply.objects.live()
        .seen_in_thread_by(reader)
        .filter(annotation__in=[a.pk for a in annotations])
        .select_related("author")
    )
    threads: dict[int, list[ReplyRecord]] = defaultdict(list)
    for reply in replies:
        path = reverse("annotation_thread", args=[reply.annotation_id]) + f"#reply-{reply.pk}"
        threads[reply.annotation_id].append(
            ReplyRecord(
                reply.pk,
                reply.author.get_username(),
                reply.text,
                reply.text_html,
                reply.created,
                address(path, f"{urn}:reply:{reply.pk}"),
            )
        )
    return {pk: tuple(thread) for pk, thread in threads.items()}


def _chapter_record(
    chapter: Chapter,
    paragraphs: list[ParagraphRow],
    annotations,
    reader,
    address,
    urn: str,
    threads: dict[int, tuple[ReplyRecord, ...]],
) -> ChapterRecord:
    blocks = chapter_blocks(chapter, paragraphs)
    text = blocks_text(blocks)
    placed, orphans = [], []
    for annotation in annotations:
        record = _annotation_record(annotation, reader, address, urn, threads)
        (placed if annotation.is_in_place(text) else orphans).append(record)
    return ChapterRecord(
        position=chapter.position,
        title=chapter.title,
        display_title=chapter.display_title,
        url=address(chapter.get_absolute_url(), f"{urn}:chapter:{chapter.position}"),
        blocks=blocks,
        # By where each ends: footnote references sit at the ends, so their numbers rise
        # through the text.
        annotations=tuple(sorted(placed, key=lambda a: (a.end, a.start, a.id))),
        orphans=tuple(sorted(orphans, key=lambda a: (a.start, a.end, a.id))),
    )


def _annotation_record(
    annotation: Annotation, reader, address, urn: str, threads: dict
) -> AnnotationRecord:
    return AnnotationRecord(
        id=annotation.pk,
        start=annotation.start,
        end=annotation.end,
        exact=annotation.exact,
        prefix=annotation.prefix,
        suffix=annotation.suffix,
        colour=annotation.colour,
        note=annotation.note,
        note_html=annotation.note_html,
        tags=tuple(TagRecord(t.name, t.kind, t.colour) for t in annotation.tags.all()),
        creator=annotation.owner.get_username(),
        own=annotation.owner_id == reader.pk,
        shared=annotation.shared,
        spoiler=annotation.spoiler,
        created=annotation.created,
        modified=annotation.modified,
        url=address(
            reverse("annotation", args=[annotation.pk]), f"{urn}:annotation:{annotation.pk}"
        ),
        replies=threads.get(annotation.pk, ()),
    )
