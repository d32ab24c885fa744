"""AO3's other downloads (EPUB, AZW3, MOBI, PDF) give the same work as its HTML download. AO3
makes them with Calibre from that HTML; so were these fixtures, from a story written for the
tests (fixtures/ao3_formats/make_fixtures.sh)."""

from pathlib import Path

import pytest

from fics.parser import ParsedWork, ParseError, parse_story
from fics.parser.formats import pdf
from fics.parser.formats.ao3_layout import Line

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
    [
        ("lighthouse.epub", "AO3 EPUB"),
        ("lighthouse.azw3", "AO3 AZW3"),
        ("lighthouse.mobi", "AO3 MOBI"),
        ("lighthouse.pdf", "AO3 PDF"),
    ],
)
def test_every_download_gives_the_same_work(html_download, name, source_format):
    work = read(name)

    assert work.source_format == source_format
    assert as_compared(work) == html_download


def printed_page(number: int, *texts: str) -> tuple[float, list]:
    """A page of 800 points: a running header, the lines given, and its number at the foot."""
    header = Line(number, 200, 770, 400, 10, False, "The Lighthouse Keeper's Ledger")
    body = [Line(number, 100, 700 - 20 * n, 500, 12, False, text) for n, text in enumerate(texts)]
    foot = Line(number, 300, 30, 310, 10, False, str(number + 1))
    return 800.0, [header, *body, foot]


def test_running_headers_and_page_numbers_are_left_out():
    pages = [
        printed_page(0, "The wind came off the sea at dusk, the way it always did in November,"),
        printed_page(1, "and Maren climbed the steps.", "", "She trimmed the wick."),
        printed_page(2, "The light turned slowly over the water."),
    ]

    kept = [line.text for lines in pdf._without_running_lines(pages) for line in lines]

    assert "The Lighthouse Keeper's Ledger" not in kept
    assert not [text for text in kept if text.isdigit()]
    assert "She trimmed the wick." in kept


def test_any_other_pdf_is_read_as_text_with_its_paragraphs_rebuilt():
    work = read("harbour.pdf")

    assert work.source_format == "PDF"
    assert [chapter.title for chapter in work.chapters] == ["Chapter 1", "Chapter 2"]
    first = [paragraph.text for paragraph in work.chapters[0].paragraphs]
    assert first[0].startswith("The harbour wall had stood for three hundred years, and in all")
    assert first[0].endswith("at the northern end, where the water was deepest.")
    assert first[1] == "Ines asked. She was nine, and she asked everything."


@pytest.mark.parametrize("name", ["lighthouse.pdf", "lighthouse.azw3", "lighthouse.mobi"])
def test_a_damaged_book_is_refused_with_a_message(name):
    data = (FIXTURES / name).read_bytes()

    with pytest.raises(ParseError, match=r"could not|no text|no title|no chapters"):
        parse_story(data[: len(data) // 3], name)
