import csv
import io

import pytest

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
