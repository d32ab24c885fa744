"""What one reader sees of a chapter: their highlights and the shared ones, filtered as asked.

Everything the chapter page shows of annotations is read here in a fixed number of queries; the
page itself (annotations.chapter_page) is cached under the chapter's `fingerprint`.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest

from annotations.anchoring import Highlight, Span
from annotations.chapter_source import ChapterSource, chapter_source
from annotations.group_activity import NEWS_SQL
from annotations.models import Annotation, Colour, Tag
from fics.db import prepared_cursor
from fics.models import Chapter, Work
from fics.progress import READ_PAST_SQL, VISIT_SQL, Visit, visit_params
from groups.models import Membership

COLOUR_BY_TAG = "colour_by_tag"
# The session's record of whose annotations each work's pages show: work id → view.
READING_VIEWS = "reading_views"
MINE, ALL = "own", "all"
# Read on every chapter page: the choices' `values` are worked out anew at each use.
TAG_KINDS = frozenset(Tag.Kind.values)
COLOURS = frozenset(Colour.values)


@dataclass(frozen=True)
class HighlightFilter:
    tag: int | None = None
    kind: str = ""
    colour: str = ""

    @classmethod
    def from_query(cls, query) -> "HighlightFilter":
        tag = query.get("tag", "")
        kind = query.get("kind", "")
        colour = query.get("colour", "")
        return cls(
            tag=int(tag) if tag.isdigit() else None,
            kind=kind if kind in TAG_KINDS else "",
            colour=colour if colour in COLOURS else "",
        )

    def __bool__(self) -> bool:
        return bool(self.tag or self.kind or self.colour)

    def apply(self, annotations):
        tagged = Annotation.tags.through.objects
        # Subqueries, not joins: an annotation must not come out once per matching tag.
        if self.tag:
            annotations = annotations.filter(
                pk__in=tagged.filter(tag_id=self.tag).values("annotation_id")
            )
        if self.kind:
            annotations = annotations.filter(
                pk__in=tagged.filter(tag__kind=self.kind).values("annotation_id")
            )
        if self.colour:
            annotations = annotations.filter(colour=self.colour)
        return annotations


@dataclass(frozen=True)
class ReadingState:
    """Who reads, and how they asked to see the highlights."""

    reader: object
    # Whose annotations the page shows: "own", "all" (everyone I can see) or a group's id
    # (mine and that group's); remembered per work (READING_VIEWS).
    view: str = ALL
    colour_by_tag: bool = False
    filter: HighlightFilter = HighlightFilter()

    @classmethod
    def of(cls, request: HttpRequest, work_pk: int | None = None) -> "ReadingState":
        views = request.session.get(READING_VIEWS, {})
        return cls(
            reader=request.user,
            view=views.get(str(work_pk), ALL) if work_pk is not None else ALL,
            colour_by_tag=bool(request.session.get(COLOUR_BY_TAG)),
            filter=HighlightFilter.from_query(request.GET),
        )

    @property
    def hide_shared(self) -> bool:
        return self.view == MINE

    @property
    def view_group(self) -> int | None:
        return int(self.view) if self.view.isdigit() else None

    def cache_key(self) -> tuple:
        return (self.reader.pk, self.view, self.colour_by_tag, self.filter)

    def visible_sql_params(self) -> dict:
        """The parameters of VISIBLE_SQL for this reader and view."""
        return {
            "reader": self.reader.pk,
            "others": not self.hide_shared,
            "everyone": self.view_group is None,
            "group": self.view_group or 0,
        }

    def visible_annotations(self):
        return Annotation.objects.visible_to(
            self.reader, include_shared=not self.hide_shared, group=self.view_group
        )

    def visible(self, chapter: Chapter):
        return self.visible_annotations().filter(chapter=chapter)

    def shown(self, chapter: Chapter):
        """What the list and the highlights show: the visible ones the filter keeps."""
        return self.filter.apply(self.visible(chapter))

    def shown_sql(self, chapter_id: int) -> tuple[str, dict]:
        """`shown` in SQL, for the chapter with this id: a condition on the annotations `a` and
        its parameters. Written out for the answers to writes, which ask twice each: building
        these lookups with the ORM cost more than the rest of the answer."""
        params = self.visible_sql_params() | {"chapter": chapter_id}
        where = [f"a.chapter_id = %(chapter)s AND {VISIBLE_SQL}"]
        if self.filter.tag:
            where.append(f"a.id IN (SELECT annotation_id FROM {TAGGED} WHERE tag_id = %(tag)s)")
            params["tag"] = self.filter.tag
        if self.filter.kind:
            where.append(
                f"a.id IN (SELECT at.annotation_id FROM {TAGGED} AS at "
                f"JOIN {Tag._meta.db_table} AS t ON t.id = at.tag_id WHERE t.kind = %(kind)s)"
            )
            params["kind"] = self.filter.kind
        if self.filter.colour:
            where.append("a.colour = %(colour)s")
            params["colour"] = self.filter.colour
        return " AND ".join(where), params

    def highlight(self, annotation: Annotation) -> Highlight:
        colour = annotation.colour
        # A hidden spoiler's tags are hidden with its note, their colours too (whoever colours
        # by tag reads the annotations `with_spoiler_hidden`).
        if self.colour_by_tag and not annotation.spoiler_hidden and (tags := annotation.tags.all()):
            colour = tags[0].colour
        css_class = f"hl-{colour}"
        if annotation.owner_id != self.reader.pk:
            css_class += " hl-shared"
        return Highlight(annotation.pk, Span(annotation.start, annotation.end), css_class)


# Written out because it runs on every chapter page, cached or not: building the same lookups
# with the ORM cost more than everything else a cached page does.
# The SQL twin of Annotation.objects.visible_to, over the annotations `a`.
ANNOTATIONS = Annotation._meta.db_table
TAGGED = Annotation.tags.through._meta.db_table
VISIBLE_SQL = f"""a.deleted_at IS NULL
           AND (a.owner_id = %(reader)s OR (%(others)s AND a.hidden_at IS NULL
             AND ((%(everyone)s AND a.shared) OR a.group_id IN (
               SELECT m.group_id FROM {Membership._meta.db_table} AS m
               WHERE m.user_id = %(reader)s AND (%(group)s = 0 OR m.group_id = %(group)s)))))"""

# The SQL twin of annotations.models.spoiler_hidden, over the annotations `a` of `chapter`.
HIDDEN_SPOILERS_SQL = f"""a.spoiler AND a.owner_id <> %(reader)s AND {VISIBLE_SQL}
           AND NOT {READ_PAST_SQL}"""

VERSION_SQL = f"""
    SELECT chapter.id, work.content_hash, work.updated,
        (SELECT COUNT(*) FROM {Annotation._meta.db_table} AS a
         WHERE a.chapter_id = chapter.id AND {VISIBLE_SQL}),
        (SELECT MAX(a.modified) FROM {Annotation._meta.db_table} AS a
         WHERE a.chapter_id = chapter.id AND {VISIBLE_SQL}),
        (SELECT COUNT(*) FROM {Annotation._meta.db_table} AS a
         WHERE a.chapter_id = chapter.id AND {HIDDEN_SPOILERS_SQL}),
        (SELECT COUNT(*) FROM {Tag._meta.db_table} WHERE owner_id = %(reader)s),
        (SELECT MAX(modified) FROM {Tag._meta.db_table} WHERE owner_id = %(reader)s),
        (SELECT COUNT(*) FROM {Membership._meta.db_table} WHERE user_id = %(reader)s),
        (SELECT MAX(id) FROM {Membership._meta.db_table} WHERE user_id = %(reader)s),
        {NEWS_SQL},{VISIT_SQL}
    FROM {Chapter._meta.db_table} AS chapter
    JOIN {Work._meta.db_table} AS work ON work.id = chapter.work_id
    WHERE chapter.work_id = %(work)s AND chapter.position = %(position)s
        AND work.staged_at IS NULL
