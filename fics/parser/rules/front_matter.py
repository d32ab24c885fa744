"""What stands before the first chapter: title line, "by Author", `Label: value` metadata, notes."""

import re
from dataclasses import dataclass, field

from .author_notes import NOTE, NOTE_NEIGHBOUR, note_score
from .markdown_lines import strip_decoration
from .scene_breaks import is_scene_break_marker
from .text_units import Unit

_LABEL = re.compile(
    r"(?P<label>title|authors?|fandoms?|category|categories|summary|description|characters|"
    r"relationships?|pairings?|ratings?|warnings?|archive warnings?|tags|additional tags|genres?|"
    r"status|published|updated|completed|packaged|words|chapters|series|series url|story url|"
    r"author url|publisher|language)\s*[:\uff1a]\s*(?P<value>.*)",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"by\s*[:\s]\s*(?P<author>\S.{0,60})", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.,;:!?…\"”\u2019]$")
_OPENING_PUNCTUATION = re.compile(r"^[\"'“\u2018«„\-\u2013\u2014(\[<]")
_MAX_TITLE_LENGTH = 80
_MAX_TITLE_WORDS = 12


@dataclass
class FrontMatter:
    title: str = ""
    author: str = ""
    fandom: str = ""
    summary: str = ""
    # Everything else, in file order: notes, other metadata, or story text with no heading.
    rest: list[Unit] = field(default_factory=list)


def read_front_matter(units: list[Unit]) -> FrontMatter:
    front = FrontMatter()
    story_seen = False
    index = 0
    while index < len(units):
        unit = units[index]
        text = strip_decoration(unit.text)
        label = _LABEL.fullmatch(text)
        author = read_byline(unit.text)
        if not front.title and not story_seen and not label and is_title_line(unit.text):
            front.title = text
        elif author and not front.author:
            front.author = author
        elif label and label.group("label").lower() in {"summary", "description"}:
            index = _read_summary(units, index, label.group("value"), front)
            continue
        elif label and label.group("label").lower().startswith(("fandom", "categor")):
            front.fandom = label.group("value")
        elif label and label.group("label").lower() in {"title", "author", "authors"}:
            setattr(front, label.group("label").lower().removesuffix("s"), label.group("value"))
        else:
            story_seen = story_seen or note_score(unit.text) < NOTE_NEIGHBOUR
            front.rest.append(unit)
        index += 1
    return front


def read_byline(text: str) -> str | None:
    byline = _BYLINE.fullmatch(strip_decoration(text))
    return byline.group("author").rstrip(" ,.;") if byline else None


def is_title_line(text: str) -> bool:
    words = strip_decoration(text)
    return (
        0 < len(words) <= _MAX_TITLE_LENGTH
        and len(words.split()) <= _MAX_TITLE_WORDS
        and any(character.isalpha() for character in words)
        and not _SENTENCE_END.search(words)
        and not _OPENING_PUNCTUATION.search(words)
        and not is_scene_break_marker(text)
        and note_score(text) < NOTE
    )


def _read_summary(units: list[Unit], index: int, first_line: str, front: FrontMatter) -> int:
    """The summary runs on over the paragraphs that follow closely, up to the next label."""
    parts = [first_line] if first_line else []
    index += 1
    while (
        index < len(units)
        and units[index].gap <= 1
        and not _LABEL.fullmatch(strip_decoration(units[index].text))
    ):
        parts.append(strip_decoration(units[index].text))
        index += 1
    front.summary = "\n\n".join(parts)
    return index
