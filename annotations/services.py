"""Writes that touch annotations and tags: one keyword-only function per action."""

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from annotations.anchoring import ChapterText, Segment
from annotations.models import Annotation, Colour, Tag
from annotations.note_html import render_note
from fics.models import Chapter, Paragraph

TAG_NAME_MAX = Tag._meta.get_field("name").max_length


def chapter_segments(chapter: Chapter, paragraphs: Iterable[Paragraph]) -> list[Segment]:
    """The chapter as anchoring sees it: notes before, story paragraphs, notes after."""
    before = [Segment(f"nb{n}", text) for n, text in enumerate(chapter.notes_before_paragraphs, 1)]
    story = [
        Segment(f"p{paragraph.position}", paragraph.text)
        for paragraph in paragraphs
        if paragraph.kind == Paragraph.Kind.TEXT
    ]
    after = [Segment(f"na{n}", text) for n, text in enumerate(chapter.notes_after_paragraphs, 1)]
    return before + story + after


def segment_at(text: ChapterText, offset: int) -> str:
    """The key of the segment a chapter-text offset falls in (the next one, in a separator)."""
    starts = text.segment_starts()
    keys, positions = list(starts), list(starts.values())
    index = max(0, bisect_right(positions, offset) - 1)
    if offset >= positions[index] + len(text.segments[index].text) and index + 1 < len(keys):
        index += 1
    return keys[index]


def annotation_create(
    *,
    user,
    chapter: Chapter,
    utf16_start: int,
    utf16_end: int,
    exact: str,
    colour: str = Colour.YELLOW,
    note: str = "",
    tag_names: Sequence[str] = (),
    tag_kind: str | None = None,
    shared: bool = False,
) -> Annotation:
    """Anchor the reader's selection and save it; AnchorError if the page was out of date."""
    paragraphs = list(chapter.paragraphs.all())
    text = ChapterText(chapter_segments(chapter, paragraphs))
    span, quote = text.anchor_selection(utf16_start, utf16_end, exact)
    with transaction.atomic():
        annotation = Annotation.objects.create(
            owner=user,
            chapter=chapter,
            start=span.start,
            end=span.end,
            exact=quote.exact,
            prefix=quote.prefix,
            suffix=quote.suffix,
            segment=segment_at(text, span.start),
            colour=colour if colour in Colour.values else Colour.YELLOW,
            note=note,
            note_html=render_note(note),
            shared=shared,
        )
        if tag_names:
            tags = tags_get_or_create(
                user=user, names=tag_names, kind=tag_kind, known_characters=chapter.work.characters
            )
            annotation.tags.set(tags)
    return annotation


def annotation_update(
    *,
    annotation: Annotation,
    colour: str,
    note: str,
    shared: bool,
    tag_names: Sequence[str],
) -> Annotation:
    with transaction.atomic():
        annotation.colour = colour if colour in Colour.values else annotation.colour
        annotation.note = note
        annotation.note_html = render_note(note)
        annotation.shared = shared
        annotation.save(update_fields=["colour", "note", "note_html", "shared", "modified"])
        annotation.tags.set(tags_get_or_create(user=annotation.owner, names=tag_names))
    return annotation


def annotation_delete(*, annotation: Annotation) -> None:
    annotation.deleted_at = timezone.now()
    annotation.save(update_fields=["deleted_at"])


def annotation_restore(*, annotation: Annotation) -> None:
    annotation.deleted_at = None
    annotation.save(update_fields=["deleted_at"])


def clean_tag_name(name: str) -> str:
    return " ".join(name.split())[:TAG_NAME_MAX]


def tags_get_or_create(
    *, user, names: Iterable[str], kind: str | None = None, known_characters: Iterable[str] = ()
) -> list[Tag]:
    """The reader's tags with these names (any case), creating the missing ones.

    A new tag named like one of the work's characters starts out as a character tag.
    """
    characters = {name.casefold() for name in known_characters}
    wanted = {clean_tag_name(name).casefold(): clean_tag_name(name) for name in names}
    wanted.pop("", None)
    if not wanted:
        return []
    lookup = Q()
    for folded in wanted:
        lookup |= Q(name__iexact=folded)
    existing = {tag.name.casefold(): tag for tag in Tag.objects.filter(lookup, owner=user)}
    tags = []
    for folded, name in wanted.items():
        tag = existing.get(folded)
        if tag is None:
            tag_kind = kind or (Tag.Kind.CHARACTER if folded in characters else Tag.Kind.OTHER)
            tag = Tag.objects.create(owner=user, name=name, kind=tag_kind)
        tags.append(tag)
    return tags


def tag_merge(*, source: Tag, into: Tag) -> None:
    """Give `into` every annotation of `source`, then drop `source`; no annotation is lost."""
    if source.pk == into.pk:
        return
    with transaction.atomic():
        through = Annotation.tags.through
        already = through.objects.filter(tag=into).values("annotation_id")
        through.objects.filter(tag=source).exclude(annotation_id__in=already).update(tag=into)
        source.delete()
