"""Reading ../shared/corpus for the parser tests: each file parsed once per run."""

import functools
from pathlib import Path

from fics.parser import ParagraphKind, ParsedWork, parse_story

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@functools.cache
def parse(name: str) -> ParsedWork:
    """A corpus file parsed, by its path below the corpus folder ("more/ao3-oneshot-en.html")."""
    path = CORPUS / name
    return parse_story(path.read_bytes(), path.name)


def texts(work: ParsedWork) -> list[str]:
    return [
        paragraph.text
        for chapter in work.chapters
        for paragraph in chapter.paragraphs
        if paragraph.kind == ParagraphKind.TEXT
    ]


def scene_breaks(work: ParsedWork) -> int:
    return sum(
        paragraph.kind == ParagraphKind.SCENE_BREAK
        for chapter in work.chapters
        for paragraph in chapter.paragraphs
    )
