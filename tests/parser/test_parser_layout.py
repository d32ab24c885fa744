import textwrap

import pytest

from fics.parser import ParagraphKind, parse_story

BREAK = "<break>"


def shape(text: str, filename: str = "story.txt") -> list[str]:
    """The first chapter as a list of paragraph texts, scene breaks shown as <break>."""
    chapter = parse_story(text.encode(), filename).chapters[0]
    return [
        BREAK if paragraph.kind == ParagraphKind.SCENE_BREAK else paragraph.text
        for paragraph in chapter.paragraphs
    ]


@pytest.mark.parametrize(
    "marker",
    [
        "***",
        "* * *",
        "~~~~",
        "---",
        "- - -",
        "- - - ",
        "o-o-o",
        "o-o-o-o-o",
        "oOo",
        "-o0o-",
        "xXx",
        "-x-",
        "~*~",
        "#",
        "-",
        "***   ",
        "—",
    ],
)
def test_scene_break_markers(marker):
    text = f"She left the room.\n\n{marker}\n\nHe stayed behind."
    assert shape(text) == ["She left the room.", BREAK, "He stayed behind."]


@pytest.mark.parametrize("line", ["Ooo", "Oh.", "x", "So.", "***July 8, 1899***", "...", "OK"])
def test_short_lines_that_are_not_markers(line):
    assert shape(f"She left the room.\n\n{line}\n\nHe stayed behind.")[1] != BREAK


def test_two_blank_lines_make_a_scene_break_between_blank_separated_paragraphs():
    text = "One.\n\nTwo.\n\n\nThree.\n\nFour."
    assert shape(text) == ["One.", "Two.", BREAK, "Three.", "Four."]


def test_breaks_never_start_or_end_a_chapter_and_never_repeat():
    text = "***\n\nOne.\n\n\n***\n\n\n* * *\n\nTwo.\n\n~~~\n\n\n"
    assert shape(text) == ["One.", BREAK, "Two."]


def test_single_newline_paragraphs_with_blank_lines_as_scene_breaks():
    lines = [f"Line {number} of the story{', and more' * number}." for number in range(12)]
    text = "\n".join(lines[:6]) + "\n\n" + "\n".join(lines[6:])
    assert shape(text) == [*lines[:6], BREAK, *lines[6:]]


def test_hard_wrapped_paragraphs_are_joined():
    first = (
        "It is a truth universally acknowledged, that a single man in possession of a good "
        "fortune must be in want of a wife. However little known the feelings or views of "
        "such a man may be on his first entering a neighbourhood, this truth is so well fixed."
    )
    second = (
        "My dear Mr. Bennet, said his lady to him one day, have you heard that Netherfield "
        "Park is let at last? Mr. Bennet replied that he had not. But it is, returned she; "
        "for Mrs. Long has just been here, and she told me all about it."
    )
    wrapped = "\n\n".join(_wrap(paragraph, 70) for paragraph in [first, second] * 3)
    assert shape(wrapped) == [first, second] * 3


def test_hard_wrapped_short_lines_stay_apart():
    body = _wrap("A long paragraph of prose that goes on and on about nothing at all. " * 6, 72)
    letter = "Dear Ginny,\nI applaud your generosity.\nLove,\nGrandmum"
    paragraphs = shape(f"{body}\n\n{body}\n\n{letter}\n\n{body}\n\n{body}")
    assert paragraphs[2:6] == ["Dear Ginny,", "I applaud your generosity.", "Love,", "Grandmum"]


def test_hard_wrapped_chinese_is_joined_without_spaces():
    sentence = (
        "话说天下大势，分久必合，合久必分。周末七国分争，并入于秦。及秦灭之后，楚、汉分争。" * 4
    )
    lines = [sentence[start : start + 38] for start in range(0, len(sentence), 38)]
    text = "\n\n\n".join(["    " + "\n".join(lines)] * 6)
    assert shape(text) == [sentence] * 6


def test_markdown_quote_markers_and_emphasis_are_removed():
    text = "Intro line of the story.\n\n> Dear Harry,\n>\n> **Love, Mum**\n\nThe end."
    assert shape(text, "story.md") == [
        "Intro line of the story.",
        "Dear Harry,",
        "Love, Mum",
        "The end.",
    ]


def _wrap(text: str, width: int) -> str:
    """Hard-wrapped at `width`, as old text files are."""
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)
