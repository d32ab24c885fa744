"""A chapter in reading order as blocks: the author's notes before it, the story, the notes after.

The one layout that the chapter page, anchoring and every export share. Text blocks are the
segments of the chapter text annotations are anchored to (annotations.anchoring); scene breaks
are blocks with no text and no segment.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from annotations.anchoring import ChapterText, Segment

TEXT = "text"
SCENE_BREAK = "break"

BEFORE = "before"
STORY = "story"
AFTER = "after"


@dataclass(frozen=True)
class Block:
    """One paragraph in reading order; `key` is its segment key ("nb1", "p3", "na1")."""

    key: str
    kind: str = TEXT
    part: str = STORY
    text: str = ""


class ParagraphLike(Protocol):
    position: int
    kind: str
    text: str


def chapter_blocks(chapter, paragraphs: Iterable[ParagraphLike]) -> tuple[Block, ...]:
    """`chapter` needs only its notes; `paragraphs` may be models or plain rows."""
    before = [
        Block(f"nb{n}", TEXT, BEFORE, text)
        for n, text in enumerate(chapter.notes_before_paragraphs, 1)
    ]
    story = [
        Block(f"p{p.position}", TEXT, STORY, p.text)
        if p.kind == TEXT
        else Block(f"p{p.position}", SCENE_BREAK, STORY)
        for p in paragraphs
    ]
    after = [
        Block(f"na{n}", TEXT, AFTER, text)
        for n, text in enumerate(chapter.notes_after_paragraphs, 1)
    ]
    return (*before, *story, *after)


def blocks_text(blocks: Iterable[Block]) -> ChapterText:
    return ChapterText([Segment(block.key, block.text) for block in blocks if block.kind == TEXT])


def chapter_text(chapter, paragraphs: Iterable[ParagraphLike]) -> ChapterText:
    return blocks_text(chapter_blocks(chapter, paragraphs))
