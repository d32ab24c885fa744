import re
import sys

import pytest

from fics.parser import parse_story
from fics.parser.rules import author_notes

STORY = [
    "Clarke walked for hours, her steps taking her farther away from her people.",
    '"What have you done?" she cried, her eyes piercing into Clarke.',
    "The fire had started to die down, and the dark pressed in around her.",
]


def parts(paragraphs: list[str]):
    chapter = parse_story("\n\n".join(paragraphs).encode(), "story.txt").chapters[0]
    return chapter.notes_before, [p.text for p in chapter.paragraphs], chapter.notes_after


@pytest.mark.parametrize(
    "note",
    [
        "A/N: This one took a while.",
        "AN: Sorry for the wait!",
        "Author's Note: Happy holidays.",
        "Disclaimer: Nothing here is mine.",
        "I do not own Harry Potter.",
        "Hello friendly readers! This is a story that I've been planning for a year.",
        "Thanks for reading, and please review!",
    ],
)
def test_note_at_the_start(note):
    assert parts([note, *STORY]) == ([note], STORY, [])


@pytest.mark.parametrize(
    "note",
    [
        "A/N: Next chapter soon.",
        "So there's the first chapter. I'm going to try to update later this week. Please review!",
    ],
)
def test_note_at_the_end(note):
    assert parts([*STORY, note]) == ([], STORY, [note])


def test_notes_in_the_middle_stay_story():
    middle = "A/N: this would be odd here."
    assert parts([STORY[0], middle, STORY[1]]) == ([], [STORY[0], middle, STORY[1]], [])


def test_story_talk_of_chapters_without_the_author_speaking_is_story():
    paragraph = "Harry read the next chapter of the story, then another, until the candle died."
    assert parts([paragraph, *STORY]) == ([], [paragraph, *STORY], [])


def test_dialogue_is_never_a_note():
    paragraph = (
        '"I hope you enjoy the story, readers," the bard said, and thanked them for reading.'
    )
    assert parts([paragraph, *STORY])[0] == []


def test_a_chapter_of_nothing_but_author_talk_stays_text():
    talk = ["A/N: Hiatus.", "Thanks for reading my story, I will update soon!"]
    assert parts(talk) == ([], talk, [])


def test_bold_markdown_notes_run_together():
    notes = ["**Author's Note:**", "**Welcome back! I have improved a lot since Book 2.**"]
    chapter = parse_story("\n\n".join([*notes, *STORY]).encode(), "story.md").chapters[0]
    assert chapter.notes_before == [
        "Author's Note:",
        "Welcome back! I have improved a lot since Book 2.",
    ]


@pytest.mark.parametrize(
    "note",
    [
        # Letters that match one of the words' letters with case ignored (dotted I, long s,
        # dotless i, an old form of д) without lower-casing to it.
        "Nothing here is mine: see the dİsclaimer.",
        "I wrote this ſtory as a fıc for my friends.",
        "Эти герои не принаᲁлежат мне.",
    ],
)
def test_note_with_unusual_letters_at_the_start(note):
    assert parts([note, *STORY]) == ([note], STORY, [])


def test_every_letter_that_ignores_case_like_the_note_words_is_looked_for():
    """A letter that matches one of the words' letters with case ignored either lower-cases to
    it or makes note_score search the text as it is, so no note goes unseen."""
    letters = set("".join(author_notes._DISOWNING_WORDS + author_notes._AUDIENCE_WORDS)) - {" "}
    cased = (chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code < 0xE000)
    for character in (c for c in cased if c.lower() != c or c.upper() != c):
        for letter in letters:
            if re.fullmatch(re.escape(letter), character, re.IGNORECASE):
                assert character.lower() == letter or author_notes._CASE_EXCEPTIONS.match(character)
