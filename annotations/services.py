"""Writes that touch annotations and tags: one keyword-only function per action."""

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from annotations import row_writes
from annotations.anchoring import AnchorError, ChapterText, Quote, Span
from annotations.chapter_source import chapter_source
from annotations.models import Annotation, Colour, Tag
from annotations.note_html import render_note
from annotations.reanchoring import Anchor, Placement, reanchor
from annotations.signals import annotation_written, whole_write
from annotations.write_lookups import reader_tags
from fics.db import prepared_cursor
from fics.models import Chapter, hold_chapter
from groups.models import ReadingGroup

TAG_NAME_MAX = Tag._meta.get_field("name").max_length
# The table of the links between annotations and tags.
TAGGED = Annotation.tags.through._meta.db_table


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
    group: ReadingGroup | None = None,
    spoiler: bool = False,
) -> Annotation:
    """Anchor the reader's selection and save it; AnchorError if the page was out of date.

    The annotation comes back with its tags known (ChosenTags.known_by)."""

    def anchored(chapter: Chapter) -> tuple[ChapterText, Span]:
        text = chapter_source(chapter).text
        return text, text.anchor_selection(utf16_start, utf16_end, exact)[0]

    # Anchored before the lock below, so that readers annotating one chapter wait on each other
    # only for the writes; a failure is told once the lock says whether the chapter still exists.
    try:
        text, span = anchored(chapter)
    except AnchorError:
        text = span = None
    with transaction.atomic():
        # Read again under a lock: a deletion or an update of the work that came first is seen
        # (the chapter is gone, or its text changed), one that comes later waits for this
        # annotation and then sees it (fics.models.WorkQuerySet.lock).
        version = hold_chapter(chapter.pk)
        if version is None:
            raise AnchorError("This chapter was deleted a moment ago; nothing was saved.")
        locked = chapter
        if version != chapter.work.content_hash:
            # An update committed while this one waited: the chapter and work as it left them.
            locked = Chapter.objects.select_related("work").get(pk=chapter.pk)
        if span is None or locked is not chapter:
            text, span = anchored(locked)
        chosen = _tags_chosen(
            user=user,
            names=tag_names,
            kind=tag_kind,
            known_characters=locked.work.picker_characters,
        )
        annotation = annotation_place(
            user=user,
            chapter=locked,
            text=text,
            span=span,
            colour=colour,
            note=note,
            tags=chosen.tags,
            shared=shared,
            group=group,
            spoiler=spoiler,
        )
    return chosen.known_by(annotation)


@whole_write()
def annotation_place(
    *,
    user,
    chapter: Chapter,
    text: ChapterText,
    span: Span,
    colour: str,
    note: str,
    tags: Sequence[Tag],
    shared: bool = False,
    group: ReadingGroup | None = None,
    spoiler: bool = False,
) -> Annotation:
    """Save an annotation on a span already anchored in the chapter's current text."""
    quote = text.quote(span)
    annotation = Annotation(
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
        shared=shared and group is None,
        group=group,
        spoiler=spoiler,
    )
    row_writes.insert(annotation)
    if tags:
        # A new annotation has no links to compare with.
        _link_tags(annotation.pk, tags)
    annotation_written.send(sender=Annotation, annotation=annotation)
    return annotation


