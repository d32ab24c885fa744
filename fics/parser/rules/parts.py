"""Novels in parts: "Part One", "Book I", "Livre premier" … each holding numbered chapters, which
may be numbered with nothing but a Roman numeral on a line of its own. Each chapter becomes one,
titled with its part ("Part One · I"); a part heading right above its first chapter is one
heading with it. The plain-text reader applies it to the headings chapter_headings finds.

Only a book with two parts or more, a part heading right above a chapter heading, is read so:
elsewhere "Part 2" is an ordinary chapter heading, and a lone "I" an ordinary line.
"""

import re
from dataclasses import replace

from .chapter_headings import Heading
from .chapter_labels import labelled_heading
from .markdown_lines import strip_decoration
from .text_units import Unit

_PART = re.compile(
    r"(?:part|book|volume|livre|partie|tome|teil|buch|parte|libro|часть|книга)\b.*"
    r"|第[0-9\uff10-\uff19\u3007零一二三四五六七八九十百千两]+[部卷].*",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"(?P<number>[IVXLC]+|\d{1,3})\.?")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
SEPARATOR = " · "


def headings_in_parts(units: list[Unit], headings: list[Heading]) -> list[Heading]:
    parts = {heading.start for heading in headings if _PART.fullmatch(_words(units, heading))}
    # One part named again above every chapter ("Book 3: …") is the book's running title.
    if len({_words(units, heading) for heading in headings if heading.start in parts}) < 2:
        return headings
    found = [_without_number_subtitle(units, heading, parts) for heading in headings]
    found = sorted(found + _numbered_lines(units, found, parts), key=lambda heading: heading.start)
    starts = {heading.start for heading in found}
    if not any(heading.start in parts and heading.end in starts for heading in found):
        return headings
    titled: list[Heading] = []
    part, part_start = "", None
    for heading in found:
        if heading.start in parts:
            part = heading.title
            if heading.end in starts:
                # Right above its first chapter: the two are one heading.
                part_start = heading.start
            else:
                titled.append(heading)
            continue
        title = f"{part}{SEPARATOR}{heading.title}" if part else heading.title
        start = heading.start if part_start is None else part_start
        titled.append(Heading(start, heading.end, title))
        part_start = None
    return titled


def _words(units: list[Unit], heading: Heading) -> str:
    return strip_decoration(units[heading.start].text)


def _without_number_subtitle(units: list[Unit], heading: Heading, parts: set[int]) -> Heading:
    """ "Part One" took the "I" under it for its subtitle: that is its first chapter."""
    split = heading.start in parts and heading.end == heading.start + 2
    if split and _number(units[heading.start + 1].text) is not None:
        title = labelled_heading(units[heading.start].text) or _words(units, heading)
        return replace(heading, end=heading.start + 1, title=title)
    return heading


def _numbered_lines(units: list[Unit], headings: list[Heading], parts: set[int]) -> list[Heading]:
    """Lines holding a chapter's number alone, with blank lines around them, counting up from
    1 in each part or on through the book."""
    taken = {index for heading in headings for index in range(heading.start, heading.end)}
    found = []
    expected: set[int] = set()
    for index, unit in enumerate(units):
        if index in parts:
            expected = {1, *{n + 1 for n in expected}}
            continue
        if index in taken:
            continue
        number = _number(unit.text) if _stands_alone(units, index) else None
        if number is not None and number in expected:
            found.append(Heading(index, index + 1, strip_decoration(unit.text).rstrip(".")))
            expected = {number + 1}
    return found


def _number(text: str) -> int | None:
    match = _BARE_NUMBER.fullmatch(strip_decoration(text))
    if match is None:
        return None
    number = match.group("number")
    return int(number) if number.isdigit() else _roman(number)


def _roman(numeral: str) -> int | None:
    values = [_ROMAN[letter] for letter in numeral]
    total = sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))
    # Only numerals written the usual way ("IIII" or "IC" are words or initials, not numbers).
    return total if total > 0 and _as_roman(total) == numeral else None


def _as_roman(number: int) -> str:
    digits = [(100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
              (4, "IV"), (1, "I")]  # fmt: skip
    written = ""
    for value, letters in digits:
        count, number = divmod(number, value)
        written += letters * count
    return written


def _stands_alone(units: list[Unit], index: int) -> bool:
    return (index == 0 or units[index].gap > 0) and (
        index == len(units) - 1 or units[index + 1].gap > 0
    )