"""


# The last columns of VERSION_SQL: the reader's place (fics.progress.VISIT_SQL).
_VISIT_COLUMNS = 2


@dataclass(frozen=True)
class ChapterVersion:
    # Everything the reader's chapter page shows can change only if this changes.
    key: tuple
    # Their place, read in the same query: not part of what the page shows.
    visit: Visit

    @property
    def chapter_id(self) -> int:
        return self.key[0]

    @property
    def groups_news(self) -> bool:
        return bool(self.key[-1])


def chapter_version(state: ReadingState, work_pk: int, position: int) -> ChapterVersion:
    """Everything a reader's chapter page shows can change only if this changes: the chapter,
    its work's version (every update of the text and every edit of the work changes one or the
    other) and the fingerprint of the annotations and tags the reader sees there.

    Every change to an annotation, deleting and restoring included, and every change to a tag
    shown on it (services), raises its `modified` to the newest time; one leaving the reader's
    view lowers the count; a reply, or a moderator hiding one, raises its annotation's
    `modified` too (the list entry shows the thread's count). The others' spoilers the reader
    has not read past are counted apart: that count falls to nought when the reader reads past
    the chapter, and is nought all along on a chapter without them. Likewise for the reader's own
    tags, which the filters and the tag picker list. The reader's groups (their count and the
    newest membership: every join makes a newer one) change the view choices and what the page
    may show; the last column of the key says whether anything in them is new to the reader,
    which the site header shows (annotations.group_activity.NEWS_SQL). The same query reads the
    reader's place for opening the chapter (fics.progress.progress_visit), so that a cached
    page costs this one query. Http404 when there is no such chapter.
    """
    params = state.visible_sql_params() | {"work": work_pk, "position": position}
    params |= visit_params()
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL, params)
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such chapter.")
    key, (paragraph, unchanged) = row[:-_VISIT_COLUMNS], row[-_VISIT_COLUMNS:]
    return ChapterVersion(tuple(key), Visit(row[0], work_pk, paragraph, bool(unchanged)))


@dataclass
class AnnotatedChapter:
    source: ChapterSource
    # Text block key → its HTML with the reader's highlights.
    drawn: dict[str, str]
    annotations: list[Annotation]
    orphans: list[Annotation]
    hidden_count: int
    reader_tags: list[Tag]
    state: ReadingState


def annotated_chapter(state: ReadingState, chapter: Chapter) -> AnnotatedChapter:
    source = chapter_source(chapter)
    # Each with `spoiler_hidden`: drawn as a marker, not a note.
    visible = list(
        state.visible(chapter)
        .with_spoiler_hidden(state.reader)
        .with_reply_counts(state.reader)
        .select_related("owner", "group")
        .prefetch_related("tags")
    )
    shown = visible
    if state.filter:
        kept = set(state.shown(chapter).values_list("pk", flat=True))
        shown = [a for a in visible if a.pk in kept]
    placed = [a for a in shown if a.is_in_place(source.text)]
    orphans = [a for a in shown if not a.is_in_place(source.text)]
    return AnnotatedChapter(
        source=source,
        drawn=source.draw([state.highlight(a) for a in placed]),
        annotations=placed,
        orphans=orphans,
        hidden_count=len(visible) - len(shown),
        reader_tags=list(Tag.objects.filter(owner=state.reader)),
        state=state,
    )


@dataclass(frozen=True)
class AfterWrite:
    """What a write changed of the reader's chapter page, read in one query."""

    # (start, end, id) of the annotations the reader is shown on the chapter, orphans left out,
    # in reading order: the list as the write leaves it.
    listed: list[tuple[int, int, int]]
    # Text block key → its HTML with every highlight the reader sees there, for the blocks the
    # written spans touch.
    drawn: dict[str, str]


