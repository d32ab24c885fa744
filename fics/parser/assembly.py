"""Paragraphs to chapters, and the finishing touches every reader shares.

Every reader hands its paragraphs here as passages. Scene breaks are tidied (never at either end
of a chapter, never two in a row) and, for formats that do not mark their author's notes, the
notes at either end of a chapter (before any scene break) are moved out of the story.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import takewhile
from pathlib import PurePath

from .model import ParagraphKind, ParsedChapter, ParsedParagraph, ParsedWork, ParseError
from .rules.author_notes import leading_note_count
from .rules.html_blocks import Block, BlockKind
from .rules.language import guess_language
from .rules.scene_breaks import is_scene_break_marker

SCENE_BREAK = ParsedParagraph(ParagraphKind.SCENE_BREAK)
# Fifteen times the longest novel in the corpus (HPMOR, 20,000). A file that would make more is
# a mistake or an attack, and would fill the reader's memory and the database.
MAX_PARAGRAPHS = 300_000


@dataclass(frozen=True, slots=True)
class Passage:
    """A paragraph (or scene break) on its way into a chapter."""

    paragraph: ParsedParagraph
    # The text as the file wrote it, markup included: a Markdown note is told by its `**` too.
    written: str = ""

    @property
    def is_break(self) -> bool:
        return self.paragraph.kind == ParagraphKind.SCENE_BREAK


BREAK = Passage(SCENE_BREAK)


def passages_from_blocks(blocks: Iterable[Block]) -> list[Passage]:
    """Headings inside a chapter's text are the author's own (a letter's heading, a date line)."""
    passages: list[Passage] = []
    for block in blocks:
        if block.kind == BlockKind.BREAK or is_scene_break_marker(block.text):
            passages.append(BREAK)
        else:
            emphasis = block.emphasis if block.kind == BlockKind.TEXT else ()
            paragraph = ParsedParagraph(ParagraphKind.TEXT, block.text, emphasis)
            passages.append(Passage(paragraph, block.text))
    return passages


def assemble_chapter(
    title: str,
    passages: list[Passage],
    *,
    notes_before: Iterable[str] = (),
    notes_after: Iterable[str] = (),
    find_notes: bool = False,
) -> ParsedChapter:
    """A chapter; with `find_notes`, author's notes at either end (before any scene break) are
    moved out of the story. Formats that mark their notes pass them in instead."""
    passages = _tidy_breaks(passages)
    before_texts, after_texts = list(notes_before), list(notes_after)
    if find_notes:
        before = leading_note_count(_written_until_break(passages))
        after = leading_note_count(_written_until_break(reversed(passages)))
        # Notes need a story to stand apart from; a chapter of author's talk stays as it is.
        # (Most chapters have none: they are spared the count and a second tidying.)
        if (before or after) and before + after < sum(not passage.is_break for passage in passages):
            end = len(passages) - after
            before_texts += [passage.paragraph.text for passage in passages[:before]]
            after_texts = [passage.paragraph.text for passage in passages[end:]] + after_texts
            passages = _tidy_breaks(passages[before:end])
    paragraphs = [passage.paragraph for passage in passages]
    return ParsedChapter(title, paragraphs, before_texts, after_texts)


def check_paragraph_count(count: int) -> None:
    if count > MAX_PARAGRAPHS:
        raise ParseError(
            f"This file would make more than {MAX_PARAGRAPHS:,} paragraphs, more than any story "
            "has; it was not imported."
        )


def story_chapters(chapters: list[ParsedChapter]) -> list[ParsedChapter]:
    """The chapters with story text in them; a work needs at least one."""
    kept = [chapter for chapter in chapters if chapter.paragraphs]
    if not kept:
        raise ParseError("The file has no story text in it.")
    return kept


def finish_work(work: ParsedWork, filename: str, *, language: str = "", images: int = 0) -> None:
    """What every HTML and EPUB reader ends with: a title (from the file name when the file
    gives none), the language (`language` when the file names one, else guessed from the story)
    and the import report's line for the pictures left out."""
    if not work.title:
        work.title = work.file_name_title = title_from_filename(filename)
    work.language = (
        language
        or work.language
        or guess_language(" ".join(p.text for chapter in work.chapters for p in chapter.paragraphs))
    )
    if images:
        work.skipped.append(images_skipped(images))


def title_from_filename(filename: str) -> str:
    words = " ".join(PurePath(filename).stem.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:] if words else "Untitled"


def images_skipped(count: int) -> str:
    """The import report's line for pictures left out: stories are stored as text only."""
    return f"{count} image{'s' if count != 1 else ''} skipped"


def _written_until_break(passages: Iterable[Passage]) -> Iterable[str]:
    return (passage.written for passage in takewhile(lambda p: not p.is_break, passages))


def _tidy_breaks(passages: list[Passage]) -> list[Passage]:
    tidy: list[Passage] = []
    # Whether the last passage kept is a break, or none is kept yet: a break is then dropped.
    after_break = True
    for passage in passages:
        is_break = passage.is_break
        if is_break and after_break:
            continue
        tidy.append(passage)
        after_break = is_break
    if tidy and after_break:
        tidy.pop()
    return tidy
