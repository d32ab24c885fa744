"""A table of contents at the top of a file, and the bare chapter titles it announces.

Some files (HPMOR, FanFicFare output) mark chapters only by a title line with no "Chapter" word;
the list at the top tells us which lines those are.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass

from .chapter_headings import Heading
from .markdown_lines import strip_decoration
from .text_units import Unit

_NUMBERED_ENTRY = re.compile(r"(?P<number>\d{1,4})[.)]\s+(?P<title>\S.{0,120})")
_CONTENTS_LABEL = re.compile(r"(?:table of )?contents|sommaire|目录|目錄", re.IGNORECASE)
_MAX_ENTRY_LENGTH = 120
_MIN_ENTRIES = 3
# The list is looked for near the top only: a numbered list inside a chapter is story text.
_SEARCH_WINDOW = 40


@dataclass(frozen=True)
class TableOfContents:
    start: int
    end: int
    titles: list[str]


def find_table_of_contents(units: list[Unit]) -> TableOfContents | None:
    for start in range(min(len(units), _SEARCH_WINDOW)):
        found = _numbered_list_at(units, start) or _labelled_list_at(units, start)
        if found:
            return found
    return None


def headings_from_contents(units: list[Unit], contents: TableOfContents) -> list[Heading]:
    """Standalone lines after the list that repeat its entries, in the list's order."""
    # Each line's positions, in increasing order.
    positions: dict[str, list[int]] = {}
    for index in range(contents.end, len(units)):
        if units[index].gap > 0 and len(units[index].text) <= _MAX_ENTRY_LENGTH:
            positions.setdefault(_comparable(units[index].text), []).append(index)
    headings: list[Heading] = []
    after = contents.end - 1
    for title in contents.titles:
        found = positions.get(_comparable(title), [])
        later = bisect_right(found, after)
        if later < len(found):
            after = found[later]
            headings.append(Heading(after, after + 1, strip_decoration(units[after].text)))
    return headings


def _numbered_list_at(units: list[Unit], start: int) -> TableOfContents | None:
    titles: list[str] = []
    index = start
    while index < len(units) and (index == start or units[index].gap <= 1):
        entry = _NUMBERED_ENTRY.fullmatch(units[index].text)
        if not entry or int(entry.group("number")) != len(titles) + 1:
            break
        titles.append(entry.group("title"))
        index += 1
    return TableOfContents(start, index, titles) if len(titles) >= _MIN_ENTRIES else None


def _labelled_list_at(units: list[Unit], start: int) -> TableOfContents | None:
    if not _CONTENTS_LABEL.fullmatch(strip_decoration(units[start].text)):
        return None
    titles: list[str] = []
    index = start + 1
    while (
        index < len(units) and units[index].gap <= 2 and len(units[index].text) <= _MAX_ENTRY_LENGTH
    ):
        titles.append(units[index].text)
        index += 1
    return TableOfContents(start, index, titles) if len(titles) >= _MIN_ENTRIES else None


def _comparable(text: str) -> str:
    return " ".join(strip_decoration(text).casefold().split())
