"""An update pairs old and new chapters by content and title, not only by position."""

import pytest

from fics.importing import import_story_file
from fics.parser.rules.chapter_pairing import ChapterContent, pair_chapters
from tests.annotations.conftest import annotate

CHAPTERS = {
    "The River": "Clarke walked to the river at dawn. The water was cold and grey.",
    "The War": "They spoke of the war for an hour. Nobody else came to the tent.",
    "The End": "The end of the first version came quietly, as ends do.",
}
PROLOGUE = "Long before any of it, the ground had been burned."


def story(chapters: dict[str, str]) -> str:
    return "".join(
        f"Chapter {n}: {title}\n\n{text}\n\n" for n, (title, text) in enumerate(chapters.items(), 1)
    )


def name(chapter) -> str:
    return chapter.title.split(": ", 1)[1]


def content(title, text):
    return ChapterContent(title, [text])


def test_a_prologue_in_front_shifts_every_chapter_by_one():
    old = [content(t, x) for t, x in CHAPTERS.items()]
    new = [content("Prologue", PROLOGUE), *old]

    assert pair_chapters(old, new) == [None, 0, 1, 2]


def test_a_rewritten_chapter_keeps_its_title_or_its_place():
    old = [content("A", "One two three four."), content("B", "Five six seven eight.")]
    new = [content("B", "All new words here."), content("Z", "And here too.")]

    assert pair_chapters(old, new) == [1, None]
    assert pair_chapters(old, [content("Q", "Entirely new.")]) == [None]
    assert pair_chapters(old[:1], [content("Q", "Entirely new.")]) == [0]


def test_a_new_chapter_beside_a_rewritten_one_is_left_new():
    old = [content("", "Kept words stay here."), content("", "Old words.")]
    new = [content("", "Kept words stay here."), content("", "New."), content("", "Newer.")]

    assert pair_chapters(old, new) == [0, None, None]


def test_an_edited_chapter_still_pairs_by_its_sentences():
    old = [content("", "The cat sat. The dog ran. The bird flew."), content("", "Rain fell.")]
    new = [
        content("", "A new opening."),
        content("", "The cat sat. The dog ran. A bird flew."),
        content("", "Rain fell hard."),
    ]

    # The edited chapter by its sentences; the rewritten one after it in its place.
    assert pair_chapters(old, new) == [None, 0, 1]


@pytest.mark.django_db
def test_an_update_with_a_new_prologue_keeps_every_annotation_on_its_chapter(reader):
    work = import_story_file(story(CHAPTERS).encode(), "river.txt", reader=reader).work
    notes = {
        name(chapter): annotate(reader, chapter, start=0, end=20) for chapter in work.chapters.all()
    }

    result = import_story_file(
        story({"Prologue": PROLOGUE, **CHAPTERS}).encode(), "river.txt", target=work
    )

    assert result.outcome == "updated"
    # Headings renumbered ("Chapter 2: The River"): only the text says which chapter is which.
    assert [(c.position, name(c), c.removed) for c in work.chapters.all()] == [
        (1, "Prologue", False),
        (2, "The River", False),
        (3, "The War", False),
        (4, "The End", False),
    ]
    for title, annotation in notes.items():
        annotation.refresh_from_db()
        assert name(annotation.chapter) == title
        assert not annotation.orphaned
        assert CHAPTERS[title].startswith(annotation.exact)
    assert result.reanchored["orphaned"] == 0
