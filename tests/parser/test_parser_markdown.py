"""Markdown: YAML front matter as metadata, emphasis as spans over plain text."""

import pytest

from fics.parser import ParagraphKind, parse_story
from fics.parser.model import EmphasisStyle
from fics.parser.rules.markdown_emphasis import parse_inline

STORY = """---
title: The Lantern Road
author: Wren Hollis
fandom: [Original Work, Folklore]
summary: Two travellers, one lantern.
rating: General Audiences
warnings: No Archive Warnings Apply
relationships:
  - Maren/Ilse
characters: [Maren, Ilse]
tags: slow burn, road trip
language: English
---

# The Lantern Road

## Chapter 1: Setting Out

**A/N:** Thanks for reading!

Maren lit the lantern. It was *very* old.

* * *

Ilse said **nothing** at all, which was ***unusual***.

## Chapter 2: The Ford

The river was __high__ and _cold_.

- - -

They crossed anyway.
"""


def emphasised(paragraph) -> list[tuple[str, str]]:
    return [(paragraph.text[span.start : span.end], span.style) for span in paragraph.emphasis]


def test_front_matter_becomes_metadata():
    work = parse_story(STORY.encode(), "lantern.md")
    assert (work.title, work.author, work.rating) == (
        "The Lantern Road",
        "Wren Hollis",
        "General Audiences",
    )
    assert work.fandom == "Original Work, Folklore"
    assert work.summary == "Two travellers, one lantern."
    assert work.warnings == ["No Archive Warnings Apply"]
    assert work.relationships == ["Maren/Ilse"]
    assert work.characters == ["Maren", "Ilse"]
    assert work.additional_tags == ["slow burn", "road trip"]
    assert work.language == "en"


def test_headings_breaks_and_notes():
    work = parse_story(STORY.encode(), "lantern.md")
    assert [chapter.title for chapter in work.chapters] == [
        "Chapter 1: Setting Out",
        "Chapter 2: The Ford",
    ]
    first = work.chapters[0]
    assert first.notes_before == ["A/N: Thanks for reading!"]
    assert [paragraph.kind for paragraph in first.paragraphs] == [
        ParagraphKind.TEXT,
        ParagraphKind.SCENE_BREAK,
        ParagraphKind.TEXT,
    ]


def test_emphasis_is_kept_as_spans_and_the_text_stays_plain():
    work = parse_story(STORY.encode(), "lantern.md")
    first, _, second = work.chapters[0].paragraphs
    assert first.text == "Maren lit the lantern. It was very old."
    assert emphasised(first) == [("very", "em")]
    assert second.text == "Ilse said nothing at all, which was unusual."
    assert emphasised(second) == [("nothing", "strong"), ("unusual", "em"), ("unusual", "strong")]
    ford = work.chapters[1].paragraphs[0]
    assert emphasised(ford) == [("high", "strong"), ("cold", "em")]


def test_front_matter_on_a_txt_file_makes_it_markdown():
    work = parse_story(STORY.encode(), "lantern.txt")
    assert work.source_format == "Markdown"
    assert work.chapters[0].paragraphs[0].text == "Maren lit the lantern. It was very old."


@pytest.mark.parametrize(
    ("markdown", "plain", "spans"),
    [
        ("*a* b", "a b", [(0, 1, EmphasisStyle.ITALIC)]),
        ("__b__", "b", [(0, 1, EmphasisStyle.BOLD)]),
        ("**a *b* c**", "a b c", [(0, 5, EmphasisStyle.BOLD), (2, 3, EmphasisStyle.ITALIC)]),
        ("snake_case_name", "snake_case_name", []),
        ("a * b * c", "a * b * c", []),
        ("P\\*T\\*E\\*N", "P*T*E*N", []),
        ("*unclosed", "*unclosed", []),
        ("see [the map](http://example.org)", "see the map", []),
    ],
)
def test_inline_markdown(markdown, plain, spans):
    text, emphasis = parse_inline(markdown)
    assert text == plain
    assert [(span.start, span.end, span.style) for span in emphasis] == spans


def test_broken_front_matter_is_left_as_text():
    work = parse_story(b"---\n: : [unclosed\n---\n\nThe story starts here.", "story.md")
    assert work.chapters[0].paragraphs[-1].text == "The story starts here."


def test_backslash_escapes_any_ascii_punctuation():
    work = parse_story(b"# T\n\nFollow \\@ACI_100 and \\*stars\\*, or *not*.\n", "x.md")

    paragraph = work.chapters[0].paragraphs[0]
    assert paragraph.text == "Follow @ACI_100 and *stars*, or not."
    assert [(e.start, e.end) for e in paragraph.emphasis] == [(32, 35)]
