import pytest

from fics.parser import count_words
from fics.parser.rules.language import guess_language


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("One two  three\nfour", 4),
        ("Don't — stop.", 2),
        # Wordless runs at the start, side by side, and at the end.
        ("— Well, — — fine …", 2),
        ("…\n-- a --", 1),
        ("时间于你而言是什么？", 9),
        ("阿周那 said hello", 5),
        ("ハリーは言った", 7),
        # Beyond ASCII: accented letters are letters, curly quotes and "…" are not, and odd
        # spaces part words; "¾" counts as a digit where "¢" (the same first byte) does not.
        ("Café — naïve’s “fiancée” …", 3),
        ("It cost 5¢, not ¾ — ¢ ¢", 5),
        ("x\u00a0y\u3000z", 3),
    ],
)
def test_count_words(text, count):
    assert count_words(text) == count


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The boy and the girl went to the house, and it was late.", "en"),
        ("Le garçon et la fille sont dans la maison, et il est tard.", "fr"),
        ("Гарри посмотрел на профессора.", "ru"),
        ("时间于你而言是什么？", "zh"),
        ("12345 !!!", ""),
    ],
)
def test_guess_language(text, language):
    assert guess_language(text) == language
