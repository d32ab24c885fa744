"""Chapter headings among the units: heading lines, Markdown headings, subtitle lines."""

import re
from collections import Counter
from dataclasses import dataclass

from .chapter_labels import (
    MAX_HEADING_LENGTH,
    is_bare_number_heading,
    is_numbered_heading,
    labelled_heading,
    number_word_heading,
)
from .markdown_lines import strip_decoration
from .scene_breaks import is_scene_break_marker
from .text_units import Unit

_MARKDOWN_HEADING = re.compile(r"(?P<hashes>#{1,6})\s+\S.*")
_SENTENCE_END = re.compile(r"[.,;:]$")
_OPENING_PUNCTUATION = re.compile(r"^[\"'“\u2018«„\-\u2013\u2014(\[<]")
_BYLINE_OR_LABEL = re.compile(r"^(?:by\b|[\w ]{1,20}\s*[:\uff1a])", re.IGNORECASE)
_MAX_SUBTITLE_LENGTH = 60


@dataclass(frozen=True)
class Heading:
    # Units [start, end) are the heading (and its subtitle line).
    start: int
    end: int
    title: str


def find_headings(units: list[Unit]) -> list[Heading]:
    chapter_level = _markdown_chapter_level(units)
    headings: list[Heading] = []
    index = 0
    while index < len(units):
        title = _heading_title(units, index, chapter_level)
        if title is None:
            index += 1
            continue
        end = index + 1
        subtitle = _subtitle(units, end) if is_bare_number_heading(units[index].text) else None
        if subtitle:
            title, end = f"{title}: {subtitle}", end + 1
        headings.append(Heading(index, end, title))
        index = end
    return headings


def markdown_title(units: list[Unit]) -> str | None:
    """A Markdown heading on the first line, shallower than every later heading, names the work."""
    first = _markdown_level(units[0].text) if units else 0
    if not first:
        return None
    rest = [level for unit in units[1:] if (level := _markdown_level(unit.text))]
    if rest and first < min(rest):
        return strip_decoration(units[0].text)
    return None


def _heading_title(units: list[Unit], index: int, chapter_level: int) -> str | None:
    unit = units[index]
    if len(unit.text) > MAX_HEADING_LENGTH or is_scene_break_marker(unit.text):
        return None
    level = _markdown_level(unit.text)
    if level and index == 0 and markdown_title(units):
        return None
    if level and level == chapter_level:
        return strip_decoration(unit.text)
    title = labelled_heading(unit.text)
    if title is None and _stands_alone(units, index):
        title = number_word_heading(unit.text)
    return title


def _subtitle(units: list[Unit], index: int) -> str | None:
    """A short title line right under "Chapter 3" belongs to the heading."""
    if index >= len(units) - 1 or units[index].gap > 1:
        return None
    text = units[index].text
    words = strip_decoration(text)
    if (
        not words
        or len(words) > _MAX_SUBTITLE_LENGTH
        or text.startswith("***")
        or is_scene_break_marker(text)
        or is_numbered_heading(words)
        or _SENTENCE_END.search(words)
        or _OPENING_PUNCTUATION.search(words)
        or _BYLINE_OR_LABEL.search(words)
    ):
        return None
    return words


def _stands_alone(units: list[Unit], index: int) -> bool:
    return (index == 0 or units[index].gap > 0) and (
        index == len(units) - 1 or units[index + 1].gap > 0
    )


def _markdown_level(text: str) -> int:
    # Asked of every unit several times over: the cheap test first.
    match = _MARKDOWN_HEADING.fullmatch(text) if text.startswith("#") else None
    return len(match.group("hashes")) if match else 0


def _markdown_chapter_level(units: list[Unit]) -> int:
    """The shallowest Markdown heading level, the work's title line aside; 0 when none."""
    # Only a line that starts with "#" has a level: the others are not asked.
    levels = Counter(_markdown_level(unit.text) for unit in units if unit.text.startswith("#"))
    del levels[0]
    if markdown_title(units):
        levels[_markdown_level(units[0].text)] -= 1
    present = [level for level, count in levels.items() if count > 0]
    return min(present) if present else 0
