"""A small annotated story: overlapping highlights, author's notes, a scene break, Markdown
characters in the text, tags of each kind, and another reader's private and shared notes."""

from dataclasses import dataclass

import pytest

from annotations.chapter_layout import chapter_text
from annotations.models import Annotation
from fics.models import Chapter, Paragraph, Work
from tests.annotations.conftest import annotate

XSS_NOTE = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) "
    '<svg onload=alert(4)></svg> <a href="javascript:alert(5)">x</a>'
)
XSS_TAG = '<img src=x onerror=alert("tag")>'


def annotate_words(user, chapter, words: str, **fields) -> Annotation:
    text = chapter_text(chapter, chapter.paragraphs.all()).text
    start = text.index(words)
    return annotate(user, chapter, start=start, end=start + len(words), **fields)


def make_story() -> Work:
    work = Work.objects.create(
        title="Stormy Nights: A Tale",
        author="A. Writer",
        content_hash="f" * 64,
        language="en",
        chapter_count=2,
    )
    first = Chapter.objects.create(
        work=work,
        position=1,
        title="The Beginning",
        notes_before="Thanks to my beta!",
        notes_after="Next week: more.\n\nReview please.",
    )
    second = Chapter.objects.create(work=work, position=2, title="Part Two")
    texts = [
        (first, "It was a *dark* and stormy night; Lexa waited."),
        (first, ""),
        (first, '# Not a heading — 2 + 2 == 4, said Clarke, "quoted", with commas.'),
        (first, "The end of the first chapter."),
        (second, "Morning came."),
        (second, "Lexa smiled at Clarke."),
    ]
    positions = {first: 0, second: 0}
    for chapter, text in texts:
        positions[chapter] += 1
        kind = Paragraph.Kind.TEXT if text else Paragraph.Kind.SCENE_BREAK
        Paragraph.objects.create(chapter=chapter, position=positions[chapter], kind=kind, text=text)
    return work


@pytest.fixture
def reader(django_user_model):
    # Without a password: hashing one is most of a test's setup, and these tests log in with
    # force_login.
    return django_user_model.objects.create_user(username="alice")


@pytest.fixture
def other_reader(django_user_model):
    return django_user_model.objects.create_user(username="bob")


@dataclass
class Story:
    work: Work
    first: Chapter
    second: Chapter
    mine: list[Annotation]
    private: Annotation
    shared: Annotation


@pytest.fixture
def story(reader, other_reader) -> Story:
    work = make_story()
    first, second = work.chapters.order_by("position")
    mine = [
        annotate_words(
            reader,
            first,
            "dark* and stormy",
            colour="pink",
            note="**Great** opening\n\nTwo",
            tag_names=["Lexa"],
            tag_kind="character",
        ),
        annotate_words(reader, first, "stormy night; Lexa", colour="green", tag_names=["weather"]),
        annotate_words(
            reader,
            first,
            "Lexa waited.\n\n# Not a heading",
            colour="blue",
            tag_names=["angst"],
            tag_kind="theme",
            note="Crosses a scene break",
        ),
        annotate_words(reader, first, "my beta", note=XSS_NOTE, tag_names=[XSS_TAG]),
        annotate_words(reader, first, "Review please", note="In the end notes"),
        annotate_words(
            reader,
            second,
            "Lexa smiled",
            colour="purple",
            tag_names=["Lexa"],
            note='Line one\nline two, "quoted"',
        ),
    ]
    private = annotate_words(
        other_reader, first, "stormy", note="bob's secret", tag_names=["bobtag"]
    )
    shared = annotate_words(
        other_reader,
        second,
        "Morning came",
        note="bob shares this",
        shared=True,
        tag_names=["dawn"],
        tag_kind="theme",
    )
    return Story(work, first, second, mine, private, shared)