def _link_tags(annotation_id: int, tags: Sequence[Tag], *, replacing: bool = False) -> None:
    """Link the annotation to these tags; when `replacing`, unlink it from any other first.

    Written out rather than through tags.set(), which reads the links first to tell receivers
    of m2m_changed the difference (annotation_written tells of the whole write), and rather
    than built by the ORM, which cost more than sending them on each highlight saved; and
    prepared (fics.db). On PostgreSQL one statement: both parts see the same snapshot, and the
    rows deleted are never those inserted.
    """
    ids = [tag.pk for tag in tags]
    statements = []
    if replacing:
        kept = f" AND tag_id NOT IN ({', '.join(['%s'] * len(ids))})" if ids else ""
        statements.append(
            (f"DELETE FROM {TAGGED} WHERE annotation_id = %s{kept}", [annotation_id, *ids])
        )
    if ids:
        rows = ", ".join(["(%s, %s)"] * len(ids))
        statements.append(
            (
                f"INSERT INTO {TAGGED} (annotation_id, tag_id) VALUES {rows} "
                # The links it had already; any other conflict (an id taken) is an error, not a
                # link quietly lost.
                "ON CONFLICT (annotation_id, tag_id) DO NOTHING",
                [value for tag_id in ids for value in (annotation_id, tag_id)],
            )
        )
    if len(statements) == 2 and connection.vendor == "postgresql":
        (delete, delete_params), (insert, insert_params) = statements
        statements = [(f"WITH unlinked AS ({delete}) {insert}", delete_params + insert_params)]
    with prepared_cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def annotations_reanchor(
    *, chapter: Chapter, old_text: str, new_text: ChapterText
) -> dict[int, str]:
    """Move every annotation of a chapter whose text changed onto the new text.

    Those that cannot be placed are marked orphaned, never deleted. Returns each annotation's
    placement ("kept", "moved", "fuzzy", "orphaned") for the import report.
    """
    annotations = list(chapter.annotations.all())
    anchors = [
        Anchor(a.pk, Span(a.start, a.end), Quote(a.exact, a.prefix, a.suffix)) for a in annotations
    ]
    results = {result.id: result for result in reanchor(old_text, new_text.text, anchors)}
    for annotation in annotations:
        result = results[annotation.pk]
        annotation.orphaned = result.placement is Placement.ORPHANED
        # New text, new places to suggest: an orphan kept as a note comes back to the queue.
        annotation.orphan_dismissed = False
        if not annotation.orphaned:
            annotation.start, annotation.end = result.span.start, result.span.end
            annotation.exact = result.quote.exact
            annotation.prefix, annotation.suffix = result.quote.prefix, result.quote.suffix
            annotation.segment = segment_at(new_text, result.span.start)
    Annotation.objects.bulk_update(
        annotations,
        ["orphaned", "orphan_dismissed", "start", "end", "exact", "prefix", "suffix", "segment"],
    )
    return {result.id: str(result.placement) for result in results.values()}


@whole_write()
def annotation_update(
    *,
    annotation: Annotation,
    colour: str,
    note: str,
    shared: bool,
    tag_names: Sequence[str],
    tag_kind: str | None = None,
    group: ReadingGroup | None = None,
    spoiler: bool = False,
) -> Annotation:
    """Save the reader's changes; the annotation comes back with its tags known
    (ChosenTags.known_by)."""
    with transaction.atomic():
        annotation.colour = colour if colour in Colour.values else annotation.colour
        if note != annotation.note:  # most edits change its tags or colour, not its words
            annotation.note = note
            annotation.note_html = render_note(note)
        annotation.shared = shared and group is None
        annotation.group = group
        annotation.spoiler = spoiler
        row_writes.update(
            annotation, ("colour", "note", "note_html", "shared", "group", "spoiler", "modified")
        )
        # The reader's kind is for new tags that are not one of the work's characters.
        chosen = _tags_chosen(
            user=annotation.owner,
            names=tag_names,
            kind=tag_kind,
            known_characters=annotation.chapter.work.picker_characters,
            characters_keep_their_kind=True,
        )
        _link_tags(annotation.pk, chosen.tags, replacing=True)
        annotation_written.send(sender=Annotation, annotation=annotation)
    return chosen.known_by(annotation)


def annotation_reattach(
    *, annotation: Annotation, utf16_start: int, utf16_end: int, exact: str
) -> Annotation:
    text = chapter_source(annotation.chapter).text
    span, quote = text.anchor_selection(utf16_start, utf16_end, exact)
    annotation.start, annotation.end = span.start, span.end
    annotation.exact, annotation.prefix, annotation.suffix = quote.exact, quote.prefix, quote.suffix
    annotation.segment = segment_at(text, span.start)
    annotation.orphaned = False
    annotation.save()
    return annotation


@whole_write()
def annotation_delete(*, annotation: Annotation) -> None:
    with transaction.atomic():
        annotation.deleted_at = timezone.now()
        # `modified` too: pages are cached under the newest change they show.
        row_writes.update(annotation, ("deleted_at", "modified"))
        annotation_written.send(sender=Annotation, annotation=annotation)


