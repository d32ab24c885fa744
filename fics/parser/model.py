"""What the parser gives back: plain dataclasses, no Django."""

from dataclasses import dataclass, field
from enum import StrEnum


class ParagraphKind(StrEnum):
    TEXT = "text"
    SCENE_BREAK = "break"


class EmphasisStyle(StrEnum):
    ITALIC = "em"
    BOLD = "strong"


@dataclass(frozen=True)
class Emphasis:
    """Inline emphasis as a span over the paragraph's plain text (code points, end exclusive):
    the stored text stays plain so annotation offsets never count markup."""

    start: int
    end: int
    style: EmphasisStyle


@dataclass(frozen=True)
class ParsedParagraph:
    kind: ParagraphKind
    text: str = ""
    emphasis: tuple[Emphasis, ...] = ()


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
    # Which reader understood the file ("plain text", "AO3 HTML", "EPUB", ...); reported on import.
    # parse_story sets the detected format unless the reader knew better ("FanFicFare EPUB").
    source_format: str = ""
    # Metadata some formats carry (AO3, FanFicFare, EPUB OPF, YAML front matter).
    rating: str = ""
    warnings: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    additional_tags: list[str] = field(default_factory=list)
    # Whether the author has finished it (AO3's "Chapters: 3/3", FanFicFare's "Status"); None
    # when the file does not say.
    complete: bool | None = None
    # Work-level notes (AO3 "Notes" and end notes), paragraphs separated by a blank line.
    notes: str = ""
    end_notes: str = ""
    # What was left out on purpose, one line each, shown in the import report ("3 images skipped").
    skipped: list[str] = field(default_factory=list)
    # The title made from the file name when the file gave none ("" when it gave one).
    file_name_title: str = ""

    @property
    def untitled(self) -> bool:
        """Whether the title is only the file name's (a reader that found one later replaced it)."""
        return bool(self.file_name_title) and self.title == self.file_name_title


class ParseError(ValueError):
    """A file we cannot read as a story; the message is shown to the reader as is."""
