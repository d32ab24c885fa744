"""Novels in parts: each part's numbered chapters are chapters of their own, titled with the
part ("Part One · I"), whatever the language and however the chapters are numbered."""

import pytest

from fics.parser import parse_story


def chapters(text: str) -> list[tuple[str, str]]:
    work = parse_story(text.encode(), "novel.txt")
    return [(chapter.title, chapter.paragraphs[0].text) for chapter in work.chapters]


def test_roman_numerals_alone_on_their_line_are_the_chapters_of_each_part():
    text = (
        "Part One\n\nI\n\nIt was a bright cold day in April.\n\nThe clocks struck thirteen.\n\n"
        "II\n\nWinston sat down at the table.\n\n"
        "Part Two\n\nI\n\nJulia came in the afternoon.\n\nII\n\nThey met again in the wood.\n"
    )

    assert chapters(text) == [
        ("Part One · I", "It was a bright cold day in April."),
        ("Part One · II", "Winston sat down at the table."),
        ("Part Two · I", "Julia came in the afternoon."),
        ("Part Two · II", "They met again in the wood."),
    ]


@pytest.mark.parametrize(
    ("part", "chapter", "first"),
    [
        ("BOOK {n}", "CHAPTER {m}", "BOOK I · CHAPTER 1"),
        ("Livre {n}", "{m}", "Livre premier · I"),
        ("Часть {n}", "Глава {m}", "Часть первая · Глава 1"),
        ("Teil {n}", "Kapitel {m}", "Teil 1 · Kapitel 1"),
        ("第{n}部", "第{m}章", "第一部 · 第一章"),
    ],
)
def test_parts_in_every_language_the_parser_knows(part, chapter, first):
    numbers = {
        "BOOK {n}": ("I", "II"),
        "Livre {n}": ("premier", "deuxième"),
        "Часть {n}": ("первая", "вторая"),
        "Teil {n}": ("1", "2"),
        "第{n}部": ("一", "二"),
    }[part]
    chapter_numbers = {"{m}": ("I", "II"), "第{m}章": ("一", "二")}.get(chapter, ("1", "2"))
    lines = []
    for part_number in numbers:
        lines.append(part.format(n=part_number))
        for chapter_number in chapter_numbers:
            lines.append(chapter.format(m=chapter_number))
            lines.append(f"The story goes on in {part_number}, {chapter_number}.")

    titles = [title for title, _ in chapters("\n\n".join(lines) + "\n")]

    assert len(titles) == 4
    assert titles[0] == first


def test_parts_without_chapters_inside_stay_chapters():
    text = "Part 1\n\nThe first half of the story.\n\nPart 2\n\nThe second half.\n"

    assert chapters(text) == [
        ("Part 1", "The first half of the story."),
        ("Part 2", "The second half."),
    ]


def test_a_lone_numeral_outside_parts_is_text():
    text = "Chapter 1\n\nShe counted the bells.\n\nI\n\nThat was all.\n\nChapter 2\n\nMore bells.\n"

    assert [title for title, _ in chapters(text)] == ["Chapter 1", "Chapter 2"]
