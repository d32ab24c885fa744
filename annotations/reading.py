"""What the chapter page needs to show a reader's highlights: a fixed number of queries."""

from dataclasses import dataclass, field

from django.http import HttpRequest

from annotations.anchoring import ChapterText, Highlight, Span, Styling
from annotations.models import Annotation, Colour, Tag
from annotations.services import chapter_text
from fics.models import Chapter, Paragraph

HIDE_SHARED = "hide_shared"
COLOUR_BY_TAG = "colour_by_tag"


@dataclass(frozen=True)
class Block:
    """One paragraph as the page draws it."""

    key: str
    kind: str
    html: str = ""
    utf16_start: int = 0


@dataclass
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
            kind=kind if kind in Tag.Kind.values else "",
            colour=colour if colour in Colour.values else "",
        )

    def keeps(self, annotation: Annotation) -> bool:
        tags = annotation.tags.all()
        return (
            (not self.tag or any(tag.pk == self.tag for tag in tags))
            and (not self.kind or any(tag.kind == self.kind for tag in tags))
            and (not self.colour or annotation.colour == self.colour)
        )


@dataclass
class ChapterBlocks:
    """A chapter as the page draws it: notes before, the story, notes after."""

    notes_before: list[Block]
    story: list[Block]
    notes_after: list[Block]


@dataclass
class AnnotatedChapter(ChapterBlocks):
    annotations: list[Annotation]
    hidden_count: int
    reader_tags: list[Tag]
    characters: list[str]
    filter: HighlightFilter
    hide_shared: bool
    colour_by_tag: bool
    orphans: list[Annotation] = field(default_factory=list)


def annotated_chapter(request: HttpRequest, chapter: Chapter) -> AnnotatedChapter:
    paragraphs = list(chapter.paragraphs.all())
    text = chapter_text(chapter, paragraphs)
    hide_shared = bool(request.session.get(HIDE_SHARED))
    colour_by_tag = bool(request.session.get(COLOUR_BY_TAG))
    highlight_filter = HighlightFilter.from_query(request.GET)

    visible = list(
        Annotation.objects.visible_to(request.user, include_shared=not hide_shared)
        .filter(chapter=chapter)
        .select_related("owner")
        .prefetch_related("tags")
    )
    shown = [a for a in visible if highlight_filter.keeps(a)]
    placed, orphans = [], []
    for annotation in shown:
        (placed if is_in_place(annotation, text) else orphans).append(annotation)
    highlights = [
        Highlight(a.pk, Span(a.start, a.end), _css_class(a, request.user, colour_by_tag))
        for a in placed
    ]
    return AnnotatedChapter(
        **vars(chapter_blocks(chapter, paragraphs, text, highlights)),
        annotations=placed,
        hidden_count=len(visible) - len(shown),
        reader_tags=list(Tag.objects.filter(owner=request.user)),
        characters=chapter.work.characters,
        filter=highlight_filter,
        hide_shared=hide_shared,
        colour_by_tag=colour_by_tag,
        orphans=orphans,
    )


def is_in_place(annotation: Annotation, text: ChapterText) -> bool:
    """Whether a highlight can be drawn where it is stored. One whose words left that place
    (its chapter was re-imported) is listed instead, never drawn on the wrong words."""
    stored = text.text[annotation.start : annotation.end]
    return not annotation.orphaned and stored == annotation.exact


def chapter_blocks(
    chapter: Chapter,
    paragraphs: list[Paragraph],
    text: ChapterText | None = None,
    highlights: list[Highlight] = (),
) -> ChapterBlocks:
    """The chapter's paragraphs as HTML blocks: escaped text, the source's emphasis, and the
    highlights given (none on pages that show no annotations)."""
    text = text or chapter_text(chapter, paragraphs)
    marks = text.highlight(highlights, source_styling(text, paragraphs))
    utf16 = text.utf16_starts()

    def block(key: str) -> Block:
        return Block(key, Paragraph.Kind.TEXT, marks[key], utf16[key])

    return ChapterBlocks(
        notes_before=[block(f"nb{n}") for n in range(1, len(chapter.notes_before_paragraphs) + 1)],
        story=[
            block(f"p{p.position}")
            if p.kind == Paragraph.Kind.TEXT
            else Block(f"p{p.position}", Paragraph.Kind.SCENE_BREAK)
            for p in paragraphs
        ],
        notes_after=[block(f"na{n}") for n in range(1, len(chapter.notes_after_paragraphs) + 1)],
    )


def source_styling(text: ChapterText, paragraphs: list[Paragraph]) -> list[Styling]:
    """The paragraphs' own italics and bold, moved from paragraph to chapter-text offsets."""
    starts = text.segment_starts()
    return [
        Styling(Span(starts[key] + start, starts[key] + end), style)
        for paragraph in paragraphs
        if paragraph.emphasis and (key := f"p{paragraph.position}") in starts
        for start, end, style in paragraph.emphasis
    ]


def _css_class(annotation: Annotation, user, colour_by_tag: bool) -> str:
    colour = annotation.colour
    tags = annotation.tags.all()
    if colour_by_tag and tags:
        colour = tags[0].colour
    classes = [f"hl-{colour}"]
    if annotation.owner_id != user.pk:
        classes.append("hl-shared")
    return " ".join(classes)
