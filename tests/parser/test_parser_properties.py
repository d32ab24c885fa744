"""Generated input: any bytes give a work or a ParseError, and the same work every time."""

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fics.parser import ParseError, parse_story

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LINES = st.one_of(
    st.sampled_from(
        [
            "",
            "",
            "Chapter 1",
            "Chapter 12: The Return",
            "CHAPTER XII.",
            "## 2",
            "# Title",
            "**Chapter 3: Bold**",
            "Prologue",
            "Глава 5",
            "ЧАСТЬ II",
            "Kapitel 2",
            "Capítulo primero",
            "第一回 宴桃园豪杰三结义",
            "第1章",
            "尾声",
            "番外篇其一",
            "A/N: thanks for reading!",
            "Note de l'auteur : merci",
            "作者有话说：谢谢",
            "Disclaimer: I don't own it.",
            "* * *",
            "---",
            "- - -",
            "~~~~",
            "[Illustration: a drawing",
            "]",
            "TABLE OF CONTENTS",
            "Story URL: http://example.org",
            "Summary: a summary",
            "by Someone",
            "End file.",
            "*** START OF THE PROJECT GUTENBERG EBOOK X ***",
            "*** END OF THE PROJECT GUTENBERG EBOOK X ***",
            "Title: A Book",
            "<p>A paragraph with <em>emphasis</em></p>",
            "<html><body>",
            "<h2>Heading</h2>",
            "<hr>",
            "<br/>",
            "</div>",
            '<div id="storytext">',
            '<div id="workskin">',
            '<div id="preface">Archive of Our Own</div><div id="chapters">',
            "*italic* and **bold** and _under_ and __strong__",
            "***both*** and \\*escaped\\*",
            "> quoted line",
            "\t\tIndented title",
        ]
    ),
    st.text(max_size=80),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-16", "cp1252", "gb18030", "koi8-r", "latin-1"])
NAMES = st.sampled_from(["story.txt", "story.md", "story.html", "story.epub", "story", "s.zip"])


def text_file(lines: list[str], encoding: str, front_matter: bool) -> bytes:
    text = "\n".join(lines)
    if front_matter:
        text = "---\ntitle: Generated\ntags: [a, b]\n---\n" + text
    return text.encode(encoding, errors="replace")


def parse_or_refuse(data: bytes, name: str):
    try:
        return parse_story(data, name)
    except ParseError as error:
        return ("refused", str(error))


@SETTINGS
@given(st.binary(max_size=4000), NAMES)
def test_arbitrary_bytes_give_a_work_or_a_parse_error(data, name):
    parse_or_refuse(data, name)


@SETTINGS
@given(st.lists(LINES, max_size=60), ENCODINGS, st.booleans(), NAMES)
def test_story_shaped_text_gives_a_work_or_a_parse_error(lines, encoding, front_matter, name):
    parse_or_refuse(text_file(lines, encoding, front_matter), name)


@SETTINGS
@given(st.lists(LINES, max_size=60), ENCODINGS, NAMES)
def test_parsing_is_deterministic(lines, encoding, name):
    data = text_file(lines, encoding, front_matter=False)
    assert parse_or_refuse(data, name) == parse_or_refuse(data, name)


SKELETON = {
    "mimetype": "application/epub+zip",
    "META-INF/container.xml": (
        '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        '<rootfile full-path="OPS/package.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles></container>"
    ),
    "OPS/package.opf": (
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T</dc:title></metadata>'
        '<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" '
        'properties="nav"/><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
        '<item id="one" href="one.xhtml" media-type="application/xhtml+xml"/></manifest>'
        '<spine toc="ncx"><itemref idref="one"/></spine></package>'
    ),
    "OPS/nav.xhtml": '<html><body><nav><a href="one.xhtml">One</a></nav></body></html>',
    "OPS/toc.ncx": "<ncx><navMap><navPoint><navLabel><text>One</text></navLabel>"
    '<content src="one.xhtml"/></navPoint></navMap></ncx>',
    "OPS/one.xhtml": "<html><body><p>Once upon a time.</p></body></html>",
}


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from([*SKELETON, "../escape.xhtml", "META-INF/encryption.xml"]),
        st.one_of(st.binary(max_size=300), st.lists(LINES, max_size=10).map("\n".join)),
        max_size=3,
    )
)
def test_epubs_with_damaged_members_give_a_work_or_a_parse_error(replacements):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in {**SKELETON, **replacements}.items():
            archive.writestr(name, content)
    parse_or_refuse(buffer.getvalue(), "book.epub")
