"""The scale benchmark's library, built tiny: every row is one the app itself could have made."""

from collections import Counter
from types import SimpleNamespace

import pytest

from annotations.anchoring import Span, quote_at
from annotations.chapter_layout import chapter_text
from annotations.note_html import render_note
from annotations.services import segment_at
from bench.scale_bench import (
    ANNOTATION_COLUMNS,
    BENCH_TAG,
    CHAPTER_COLUMNS,
    PARAGRAPH_COLUMNS,
    SEEDS,
    WORK_COLUMNS,
    Scale,
    annotation_rows,
    chapter_rows,
    paragraph_rows,
    plan_library,
    tag_names,
    work_rows,
)
from fics.models import Chapter

TINY = Scale(
    works=4, paragraphs=2_000, annotations=400, readers=3, chapter_annotations=20, tag_passages=60
)
READERS = [11, 12, 13]


@pytest.fixture(scope="module")
def library():
    if not SEEDS.is_dir():
        pytest.skip(f"the seed fics are not at {SEEDS}")
    library = plan_library(TINY)
    links = []
    annotations = list(annotation_rows(library, READERS, links, render_note))
    return SimpleNamespace(
        plan=library,
        works=[dict(zip(WORK_COLUMNS, row, strict=True)) for row in work_rows(library)],
        chapters=[dict(zip(CHAPTER_COLUMNS, row, strict=True)) for row in chapter_rows(library)],
        paragraphs=[
            dict(zip(PARAGRAPH_COLUMNS, row, strict=True)) for row in paragraph_rows(library)
        ],
        annotations=[dict(zip(ANNOTATION_COLUMNS, row, strict=True)) for row in annotations],
        links=links,
    )


def test_annotations_are_where_the_app_would_put_them(library):
    by_chapter = {}
    for row in library.paragraphs:
        by_chapter.setdefault(row["chapter_id"], []).append(SimpleNamespace(**row))
    for annotation in library.annotations:
        text = chapter_text(Chapter(), by_chapter[annotation["chapter_id"]])
        span = Span(annotation["start"], annotation["end"])
        quote = quote_at(text.text, span)
        assert annotation["exact"] == quote.exact
        assert (annotation["prefix"], annotation["suffix"]) == (quote.prefix, quote.suffix)
        assert annotation["exact"] == annotation["exact"].strip() != ""
        assert annotation["segment"] == segment_at(text, span.start)


def test_the_timed_pages_carry_exactly_what_they_say(library):
    scale, first_reader = library.plan.scale, READERS[0]
    on_bench_chapter = [
        a
        for a in library.annotations
        if a["chapter_id"] == library.plan.bench_chapter and a["owner_id"] == first_reader
    ]
    bench_tag_links = [link for link in library.links if link[2] == 1]
    assert len(library.annotations) == scale.annotations
    assert len(on_bench_chapter) == scale.chapter_annotations
    assert tag_names()[0][0] == BENCH_TAG
    assert len(bench_tag_links) == scale.tag_passages
    assert len({annotation for _, annotation, _ in bench_tag_links}) == scale.tag_passages
    owners = {a["id"]: a["owner_id"] for a in library.annotations}
    assert {owners[annotation] for _, annotation, _ in bench_tag_links} == {first_reader}


def test_ids_run_without_gaps_and_counts_agree(library):
    """The load checks foreign keys by id ranges (check_foreign_keys): ids must have no gap."""
    for rows in (library.works, library.chapters, library.paragraphs, library.annotations):
        assert [row["id"] for row in rows] == list(range(1, len(rows) + 1))
    assert [link[0] for link in library.links] == list(range(1, len(library.links) + 1))
    assert len({work["content_hash"] for work in library.works}) == TINY.works
    chapters = Counter(chapter["work_id"] for chapter in library.chapters)
    assert {work["id"]: work["chapter_count"] for work in library.works} == chapters
    story = [p for p in library.paragraphs if p["kind"] == "text"]
    assert sum(work["word_count"] for work in library.works) == sum(
        len(p["text"].split()) for p in story
    )
    assert len(library.paragraphs) == TINY.paragraphs
