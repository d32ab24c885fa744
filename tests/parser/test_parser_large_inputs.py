"""Inputs that once took quadratic time: each parses, and into what a small copy would give.

Nothing here is timed; a stage gone quadratic again makes these tests take minutes instead.
"""

import pytest

from fics.parser import ParagraphKind, ParseError, assembly, parse_story
from fics.parser.model import Emphasis, EmphasisStyle

LINES = 30_000


def story_paragraphs(data: bytes, filename: str) -> list[str]:
    work = parse_story(data, filename)
    return [
        paragraph.text
        for chapter in work.chapters
        for paragraph in chapter.paragraphs
        if paragraph.kind == ParagraphKind.TEXT
    ]


def test_lines_of_one_width_are_joined_as_one_hard_wrapped_paragraph():
    lines = [f"Line {number:06d} of it." for number in range(LINES)]
    assert story_paragraphs("\n".join(lines).encode(), "lines.txt") == [" ".join(lines)]


def test_short_lines_of_dialogue_are_one_paragraph_each():
    said = ["Yes.", "No, never!", "Why would she?", "Go.", "He did not answer her at all."]
    lines = [said[number % len(said)] for number in range(LINES)]
    assert story_paragraphs("\n".join(lines).encode(), "lines.txt") == lines


def test_wrapped_chinese_lines_are_joined_without_spaces():
    lines = ["第一行的文字很长很长很长很长很长很长很长很长很长很长很长很长很长"] * LINES
    assert story_paragraphs("\n".join(lines).encode(), "lines.txt") == ["".join(lines)]


def test_markdown_delimiters_without_partners_stay_as_written():
    text = "*a " * LINES + "b_ " * LINES
    work = parse_story(text.encode(), "story.md")
    [paragraph] = work.chapters[0].paragraphs
    assert (paragraph.text, paragraph.emphasis) == (text.strip(), ())


def test_markdown_brackets_that_open_no_link_stay_as_written():
    text = "[a " * LINES + "![b " * LINES + "c"
    assert story_paragraphs(text.encode(), "story.md") == [text]


def test_a_markdown_link_keeps_its_text_after_many_brackets_that_open_none():
    text = "[a] " * LINES + "[link](https://example.org)"
    assert story_paragraphs(text.encode(), "story.md") == ["[a] " * LINES + "link"]


def test_an_html_paragraph_of_many_italic_pieces_is_one_italic_run():
    page = "<html><body><p>" + "<i>ab</i> " * LINES + "</p></body></html>"
    work = parse_story(page.encode(), "story.html")
    [paragraph] = work.chapters[0].paragraphs
    assert paragraph.text == " ".join(["ab"] * LINES)
    assert paragraph.emphasis == (Emphasis(0, len(paragraph.text), EmphasisStyle.ITALIC),)


def test_a_fanficfare_summary_wrapped_over_many_lines_is_one_paragraph():
    summary = ["more of the summary"] * LINES
    header = ["A Story", "by Someone", "", "Story URL: http://example.org/s/1"]
    story = ["TABLE OF CONTENTS", "", "Chapter 1", "", "Text of the story.", "", "End file."]
    text = "\n".join([*header, "Summary: It begins.", *summary, "", "", *story])
    work = parse_story(text.encode(), "story.txt")
    assert work.source_format == "FanFicFare text"
    assert work.summary == " ".join(["It begins.", *summary])


def test_a_file_of_more_paragraphs_than_any_story_is_refused(monkeypatch):
    monkeypatch.setattr(assembly, "MAX_PARAGRAPHS", 1_000)
    paragraphs = [f"Paragraph {number}." for number in range(1_000)]
    assert len(story_paragraphs("\n\n".join(paragraphs).encode(), "story.txt")) == 1_000
    with pytest.raises(ParseError, match="more than 1,000 paragraphs"):
        parse_story("\n\n".join([*paragraphs, "One too many."]).encode(), "story.txt")
