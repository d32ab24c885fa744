"""What the parser gives back: plain dataclasses, no Django."""

from dataclasses import dataclass, field
from enum import StrEnum


class ParagraphKind(StrEnum):
    TEXT = "text"
    SCENE_BREAK = "break"


@dataclass(frozen=True)
class ParsedParagraph:
    kind: ParagraphKind
    text: str = ""


@dataclass
class ParsedChapter:
    title: str = ""
    paragraphs: list[ParsedParagraph] = field(default_factory=list)
    # Author's notes stand apart from the story: each is a list of note paragraphs.
    notes_before: list[str] = field(default_factory=list)
    notes_after: list[str] = field(default_factory=list)


@dataclass
class ParsedWork:
    title: str
    chapters: list[ParsedChapter]
    author: str = ""
    fandom: str = ""
    summary: str = ""
    language: str = ""
    encoding: str = "utf-8"
    # Which reader understood the file ("plain text" for now); the importer reports it.
    source_format: str = "plain text"


class ParseError(ValueError):
    """A file we cannot read as a story; the message is shown to the reader as is."""
