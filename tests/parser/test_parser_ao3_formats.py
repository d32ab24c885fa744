"""AO3's other downloads (EPUB, AZW3, MOBI, PDF) give the same work as its HTML download. AO3
makes them with Calibre from that HTML; so were these fixtures, from a story written for the
tests (fixtures/ao3_formats/make_fixtures.sh)."""

from pathlib import Path

import pytest

from fics.parser import ParsedWork, parse_story

FIXTURES = Path(__file__).parent / "fixtures" / "ao3_formats"


def read(name: str) -> ParsedWork:
    return parse_story((FIXTURES / name).read_bytes(), name)


def as_compared(work: ParsedWork) -> dict:
    chapters = [
        (
            chapter.title,
            [paragraph.text for paragraph in chapter.paragraphs],
            chapter.notes_before,
            chapter.notes_after,
        )
        for chapter in work.chapters
    ]
    fields = ["title", "author", "fandom", "rating", "warnings", "relationships", "characters"]
    fields += ["additional_tags", "language", "summary", "notes", "end_notes"]
    return {"chapters": chapters} | {name: getattr(work, name) for name in fields}


@pytest.fixture(scope="module")
def html_download() -> dict:
    work = read("lighthouse.html")
    assert work.source_format == "AO3 HTML"
    assert len(work.chapters) == 2
    assert work.end_notes.startswith("Thank you for reading.")
    return as_compared(work)


@pytest.mark.parametrize(
    ("name", "source_format"),
    [("lighthouse.epub", "AO3 EPUB"), ("lighthouse.azw3", "AO3 AZW3")],
)
def test_every_download_gives_the_same_work(html_download, name, source_format):
    work = read(name)

    assert work.source_format == source_format
    assert as_compared(work) == html_download
