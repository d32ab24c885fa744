"""Format detection: the content picks the reader, whatever the file is called."""

from pathlib import Path

import pytest

from fics.parser import ParseError, parse_story
from fics.parser.decoding.source_format import SourceFormat, text_format

FIXTURES = Path(__file__).parent / "fixtures"

AO3_DOWNLOAD = """<!DOCTYPE html><html><head><title>T</title></head><body>
<div id="preface"><p class="message"><b>Tide</b><br/>Posted originally on the
<a href="http://archiveofourown.org/">Archive of Our Own</a>.</p>
<div class="meta"><h1>Tide</h1><div class="byline">by <a rel="author" href="#">someone</a></div>
</div></div>
<div id="chapters" class="userstuff"><div class="userstuff"><p>The sea came in.</p></div></div>
</body></html>"""


@pytest.mark.parametrize(
    ("text", "filename", "expected"),
    [
        (AO3_DOWNLOAD, "story.txt", SourceFormat.AO3_HTML),
        ("<html><body><div id='workskin'></div></body></html>", "a.html", SourceFormat.AO3_PAGE),
        ("<html><body><div id=storytext><p>x</p></div></body></html>", "a", SourceFormat.FFN_PAGE),
        ("<!DOCTYPE html><html><body><p>Hi.</p></body></html>", "a.txt", SourceFormat.HTML),
        ("Just a story.\n\nWith two paragraphs.", "story.html", SourceFormat.PLAIN_TEXT),
        ("# Title\n\nSome *words*.", "story.md", SourceFormat.MARKDOWN),
        ("---\ntitle: Tide\n---\n\nSome *words*.", "story.txt", SourceFormat.MARKDOWN),
        (
            "Tide\n\nby Someone\n\nStory URL: http://x.org/1\n\nTABLE OF CONTENTS\n\nOne\n\nTwo",
            "story.txt",
            SourceFormat.FANFICFARE,
        ),
        (
            "Title: Tide\n\n*** START OF THE PROJECT GUTENBERG EBOOK TIDE ***\n\nText.",
            "pg.txt",
            SourceFormat.GUTENBERG,
        ),
    ],
)
def test_content_decides_the_reader(text, filename, expected):
    assert text_format(text, filename) == expected


def test_ao3_download_saved_as_txt_is_read_as_html():
    work = parse_story(AO3_DOWNLOAD.encode(), "story.txt")
    assert (work.source_format, work.title, work.author) == ("AO3 HTML", "Tide", "someone")
    assert [p.text for p in work.chapters[0].paragraphs] == ["The sea came in."]


def test_html_file_holding_plain_text_is_read_as_text():
    work = parse_story(b"The sea came in.\n\nThe sea went out.", "story.html")
    assert work.source_format == "plain text"
    assert len(work.chapters[0].paragraphs) == 2


def test_ao3_web_page_fixture_is_detected():
    data = (FIXTURES / "ao3-work-page-saved.html").read_bytes()
    assert parse_story(data, "page.htm").source_format == "AO3 web page"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"{\\rtf1\\ansi Once upon a time}", "RTF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "Word"),
        (bytes(60) + b"BOOKMOBI" + bytes(100), "Kindle"),
        (b'<?xml version="1.0"?><FictionBook><body/></FictionBook>', "XML"),
    ],
)
def test_unknown_formats_are_refused_with_a_clear_message(data, message):
    with pytest.raises(ParseError, match=message):
        parse_story(data, "story.txt")


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><script>alert(1)</script><nav><a href='/'>Home</a></nav></body></html>",
        "<html><body><div id='storytext'></div></body></html>",
        "<html><body><div id='workskin'><div id='chapters'></div></div></body></html>",
    ],
)
def test_html_without_story_text_is_refused(html):
    with pytest.raises(ParseError, match=r"no story text|no work"):
        parse_story(html.encode(), "page.html")
