"""Chapters from the blocks of structured formats (HTML, EPUB): breaks tidied, notes set apart."""

from collections.abc import Iterable

from .model import ParagraphKind, ParsedChapter, ParsedParagraph, ParseError
from .rules.author_notes import leading_note_count
from .rules.html_blocks import Block, BlockKind
from .rules.scene_breaks import is_scene_break_marker

SCENE_BREAK = ParsedParagraph(ParagraphKind.SCENE_BREAK)


def paragraphs_from_blocks(blocks: Iterable[Block]) -> list[ParsedParagraph]:
    """Headings inside a chapter's text are the author's own (a letter's heading, a date line)."""
    paragraphs: list[ParsedParagraph] = []
    for block in blocks:
        if block.kind == BlockKind.BREAK or is_scene_break_marker(block.text):
            paragraphs.append(SCENE_BREAK)
        else:
            emphasis = block.emphasis if block.kind == BlockKind.TEXT else ()
            paragraphs.append(ParsedParagraph(ParagraphKind.TEXT, block.text, emphasis))
    return paragraphs


def assemble_chapter(
    title: str,
    paragraphs: list[ParsedParagraph],
    *,
    notes_before: Iterable[str] = (),
    notes_after: Iterable[str] = (),
    find_notes: bool = False,
) -> ParsedChapter:
    """A chapter; with `find_notes`, author's notes at either end (before any scene break) are
    moved out of the story, as in plain text. Formats that mark their notes pass them in."""
    paragraphs = tidy_breaks(paragraphs)
    before_texts, after_texts = list(notes_before), list(notes_after)
    if find_notes:
        before = leading_note_count(_texts_until_break(paragraphs))
        after = leading_note_count(_texts_until_break(paragraphs[::-1]))
        if before + after < sum(p.kind == ParagraphKind.TEXT for p in paragraphs):
            before_texts += [paragraph.text for paragraph in paragraphs[:before]]
            after_texts = [p.text for p in paragraphs[len(paragraphs) - after :]] + after_texts
            paragraphs = tidy_breaks(paragraphs[before : len(paragraphs) - after])
    return ParsedChapter(title, paragraphs, before_texts, after_texts)


def tidy_breaks(paragraphs: list[ParsedParagraph]) -> list[ParsedParagraph]:
    """No scene break at either end of a chapter, and never two in a row."""
    tidy: list[ParsedParagraph] = []
    for paragraph in paragraphs:
        is_break = paragraph.kind == ParagraphKind.SCENE_BREAK
        if is_break and (not tidy or tidy[-1].kind == ParagraphKind.SCENE_BREAK):
            continue
        tidy.append(paragraph)
    if tidy and tidy[-1].kind == ParagraphKind.SCENE_BREAK:
        tidy.pop()
    return tidy


def story_chapters(chapters: list[ParsedChapter]) -> list[ParsedChapter]:
    """The chapters with story text in them; a work needs at least one."""
    kept = [chapter for chapter in chapters if chapter.paragraphs]
    if not kept:
        raise ParseError("The file has no story text in it.")
    return kept


def _texts_until_break(paragraphs: list[ParsedParagraph]) -> list[str]:
    texts: list[str] = []
    for paragraph in paragraphs:
        if paragraph.kind == ParagraphKind.SCENE_BREAK:
            break
        texts.append(paragraph.text)
    return texts
