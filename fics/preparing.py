"""Everything an import works out from a file alone, before it writes: the parsed work, its
characters, each chapter's rows and word count, the characters' mentions.

No Django here: `read_story` runs where the file is read, in a child process when there is
one (fics.tasks.read_in_child, fics.importing_in_turn), so that the process writing the rows
only writes. On SQLite its transactions hold the one write lock every reader's annotation waits
for; and with `import_fics`, the child prepares the next file while the parent writes this one.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fics.parser import ParsedChapter, ParsedWork, count_words, detect_characters, parse_story
from fics.parser.rules.mentions import SceneMentions, count_mentions, name_forms

# The characters a file names, and those guessed from its text that it does not name.
Characters = tuple[list[str], list[str]]
# Chapter position → its mentions, scene by scene.
WorkMentions = dict[int, list[SceneMentions]]


@dataclass(frozen=True)
class PreparedChapter:
    """A parsed chapter as its rows will hold it."""

    title: str
    notes_before: str
    notes_after: str
    word_count: int
    paragraphs: list[tuple]  # _paragraph_rows


@dataclass(frozen=True)
class PreparedWork:
    """A parsed file with what its rows need: the pure part of an import."""

    parsed: ParsedWork
    characters: Characters
    chapters: list[PreparedChapter]
    mentions: WorkMentions


def read_story(data: bytes, name: str) -> PreparedWork:
    """Parse the file and prepare its rows; fics.parser.ParseError when it is no story."""
    with _collector_paused():
        return prepare_work(parse_story(data, name))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a file is read.

    Reading builds a hundred thousand objects that all live on (HPMOR: 20,000 paragraphs, their
    rows and emphasis), and each time enough have piled up the collector walks them again, and
    every older object with them: in import_fics's child, a fork of a process holding Django,
    that was a third of HPMOR's reading (0.59 s of processor time; 0.35 s with it held off).
    Reading leaves no cycles behind (none in any file of the shared corpus), so nothing waits
    on a later collection. The collector is the process's: only one thread reads at a time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def prepare_work(parsed: ParsedWork) -> PreparedWork:
    characters = work_characters(parsed)
    return PreparedWork(
        parsed=parsed,
        characters=characters,
        chapters=[_prepare_chapter(chapter) for chapter in parsed.chapters],
        mentions=count_work_mentions(parsed, characters),
    )


def _prepare_chapter(parsed: ParsedChapter) -> PreparedChapter:
    return PreparedChapter(
        title=parsed.title[:300],
        notes_before="\n\n".join(parsed.notes_before),
        notes_after="\n\n".join(parsed.notes_after),
        # One call over the chapter: words never run across the line breaks joining paragraphs.
        word_count=count_words("\n".join(paragraph.text for paragraph in parsed.paragraphs)),
        paragraphs=_paragraph_rows(parsed),
    )


def _paragraph_rows(parsed: ParsedChapter) -> list[tuple]:
    """(position, kind, text, emphasis) of each paragraph, as the database keeps them."""
    return [
        (
            position,
            str(paragraph.kind),
            paragraph.text,
            [[e.start, e.end, str(e.style)] for e in paragraph.emphasis],
        )
        for position, paragraph in enumerate(parsed.paragraphs, start=1)
    ]


def work_characters(parsed: ParsedWork) -> Characters:
    """The characters the file names (with those of its relationships), and the names guessed
    from the text that it does not."""
    named = _distinct(
        parsed.characters
        + [
            name
            for relationship in parsed.relationships
            for name in relationship.replace("&", "/").split("/")
        ]
    )
    texts = [p.text for chapter in parsed.chapters for p in chapter.paragraphs]
    return named[:40], detect_characters(texts, known=named)


def _distinct(names: list[str]) -> list[str]:
    """Each name once, whatever its case, in first-seen order."""
    kept: dict[str, str] = {}
    for name in names:
        if name.strip():
            kept.setdefault(name.strip().casefold(), name.strip())
    return list(kept.values())


def count_work_mentions(parsed: ParsedWork, characters: Characters) -> WorkMentions:
    """Each parsed chapter's mentions of the work's characters (listed, then guessed)."""
    names = name_forms(*characters)
    return {
        position: count_mentions(
            ((n, str(p.kind), p.text) for n, p in enumerate(chapter.paragraphs, start=1)), names
        )
        for position, chapter in enumerate(parsed.chapters, start=1)
    }
