"""Lines to units: the paragraphs, headings and markers of a file, with the blank lines before each.

Two layouts exist. Most files keep one paragraph per line. Hard-wrapped files (Project Gutenberg,
mailing-list archives, some FanFicFare output) cut paragraphs into lines of about the same width;
their lines are joined back here, so that later steps see one unit per paragraph either way.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

from .chapter_labels import labelled_heading
from .markdown_lines import strip_quote_marker
from .scene_breaks import is_scene_break_marker

_WIDE = "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60"
_WIDE_CHARS = re.compile(f"[{_WIDE}]")
_WIDE_RUN = re.compile(f"[{_WIDE}]+")
_MAX_WRAP_WIDTH = 100
# A bare image placeholder from Project Gutenberg: the picture is not in the text file.
_IMAGE_PLACEHOLDER = re.compile(r"\[Illustration\]", re.IGNORECASE)


@dataclass(frozen=True)
class Unit:
    text: str
    # Blank lines between this unit and the previous one (0 inside a block of lines).
    gap: int


@dataclass(slots=True)
class _Line:
    # The line as laid out (its indentation kept), for its display width.
    raw: str
    indent: int
    text: str
    width: int = 0
    # The display width of its first word (its first character in Chinese or Japanese): whether
    # that word would have fitted on the line before is asked of every line, twice.
    first_word_width: int = 0
    # A heading or a scene-break marker: never joined to the lines around it.
    stands_alone: bool = False


def read_units(text: str, *, markdown: bool) -> list[Unit]:
    blocks = _blocks_of_lines(text, markdown=markdown)
    # A line is at least as wide as it is long: when the usual line is longer than any wrap,
    # the file is not hard-wrapped, and its lines' layout (display widths: a search per line
    # that is not ASCII) is never needed.
    if blocks and median(len(raw) for _, block in blocks for raw in block) <= _MAX_WRAP_WIDTH:
        # A line's width is its length when the file has no wide character (most files): one
        # search of the text rather than one of each line that is not ASCII (curly quotes).
        width = display_width if _WIDE_CHARS.search(text) else len
        laid_out = [(gap, [_laid_out(raw, width) for raw in block]) for gap, block in blocks]
        widths = sorted(line.width for _, block in laid_out for line in block)
        # Most lines of a hard-wrapped file come close to the wrap width; letters and verse
        # are narrower blocks measured against it too.
        wrap_width = widths[int(0.9 * (len(widths) - 1))]
        if _is_hard_wrapped(laid_out, widths, wrap_width):
            return _joined_units(laid_out, wrap_width)
    return [
        Unit(_single_spaced(raw.lstrip()), gap if position == 0 else 0)
        for gap, block in blocks
        for position, raw in enumerate(block)
    ]


def display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    # Counted by runs: a line of Chinese is one run, where subn or findall would handle each
    # of its characters.
    return len(text) + sum(map(len, _WIDE_RUN.findall(text)))


def _first_word_width(text: str, width: Callable[[str], int]) -> int:
    if _WIDE_CHARS.match(text):
        return 2
    return width(text.partition(" ")[0])


def _blocks_of_lines(text: str, *, markdown: bool) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with the count of blank lines before it. A line is kept as
    laid out (its indentation with tabs expanded), less its trailing spaces and quote markers."""
    # Tab stops start again at every line break: the whole text expands as each line would.
    if "\t" in text:
        text = text.expandtabs(4)
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    blank_lines = 0
    for raw in text.split("\n"):
        raw = raw.rstrip()
        if markdown:
            raw = strip_quote_marker(raw)
        if not raw:
            if current:
                blocks.append((blank_lines, current))
                current, blank_lines = [], 0
            blank_lines += 1
        elif raw[-1] != "]" or not _IMAGE_PLACEHOLDER.fullmatch(raw.lstrip()):
            current.append(raw)
    if current:
        blocks.append((blank_lines, current))
    return blocks


def _laid_out(raw: str, width: Callable[[str], int]) -> _Line:
    stripped = raw.lstrip()
    text = _single_spaced(stripped)
    return _Line(raw, len(raw) - len(stripped), text, width(raw), _first_word_width(text, width))


def _single_spaced(text: str) -> str:
    """Runs of spaces as one space. Most lines have none: every whitespace character but the
    space is unprintable, so two cheap tests spare them the split and join."""
    if "  " in text or not text.isprintable():
        return " ".join(text.split())
    return text


def _is_hard_wrapped(
    blocks: list[tuple[int, list[_Line]]], widths: list[int], wrap_width: int
) -> bool:
    """Most lines that run on into another line are full: the next word would not have fit."""
    if median(widths) > _MAX_WRAP_WIDTH:
        return False
    inner_lines = full_lines = 0
    for _, block in blocks:
        block_width = _block_width(block, wrap_width)
        for line, following in pairwise(block):
            inner_lines += 1
            full_lines += not _ends_paragraph(line, following, block_width)
    return inner_lines >= 0.2 * len(widths) and full_lines >= 0.8 * inner_lines


def _ends_paragraph(line: _Line, following: _Line, block_width: int) -> bool:
    """The next line's first word would have fitted on this one, so the writer broke it here.

    Wrappers count a little differently from us (bytes, tabs, wide characters), hence the slack.
    """
    slack = max(2, block_width // 10)
    return line.width + 1 + following.first_word_width <= block_width - slack


def _block_width(block: list[_Line], wrap_width: int) -> int:
    # Writers re-wrap some paragraphs narrower than others; each block keeps its own width.
    return max(max(line.width for line in block), int(0.9 * wrap_width))


def _joined_units(blocks: list[tuple[int, list[_Line]]], wrap_width: int) -> list[Unit]:
    units: list[Unit] = []
    for gap, block in blocks:
        if len(block) > 1:
            for line in block:
                line.stands_alone = labelled_heading(
                    line.text
                ) is not None or is_scene_break_marker(line.text)
        block_width = _block_width(block, wrap_width)
        paragraph = [block[0]]
        for previous, line in pairwise(block):
            if _starts_paragraph(previous, line, block_width):
                units.append(Unit(_join(paragraph), gap))
                gap = 0
                paragraph = []
            paragraph.append(line)
        units.append(Unit(_join(paragraph), gap))
    return units


def _starts_paragraph(previous: _Line, line: _Line, block_width: int) -> bool:
    return (
        line.indent > previous.indent
        or _ends_paragraph(previous, line, block_width)
        # A heading glued to the paragraph before or after it still stands alone.
        or previous.stands_alone
        or line.stands_alone
    )


def _join(lines: list[_Line]) -> str:
    # Parts joined once at the end: adding to a growing string (and searching it) is quadratic.
    parts = [lines[0].text]
    for previous, line in pairwise(lines):
        # Chinese and Japanese lines are cut between characters, not at spaces.
        if not (_WIDE_CHARS.match(previous.text[-1]) and _WIDE_CHARS.match(line.text[0])):
            parts.append(" ")
        parts.append(line.text)
    return "".join(parts)
