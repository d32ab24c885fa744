"""What every export format is built from: plain, frozen records with no database behind them.

`collect.py` fills them from the database; the format modules only read them, so each format is a
pure function that tests can feed by hand.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from annotations.anchoring import ChapterText, Highlight, Span
from annotations.chapter_layout import Block, blocks_text


@dataclass(frozen=True)
class TagRecord:
    name: str
    kind: str
    colour: str


@dataclass(frozen=True)
class ReplyRecord:
    id: int
    creator: str
    text: str
    # Sanitised by annotations.note_html.render_note when the reply was saved: safe to embed.
    text_html: str
    created: datetime
    url: str


@dataclass(frozen=True)
class AnnotationRecord:
    id: int
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    colour: str
    note: str
    # Sanitised by annotations.note_html.render_note when the note was saved: safe to embed.
    note_html: str
    tags: tuple[TagRecord, ...]
    creator: str
    own: bool
    shared: bool
    # Marked by its author as giving the story away: said in the JSON, so that another tool (or a
    # later import) can keep it hidden as Marginalia does.
    spoiler: bool
    created: datetime
    modified: datetime
    url: str = ""
    # Its thread, oldest first, when the reader asked for replies.
    replies: tuple[ReplyRecord, ...] = ()


@dataclass(frozen=True)
class ChapterRecord:
    position: int
    title: str
    display_title: str
    url: str
    blocks: tuple[Block, ...]
    # Highlights still at their place in the text, in the order their footnotes are numbered.
    annotations: tuple[AnnotationRecord, ...] = ()
    # Highlights whose words are no longer at their place (the chapter was re-imported since):
    # listed, never marked on the wrong words — as on the chapter page.
    orphans: tuple[AnnotationRecord, ...] = ()

    @cached_property
    def text(self) -> ChapterText:
        return blocks_text(self.blocks)

    @cached_property
    def segment_starts(self) -> dict[str, int]:
        """Where each block's text starts in the chapter's, in code points."""
        return self.text.segment_starts()

    @property
    def all_annotations(self) -> tuple[AnnotationRecord, ...]:
        return self.annotations + self.orphans

    def blocks_in(self, part: str) -> list[Block]:
        return [block for block in self.blocks if block.part == part]

    def marked_html(self) -> dict[str, str]:
        """Segment key → its text as escaped HTML with the highlights as coloured <mark>s
        (class "hl-{colour}", plus "hl-shared" for another reader's)."""
        return self.text.highlight(
            [
                Highlight(
                    a.id, Span(a.start, a.end), f"hl-{a.colour}" + ("" if a.own else " hl-shared")
                )
                for a in self.annotations
            ]
        )

    def notes_by_segment(self) -> dict[str, list[AnnotationRecord]]:
        """Segment key → the annotations whose last character is in it, in footnote order:
        where the HTML and EPUB exports put each note and its reference."""
        starts = self.segment_starts
        keys, positions = list(starts), list(starts.values())
        notes: dict[str, list[AnnotationRecord]] = {}
        for annotation in self.annotations:
            index = max(0, bisect_right(positions, annotation.end - 1) - 1)
            notes.setdefault(keys[index], []).append(annotation)
        return notes


@dataclass(frozen=True)
class WorkRecord:
    id: int
    title: str
    author: str
    fandom: str
    language: str
    summary: str
    content_hash: str
    url: str
    chapter_count: int
    chapters: tuple[ChapterRecord, ...]
    reader: str
    exported_at: datetime
    # One chapter's position when only that chapter is exported.
    only_chapter: int | None = None
    include_shared: bool = False
    # The filters the reader chose, in words ("tag “Lexa”"), for the export's heading.
    filters: tuple[str, ...] = ()

    @property
    def annotation_count(self) -> int:
        return sum(len(chapter.all_annotations) for chapter in self.chapters)

    def footnote_numbers(self) -> dict[int, int]:
        """Annotation id → its footnote number, counted through the whole export in reading
        order, so that a number is never used twice in one file."""
        ordered = (a for chapter in self.chapters for a in chapter.all_annotations)
        return {annotation.id: number for number, annotation in enumerate(ordered, 1)}

    def describe(self) -> str:
        """A one-line account of what this export holds, for its header."""
        whose = "your annotations"
        if self.include_shared:
            whose += " and the shared ones you can see"
        scope = f"chapter {self.only_chapter}" if self.only_chapter else "the whole work"
        filters = f", only {' and '.join(self.filters)}" if self.filters else ""
        count = self.annotation_count
        plural = "" if count == 1 else "s"
        return (
            f"{count} annotation{plural} on {scope}: {whose}{filters}. Exported by {self.reader} "
            f"on {self.exported_at:%Y-%m-%d}."
        )
