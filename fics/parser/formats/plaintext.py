"""Plain text (and light Markdown) to a ParsedWork: chapters, paragraphs, scene breaks, notes."""

from collections import Counter

from ..assembly import BREAK, Passage, assemble_chapter, title_from_filename
from ..model import ParagraphKind, ParsedChapter, ParsedParagraph, ParsedWork, ParseError
from ..rules.chapter_headings import Heading, find_headings, markdown_title
from ..rules.chapter_labels import is_first_chapter_title
from ..rules.front_matter import FrontMatter, is_title_line, read_byline, read_front_matter
from ..rules.language import guess_language
from ..rules.markdown_emphasis import parse_inline
from ..rules.markdown_lines import is_markdown_name, strip_decoration, strip_heading_hashes
from ..rules.parts import headings_in_parts
from ..rules.scene_breaks import is_scene_break_marker
from ..rules.table_of_contents import find_table_of_contents, headings_from_contents
from ..rules.text_units import Unit, read_units

# A chapter before it is built: title, units, and notes brought over from the front matter.
type Section = tuple[str, list[Unit], list[str]]

# Below this many gaps a chapter is too short to show its own layout; the file's is used.
_MIN_GAPS_FOR_LAYOUT = 8
# In a one-paragraph-per-line chapter, single blank lines are scene breaks only when rare.
_RARE_BLANK_LINES = 0.25


def parse_plain_text(text: str, filename: str, *, markdown: bool | None = None) -> ParsedWork:
    """`markdown` defaults to what the file name says."""
    if markdown is None:
        markdown = is_markdown_name(filename)
    units = read_units(text, markdown=markdown)
    front, sections = _split_chapters(units)
    file_break_gap = _scene_break_gap([unit.gap for unit in units[1:]])
    chapters = [
        _build_chapter(title, body, notes, markdown=markdown, default_break_gap=file_break_gap)
        for title, body, notes in sections
    ]
    file_name_title = "" if front.title else title_from_filename(filename)
    return ParsedWork(
        title=front.title or file_name_title,
        file_name_title=file_name_title,
        chapters=_without_empty_or_repeated(chapters),
        author=front.author,
        fandom=front.fandom,
        summary=front.summary,
        language=guess_language(text),
    )


def _split_chapters(units: list[Unit]) -> tuple[FrontMatter, list[Section]]:
    headings, preamble, from_contents = _chapter_headings(units)
    if not headings:
        return _single_chapter(units)
    front = read_front_matter(preamble)
    work_title = markdown_title(units)
    if work_title:
        front.title = work_title
        front.rest = [unit for unit in front.rest if strip_decoration(unit.text) != work_title]
    sections = [
        (heading.title, units[heading.end : following.start], [])
        for heading, following in zip(headings, [*headings[1:], _end_of(units)], strict=True)
    ]
    first_body = sections[0][1]
    if not front.author and first_body and read_byline(first_body[0].text):
        front.author = read_byline(first_body[0].text) or ""
        del first_body[0]
    if from_contents or is_first_chapter_title(headings[0].title):
        # Text before "Chapter 1" is front matter (a preface, warnings): the first chapter's notes.
        notes = [unit.text for unit in front.rest if not is_scene_break_marker(unit.text)]
        sections[0][2].extend(notes)
    elif front.rest:
        sections.insert(0, ("", front.rest, []))
    return front, sections


def _chapter_headings(units: list[Unit]) -> tuple[list[Heading], list[Unit], bool]:
    """The headings, the units before the first one (less any table of contents), and whether
    the headings came from a table of contents."""
    contents = find_table_of_contents(units)
    if contents:
        headings = headings_from_contents(units, contents)
        if len(headings) >= 2:
            preamble = units[: contents.start] + units[contents.end : headings[0].start]
            return headings, preamble, True
    # A heading with nothing under it ("Book 3" right above "Chapter 1") only groups the next.
    found = headings_in_parts(units, find_headings(units))
    if not found:
        return [], units, False
    headings = [
        heading
        for heading, following in zip(found, [*found[1:], _end_of(units)], strict=True)
        if following.start > heading.end
    ] or found[-1:]
    return headings, units[: headings[0].start], False


def _single_chapter(units: list[Unit]) -> tuple[FrontMatter, list[Section]]:
    front = FrontMatter()
    title = markdown_title(units)
    if title or (len(units) > 1 and units[1].gap > 0 and is_title_line(units[0].text)):
        front.title = title or strip_decoration(units[0].text)
        units = units[1:]
    return front, [("", units, [])]


def _end_of(units: list[Unit]) -> Heading:
    return Heading(len(units), len(units), "")


def _scene_break_gap(gaps: list[int], default: int = 2) -> int:
    """How many blank lines make a scene break, judged from the usual gap between paragraphs."""
    if not gaps:
        return default
    counts = Counter(gaps)
    usual = max(counts, key=lambda gap: (counts[gap], -gap))
    if usual == 0:
        single_blanks = counts[1]
        return 1 if single_blanks <= _RARE_BLANK_LINES * (counts[0] + single_blanks) else 2
    # Files that space every paragraph widely (three blank lines) need a much wider gap.
    return 2 if usual == 1 else 2 * usual


def _build_chapter(
    title: str,
    units: list[Unit],
    front_notes: list[str],
    *,
    markdown: bool,
    default_break_gap: int,
) -> ParsedChapter:
    gaps = [unit.gap for unit in units[1:]]
    break_gap = _scene_break_gap(gaps) if len(gaps) >= _MIN_GAPS_FOR_LAYOUT else default_break_gap
    passages: list[Passage] = []
    for position, unit in enumerate(units):
        if position > 0 and unit.gap >= break_gap:
            passages.append(BREAK)
        if is_scene_break_marker(unit.text):
            passages.append(BREAK)
        else:
            passages.append(Passage(_paragraph(unit.text, markdown=markdown), unit.text))
    return assemble_chapter(
        title,
        passages,
        notes_before=[_paragraph(text, markdown=markdown).text for text in front_notes],
        find_notes=True,
    )


def _paragraph(text: str, *, markdown: bool) -> ParsedParagraph:
    if not markdown:
        return ParsedParagraph(ParagraphKind.TEXT, strip_heading_hashes(text))
    # Emphasis becomes spans over the plain words; the stored text keeps no asterisks.
    plain, emphasis = parse_inline(strip_heading_hashes(text))
    return ParsedParagraph(ParagraphKind.TEXT, plain, emphasis)


def _without_empty_or_repeated(chapters: list[ParsedChapter]) -> list[ParsedChapter]:
    kept: list[ParsedChapter] = []
    for chapter in chapters:
        if not chapter.paragraphs and not chapter.notes_before and not chapter.notes_after:
            continue
        # Scraped files sometimes hold a chapter twice in a row; one copy is enough.
        if kept and chapter == kept[-1]:
            continue
        kept.append(chapter)
    if not kept:
        raise ParseError("The file has no story text in it.")
    return kept