@whole_write()
def annotation_restore(*, annotation: Annotation) -> None:
    with transaction.atomic():
        annotation.deleted_at = None
        row_writes.update(annotation, ("deleted_at", "modified"))
        annotation_written.send(sender=Annotation, annotation=annotation)


def clean_tag_name(name: str) -> str:
    return " ".join(name.split())[:TAG_NAME_MAX]


def tags_get_or_create(
    *,
    user,
    names: Iterable[str],
    kind: str | None = None,
    known_characters: Iterable[str] = (),
    characters_keep_their_kind: bool = False,
) -> list[Tag]:
    """The reader's tags with these names (any case), creating the missing ones.

    A new tag named like one of the work's characters starts out as a character tag, unless
    `kind` names another (as an imported file may) and `characters_keep_their_kind` is not set;
    any other new tag takes `kind`, or "other".
    """
    return _tags_chosen(
        user=user,
        names=names,
        kind=kind,
        known_characters=known_characters,
        characters_keep_their_kind=characters_keep_their_kind,
    ).tags


@dataclass(frozen=True)
class ChosenTags:
    """The tags a reader gave an annotation (tags_get_or_create), and what drawing it needs."""

    tags: list[Tag]
    # The reader's tags before any was created, in the order pages list them (Tag's ordering).
    listed: list[Tag]
    created: list[Tag]

    def known_by(self, annotation: Annotation) -> Annotation:
        """The annotation with `new_tags`, the tags this write created (the pickers must offer
        them), and its tags known in their order (Annotation.know_tags): drawing it reads
        none. Unless tags were created: where they come in that order is for the database to
        say (SQLite and PostgreSQL compare letters differently), and drawing reads them."""
        annotation.new_tags = self.created
        if self.created:
            annotation.forget_tags()
        else:
            chosen = {tag.pk for tag in self.tags}
            annotation.know_tags([tag for tag in self.listed if tag.pk in chosen])
        return annotation


def _tags_chosen(
    *,
    user,
    names: Iterable[str],
    kind: str | None,
    known_characters: Iterable[str],
    characters_keep_their_kind: bool = False,
) -> ChosenTags:
    characters = {name.casefold() for name in known_characters}
    wanted = {clean_tag_name(name).casefold(): clean_tag_name(name) for name in names}
    wanted.pop("", None)
    if not wanted:
        return ChosenTags(tags=[], listed=[], created=[])
    listed = reader_tags(user)
    # Compared in Python: SQLite folds only ASCII case, and "Élise" must find "élise".
    existing = {tag.name.casefold(): tag for tag in listed}
    tags, created = [], []
    for folded, name in wanted.items():
        tag = existing.get(folded)
        if tag is None:
            if folded in characters and (characters_keep_their_kind or not kind):
                tag_kind = Tag.Kind.CHARACTER
            else:
                tag_kind = kind or Tag.Kind.OTHER
            # Each new tag takes the next colour, so that chips tell tags apart at a glance.
            colour = Colour.values[len(existing) % len(Colour.values)]
            tag = existing[folded] = Tag.objects.create(
                owner=user, name=name, kind=tag_kind, colour=colour
            )
            created.append(tag)
        tags.append(tag)
    return ChosenTags(tags=tags, listed=listed, created=created)


def tag_touch_annotations(*, tag: Tag) -> None:
    """A tag's name, colour or kind shows on its annotations: mark them changed, so that no page
    cached under their `modified` shows the old tag (annotations.reading.fingerprint)."""
    Annotation.objects.filter(tags=tag).update(modified=timezone.now())


def tag_delete(*, tag: Tag) -> None:
    with transaction.atomic():
        tag_touch_annotations(tag=tag)
        tag.delete()


def tag_merge(*, source: Tag, into: Tag) -> None:
    """Give `into` every annotation of `source`, then drop `source`; no annotation is lost."""
    if source.pk == into.pk:
        return
    with transaction.atomic():
        tag_touch_annotations(tag=source)
        through = Annotation.tags.through
        already = through.objects.filter(tag=into).values("annotation_id")
        through.objects.filter(tag=source).exclude(annotation_id__in=already).update(tag=into)
        source.delete()
