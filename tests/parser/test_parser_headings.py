import pytest

from fics.parser import parse_story
from fics.parser.assembly import title_from_filename

BODY = "She walked into the room and sat down.\n\nHe did not look up from his book."


def chapter_titles(text: str, filename: str = "story.txt") -> list[str]:
    return [chapter.title for chapter in parse_story(text.encode(), filename).chapters]


@pytest.mark.parametrize(
    ("first", "second", "titles"),
    [
        ("Chapter 1", "Chapter 2", ["Chapter 1", "Chapter 2"]),
        (
            "Chapter Twelve: Title",
            "Chapter Thirteen: Next",
            ["Chapter Twelve: Title", "Chapter Thirteen: Next"],
        ),
        ("CHAPTER XII.", "CHAPTER XIII.", ["CHAPTER XII", "CHAPTER XIII"]),
        ("Ch. 3 - Title", "Ch. 4 - Other", ["Ch. 3 - Title", "Ch. 4 - Other"]),
        ("Prologue", "Epilogue", ["Prologue", "Epilogue"]),
        (" Chapter 1", " Chapter 2", ["Chapter 1", "Chapter 2"]),
        (
            "**Chapter 1: Secrets**",
            "**Chapter 2: Tidings**",
            ["Chapter 1: Secrets", "Chapter 2: Tidings"],
        ),
        ("第一回　宴桃园豪杰", "第二回　张翼德", ["第一回 宴桃园豪杰", "第二回 张翼德"]),
        ("## 1", "## 2", ["1", "2"]),
        ("Un : Kiba", "Deux : Shino", ["Un : Kiba", "Deux : Shino"]),
    ],
)
def test_heading_forms(first, second, titles):
    assert chapter_titles(f"{first}\n\n{BODY}\n\n{second}\n\n{BODY}") == titles


@pytest.mark.parametrize(
    "trap",
    [
        "Chapter 105 will post next week, I promise.",
        "Ch. 105 will post on February 16th.",
        "Chapter two was the hardest to write.",
        "Part of me wanted to stay.",
        "Prologues are boring.",
        "Book me a table: now.",
    ],
)
def test_sentences_starting_like_a_heading_are_not_headings(trap):
    work = parse_story(f"Chapter 1\n\n{BODY}\n\n{trap}\n\n{BODY}".encode(), "story.txt")
    assert len(work.chapters) == 1
    assert trap in [paragraph.text for paragraph in work.chapters[0].paragraphs]


def test_subtitle_line_joins_a_bare_heading():
    text = f"Chapter 1\nPrologue\n{BODY}\n\n\nChapter 2\nThe Subtitle\n{BODY}\n\nChapter 3\n{BODY}"
    assert chapter_titles(text) == ["Chapter 1: Prologue", "Chapter 2: The Subtitle", "Chapter 3"]


def test_dialogue_under_a_heading_is_not_a_subtitle():
    text = f'Chapter 1\n"Dad."\n{BODY}\n\nChapter 2\n{BODY}'
    work = parse_story(text.encode(), "story.txt")
    assert work.chapters[0].title == "Chapter 1"
    assert work.chapters[0].paragraphs[0].text == '"Dad."'


def test_heading_glued_to_a_hard_wrapped_paragraph_still_starts_a_chapter():
    line = "The quick brown fox jumps over the lazy dog and runs far away from here."
    wrapped = "\n".join([line] * 4)
    text = f"CHAPTER I.\n\n{wrapped}\n\n{wrapped}\nCHAPTER II.\n\n{wrapped}\n\n{wrapped}"
    assert chapter_titles(text) == ["CHAPTER I", "CHAPTER II"]


def test_title_line_at_the_top_becomes_the_work_title():
    work = parse_story(f"Crise \t\n\nChapter 1\n\n{BODY}".encode(), "story.txt")
    assert work.title == "Crise"
    assert len(work.chapters) == 1


def test_first_long_paragraph_is_not_a_title():
    text = (
        "It had all happened so quickly, and Lexa had held her breath for a long time.\n\n" + BODY
    )
    work = parse_story(text.encode(), "my_fic-name.txt")
    assert work.title == "My fic name"
    assert len(work.chapters[0].paragraphs) == 3