def after_write(
    state: ReadingState, chapter: Chapter, source: ChapterSource, spans: list[Span]
) -> AfterWrite:
    """The list's order and the blocks these spans touch, drawn again: what a change to an
    annotation over these spans changes on the page.

    One query reads where every annotation shown on the chapter is, and what drawing reads of
    those near the spans (is_in_place and ReadingState.highlight): their words, their colour
    and, when colouring by tag, whether they are a hidden spoiler's (which its chapter's row
    tells; its tags are hidden with its note).
    """
    keys = source.keys_touching(spans)
    bounds = [source.text.segment_span(key) for key in keys]
    where, params = state.shown_sql(chapter.pk)
    # Near: over those blocks (none is, when there is no block to draw).
    params |= {
        "last": max((bound.end for bound in bounds), default=0),
        "first": min((bound.start for bound in bounds), default=0),
    }
    hidden, joined = "FALSE", ""
    if state.colour_by_tag:
        hidden = HIDDEN_SPOILERS_SQL
        joined = f"JOIN {Chapter._meta.db_table} AS chapter ON chapter.id = a.chapter_id "
    near = 'a.start < %(last)s AND a."end" > %(first)s'
    with prepared_cursor() as cursor:
        cursor.execute(
            f'SELECT a.id, a.start, a."end", a.orphaned, {near}, a.owner_id, a.colour, '
            f"CASE WHEN {near} THEN a.exact END, {hidden} "
            f"FROM {ANNOTATIONS} AS a {joined}WHERE {where}",
            params,
        )
        rows = cursor.fetchall()
    listed, nearby = [], []
    for pk, start, end, orphaned, is_near, owner, colour, exact, spoiler_hidden in rows:
        if not orphaned:
            listed.append((start, end, pk))
        if is_near:
            annotation = Annotation(
                id=pk, owner_id=owner, start=start, end=end, exact=exact, colour=colour,
                orphaned=orphaned,
            )  # fmt: skip
            annotation.spoiler_hidden = bool(spoiler_hidden)
            nearby.append(annotation)
    listed.sort()
    if state.colour_by_tag:
        prefetch_related_objects(nearby, "tags")
    highlights = [state.highlight(a) for a in nearby if a.is_in_place(source.text)]
    return AfterWrite(listed, source.draw(highlights, keys) if keys else {})
