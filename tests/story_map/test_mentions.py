"""Mention counts against a chapter counted by hand."""

import pytest

from fics.parser.rules.mentions import SceneMentions, count_mentions, name_forms

# Scene 0: Clarke ×3 (¶1 "Clarke", ¶1 "Clarke Griffin", ¶2 "Griffin"), Lexa ×1 (¶2).
# Scene 1: Lexa ×2 (¶4, ¶5 "Lexa's"), Bellamy ×1 (¶5); "lexa" and "Clarkeson" are not names.
CHAPTER = [
    (1, "text", "Clarke woke. Clarke Griffin always woke first."),
    (2, "text", "Lexa watched Griffin sleep; lexa is not a word."),
    (3, "break", ""),
    (4, "text", "Lexa left at dawn with Mr Clarkeson."),
    (5, "text", "Bellamy found Lexa's sword."),
]


def test_counts_each_character_scene_by_scene_with_its_first_paragraph():
    names = name_forms(["Clarke Griffin", "Lexa"], ["Bellamy"])

    assert count_mentions(CHAPTER, names) == [
        SceneMentions(scene=0, name="Clarke Griffin", count=3, first_paragraph=1),
        SceneMentions(scene=0, name="Lexa", count=1, first_paragraph=2),
        SceneMentions(scene=1, name="Lexa", count=2, first_paragraph=4),
        SceneMentions(scene=1, name="Bellamy", count=1, first_paragraph=5),
    ]


def test_a_guessed_short_form_of_a_listed_character_is_that_character():
    names = name_forms(["Clarke Griffin"], ["Clarke", "Lexa"])

    assert names.characters == ("Clarke Griffin", "Lexa")
    assert names.forms["Clarke"] == "Clarke Griffin"


def test_a_short_form_two_characters_share_names_neither():
    names = name_forms(["Harry Potter", "Lily Potter"])
    found = count_mentions([(1, "text", "Potter met Harry and Lily.")], names)

    assert "Potter" not in names.forms
    assert [(m.name, m.count) for m in found] == [("Harry Potter", 1), ("Lily Potter", 1)]


def test_titles_are_not_short_forms():
    names = name_forms(["Professor McGonagall"])

    assert set(names.forms) == {"Professor McGonagall", "McGonagall"}


def test_names_in_scripts_without_spaces_are_found_inside_words():
    names = name_forms(["孔明"])

    assert count_mentions([(1, "text", "却说孔明在隆中，孔明笑曰")], names) == [
        SceneMentions(0, "孔明", 2, 1)
    ]


@pytest.mark.parametrize("named", [[], ["  "]])
def test_no_characters_no_mentions(named):
    assert count_mentions(CHAPTER, name_forms(named)) == []


def test_hpmor_is_counted_in_one_pass(corpus):
    """A sanity figure on the real novel: Harry is named in nearly every chapter."""
    from fics.parser import parse_story

    parsed = parse_story((corpus / "more" / "hpmor-full-en.txt").read_bytes(), "hpmor.txt")
    names = name_forms([], ["Harry", "Hermione"])
    chapters_naming_harry = sum(
        any(
            m.name == "Harry"
            for m in count_mentions(
                [(n, str(p.kind), p.text) for n, p in enumerate(chapter.paragraphs, 1)], names
            )
        )
        for chapter in parsed.chapters
    )
    assert chapters_naming_harry >= 110
