import contextlib
import random

import pytest

from fics.parser import ParseError, parse_story

FRENCH = "Kiba se tassa un peu plus sur lui-même, à côté de l’été… « Très bien », dit-il."
RUSSIAN = "Гарри посмотрел на профессора и улыбнулся. Это было долгое лето."
CHINESE = "时间于你而言是什么？十六岁的阿周那有一个无法与人分享的答案。"


def only_text(data: bytes, filename: str = "story.txt") -> str:
    work = parse_story(data, filename)
    return "\n".join(paragraph.text for paragraph in work.chapters[0].paragraphs)


def test_utf8_without_bom():
    assert only_text(FRENCH.encode()) == FRENCH


def test_utf8_with_bom_drops_the_bom():
    work = parse_story(b"\xef\xbb\xbf" + FRENCH.encode(), "story.txt")
    assert work.chapters[0].paragraphs[0].text == FRENCH
    assert work.encoding == "utf-8"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_text(codec):
    data = ("\ufeff" if codec != "utf-16" else "") + f"{FRENCH}\n\n{RUSSIAN}"
    assert only_text(data.encode(codec)) == f"{FRENCH}\n{RUSSIAN}"


def test_cp1252_french():
    work = parse_story(FRENCH.encode("cp1252"), "story.txt")
    assert work.chapters[0].paragraphs[0].text == FRENCH
    assert work.encoding == "cp1252"


def test_short_cp1252_is_not_read_as_a_neighbouring_code_page():
    assert only_text("Café déjà vu, l’été où il a plu".encode("cp1252")) == (
        "Café déjà vu, l’été où il a plu"
    )


def test_cp1251_russian():
    work = parse_story(f"{RUSSIAN}\n\n{RUSSIAN}".encode("cp1251"), "story.txt")
    assert work.chapters[0].paragraphs[0].text == RUSSIAN
    assert work.language == "ru"


def test_gbk_chinese():
    work = parse_story(f"{CHINESE}\n\n{CHINESE}".encode("gbk"), "story.txt")
    assert work.chapters[0].paragraphs[0].text == CHINESE
    assert work.language == "zh"


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_endings(newline):
    text = newline.join(["One.", "", "Two.", "", "", "Three."])
    work = parse_story(text.encode(), "story.txt")
    assert [paragraph.text for paragraph in work.chapters[0].paragraphs] == [
        "One.",
        "Two.",
        "",
        "Three.",
    ]


def as_mojibake(text: str) -> str:
    """UTF-8 read as Windows-1252 the sloppy way browsers do (undefined bytes kept as C1)."""
    return "".join(
        bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in text.encode()
    )


def test_mojibake_is_repaired_and_curly_quotes_stay_curly():
    broken = as_mojibake("“It’s fine,” she said. Café.")
    assert broken.startswith("â€œ")
    assert only_text(broken.encode()) == "“It’s fine,” she said. Café."


def test_odd_spaces_and_invisible_characters_are_normalised():
    text = "She\u00a0ran\u2009away\u200b.\ufeff Then\u3000she stopped."
    assert only_text(text.encode()) == "She ran away. Then she stopped."


def test_ideographic_space_indentation_is_stripped():
    assert only_text(f"\u3000\u3000{CHINESE}".encode()) == CHINESE


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", "\ufeff \n".encode("utf-16")])
def test_empty_file(data):
    with pytest.raises(ParseError, match="empty"):
        parse_story(data, "story.txt")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"Hello\x00world",
        bytes(range(1, 32)) * 10,
    ],
)
def test_binary_file(data):
    with pytest.raises(ParseError, match="binary"):
        parse_story(data, "story.txt")


def test_broken_utf16_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_story(b"\xff\xfe" + b"\x00\xd8", "story.txt")


def test_random_bytes_give_a_work_or_a_parse_error_and_nothing_else():
    generator = random.Random(1234)
    for size in [1, 2, 3, 7, 64, 500, 5000] * 20:
        data = bytes(generator.randrange(256) for _ in range(size))
        with contextlib.suppress(ParseError):
            parse_story(data, "random.txt")


def test_random_text_gives_a_work_or_a_parse_error_and_nothing_else():
    generator = random.Random(99)
    alphabet = ["a", "B", " ", "\n", "\n\n", "*", "-", "#", "Chapter 1", "第一回", ".", "“", "\t"]
    for _ in range(300):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randrange(60)))
        with contextlib.suppress(ParseError):
            parse_story(text.encode(), generator.choice(["a.txt", "b.md"]))


def test_control_characters_never_reach_the_story():
    work = parse_story("\ufeffA line\x00 with a NUL and a bell\x07.\n".encode("utf-16"), "x.txt")

    assert work.chapters[0].paragraphs[0].text == "A line with a NUL and a bell."