def test_markdown_title_and_byline():
    text = f"# The Long Road\n\n## Chapter 1\n\nBy: Jane Doe\n\n{BODY}\n\n## Chapter 2\n\n{BODY}"
    work = parse_story(text.encode(), "story.md")
    assert (work.title, work.author) == ("The Long Road", "Jane Doe")
    assert [chapter.title for chapter in work.chapters] == ["Chapter 1", "Chapter 2"]
    assert work.chapters[0].paragraphs[0].text == "She walked into the room and sat down."


def test_notes_before_the_first_heading_go_to_the_first_chapter():
    text = f"A/N: Thanks for reading my story!\n\nChapter 1\n\n{BODY}\n\nChapter 2\n\n{BODY}"
    work = parse_story(text.encode(), "story.txt")
    assert len(work.chapters) == 2
    assert work.chapters[0].notes_before == ["A/N: Thanks for reading my story!"]


def test_story_before_a_later_chapter_heading_is_its_own_chapter():
    work = parse_story(f"{BODY}\n\nChapter 2\n\n{BODY}".encode(), "story.txt")
    assert [chapter.title for chapter in work.chapters] == ["", "Chapter 2"]


def test_table_of_contents_gives_bare_title_headings():
    contents = "1. A Day of Very Low Probability\n2. Everything Is False\n3. Comparing Reality"
    chapters = "".join(
        f"\n\n\n{title}\n\n{BODY}"
        for title in ["A Day of Very Low Probability", "Everything Is False", "Comparing Reality"]
    )
    work = parse_story(f"{contents}{chapters}".encode(), "story.txt")
    assert [chapter.title for chapter in work.chapters] == [
        "A Day of Very Low Probability",
        "Everything Is False",
        "Comparing Reality",
    ]
    assert work.chapters[0].notes_before == []


def test_front_matter_labels():
    text = (
        "My Story\n\nby Some Author\n\nCategory: Harry Potter\nRating: T\nSummary: A tale.\n\n"
        f"Chapter 1\n\n{BODY}"
    )
    work = parse_story(text.encode(), "story.txt")
    assert (work.title, work.author, work.fandom, work.summary) == (
        "My Story",
        "Some Author",
        "Harry Potter",
        "A tale.",
    )
    assert work.chapters[0].notes_before == ["Rating: T"]


def test_a_chapter_repeated_verbatim_is_kept_once():
    text = f"Chapter 1\n\n{BODY}\n\nChapter 2\n\n{BODY}\n\nChapter 2\n\n{BODY}"
    assert chapter_titles(text) == ["Chapter 1", "Chapter 2"]


@pytest.mark.parametrize(
    ("filename", "title"),
    [
        ("my_fic-name.txt", "My fic name"),
        ("000_a26875ee43b0d3ac.txt", "000 a26875ee43b0d3ac"),
        ("uploads/Story.md", "Story"),
        ("", "Untitled"),
    ],
)
def test_title_from_filename(filename, title):
    assert title_from_filename(filename) == title


def test_a_line_is_looked_at_as_a_heading_whatever_label_or_name_it_starts_with():
    """labelled_heading spares the lines that start with none of the labels' and names' first
    letters (_HEADING_START): a label or name added to the patterns must start with one it
    knows, in either case, or lines that start with it are never headings."""
    from fics.parser.rules import chapter_labels

    named = chapter_labels._NAMED.pattern.removeprefix("(?P<name>").split(")")[0]
    cjk_named = chapter_labels._CJK_NAMED.pattern.removeprefix("(?:").split(")")[0]
    words = [
        *chapter_labels._LABEL.removeprefix("(?:").removesuffix(")").split("|"),
        *named.split("|"),
        *cjk_named.split("|"),
        chapter_labels._CJK.pattern[0],
    ]
    assert len(words) > 40
    for word in words:
        for first in {word[0], word[0].upper()}:
            assert chapter_labels._HEADING_START.match(first), word
