"""EPUB: hand-made EPUB 3 books built in memory, and the hostile archives we must refuse."""

import io
import zipfile

import pytest

from fics.parser import ParagraphKind, ParseError, assembly, parse_story
from fics.parser.formats import epub_archive
from fics.parser.formats.epub_archive import MAX_TOTAL_SIZE

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OPS/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>"""

PACKAGE = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">urn:uuid:0b6e1c0e-0000-4000-8000-000000000001</dc:identifier>
    <dc:title>Salt and Lanterns</dc:title>
    <dc:creator>Wren Hollis</dc:creator>
    <dc:language>en</dc:language>
    <dc:description>&lt;p&gt;Two keepers, one &lt;i&gt;very&lt;/i&gt; long winter.&lt;/p&gt;
    </dc:description>
    <dc:subject>Slow Burn</dc:subject>
    <dc:subject>Found Family</dc:subject>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="cover" href="text/cover.xhtml" media-type="application/xhtml+xml"/>
    <item id="cover-image" href="images/cover.jpg" media-type="image/jpeg"
          properties="cover-image"/>
    <item id="one" href="text/one.xhtml" media-type="application/xhtml+xml"/>
    <item id="two" href="text/two%20b.xhtml" media-type="application/xhtml+xml"/>
  </manifest>
  <spine>
    <itemref idref="cover"/>
    <itemref idref="nav" linear="no"/>
    <itemref idref="one"/>
    <itemref idref="two"/>
  </spine>
</package>"""

NAV = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>Contents</title></head>
<body>
  <nav epub:type="toc"><h1>Contents</h1><ol>
    <li><a href="text/one.xhtml">1. The First Winter</a></li>
    <li><a href="text/two%20b.xhtml#start">2. Thaw</a></li>
  </ol></nav>
  <nav epub:type="landmarks"><ol>
    <li><a epub:type="cover" href="text/cover.xhtml">Cover</a></li>
  </ol></nav>
</body>
</html>"""

COVER = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Cover</title></head>
<body><div><img src="../images/cover.jpg" alt="Salt and Lanterns"/></div></body></html>"""

CHAPTER_ONE = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>One</title></head>
<body>
  <h1>Chapter One</h1>
  <p>The lamp went out at <em>exactly</em> midnight.</p>
  <p>Nobody in the village believed her.</p>
  <hr/>
  <p>By spring, <strong>everyone</strong> did.</p>
</body></html>"""

CHAPTER_TWO = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Two</title></head>
<body>
  <h1 id="start">Chapter Two</h1>
  <p>The ice broke on a Tuesday.</p>
  <p><img src="../images/map.png" alt="map"/></p>
  <p>They rowed out together.</p>
</body></html>"""


def epub(files: dict[str, str | bytes], *, mimetype: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype:
            archive.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def book(**replacements: str | bytes) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "META-INF/container.xml": CONTAINER,
        "OPS/package.opf": PACKAGE,
        "OPS/nav.xhtml": NAV,
        "OPS/text/cover.xhtml": COVER,
        "OPS/images/cover.jpg": b"\xff\xd8\xff\xe0 not really a jpeg",
        "OPS/text/one.xhtml": CHAPTER_ONE,
        "OPS/text/two b.xhtml": CHAPTER_TWO,
    }
    files.update(replacements)
    return files


def test_epub3_chapters_follow_the_spine_with_titles_from_the_nav_document():
    work = parse_story(epub(book()), "salt.epub")
    assert work.source_format == "EPUB"
    assert [chapter.title for chapter in work.chapters] == ["1. The First Winter", "2. Thaw"]
    first = work.chapters[0].paragraphs
    assert [paragraph.kind for paragraph in first] == [
        ParagraphKind.TEXT,
        ParagraphKind.TEXT,
        ParagraphKind.SCENE_BREAK,
        ParagraphKind.TEXT,
    ]
    assert first[0].text == "The lamp went out at exactly midnight."
    assert [paragraph.text for paragraph in work.chapters[1].paragraphs] == [
        "The ice broke on a Tuesday.",
        "They rowed out together.",
    ]


def test_epub3_metadata_comes_from_the_package_file():
    work = parse_story(epub(book()), "salt.epub")
    assert (work.title, work.author, work.language) == ("Salt and Lanterns", "Wren Hollis", "en")
    assert work.summary == "Two keepers, one very long winter."
    assert work.additional_tags == ["Slow Burn", "Found Family"]


def test_epub_images_are_skipped_and_reported():
    work = parse_story(epub(book()), "salt.epub")
    assert work.skipped == ["2 images skipped"]
    assert all(chapter.title != "Cover" for chapter in work.chapters)


def test_epub_emphasis_becomes_spans():
    paragraph = parse_story(epub(book()), "salt.epub").chapters[0].paragraphs[0]
    (span,) = paragraph.emphasis
    assert paragraph.text[span.start : span.end] == "exactly"
    assert span.style == "em"


def test_an_epub_named_zip_is_still_read_as_an_epub():
    assert parse_story(epub(book()), "download.zip").source_format == "EPUB"


def test_titles_fall_back_to_the_chapter_heading_without_navigation():
    package = PACKAGE.replace('properties="nav"', "")
    work = parse_story(epub(book(**{"OPS/package.opf": package})), "salt.epub")
    assert [chapter.title for chapter in work.chapters] == ["Chapter One", "Chapter Two"]


@pytest.mark.parametrize("name", ["META-INF/encryption.xml", "META-INF/rights.xml"])
def test_drm_protected_epub_is_refused(name):
    encryption = """<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"
        xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
      <enc:EncryptedData><enc:EncryptionMethod
          Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
        <enc:CipherData><enc:CipherReference URI="OPS/text/one.xhtml"/></enc:CipherData>
      </enc:EncryptedData></encryption>"""
    with pytest.raises(ParseError, match="DRM"):
        parse_story(epub(book(**{name: encryption})), "locked.epub")


def test_font_obfuscation_alone_is_not_drm():
    encryption = """<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"
        xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
      <enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>
        <enc:CipherData><enc:CipherReference URI="OPS/fonts/serif.otf"/></enc:CipherData>
      </enc:EncryptedData></encryption>"""
    work = parse_story(epub(book(**{"META-INF/encryption.xml": encryption})), "fonts.epub")
    assert len(work.chapters) == 2


def test_member_declaring_a_huge_size_is_refused_before_reading():
    data = bytearray(epub(book()))
    # The central directory's "uncompressed size" field of one member, 24 bytes into its header.
    name = data.find(b"OPS/text/one.xhtml", data.find(b"PK\x01\x02"))
    header = data.rfind(b"PK\x01\x02", 0, name)
    data[header + 24 : header + 28] = (MAX_TOTAL_SIZE + 1).to_bytes(4, "little")
    with pytest.raises(ParseError, match="200 MB"):
        parse_story(bytes(data), "bomb.epub")


def test_highly_compressed_member_is_refused_as_a_zip_bomb():
    blank_pages = "<p> </p>" * 400_000
    with pytest.raises(ParseError, match="zip bomb"):
        parse_story(epub(book(**{"OPS/text/one.xhtml": blank_pages})), "bomb.epub")


def tiny_paragraphs(count: int) -> str:
    return f"<html><body>{'<p>x</p>' * count}</body></html>"


def test_a_tiny_epub_of_a_hundred_thousand_paragraphs_is_refused_as_a_zip_bomb():
    # One member just under the size from which members are held to the ratio on their own.
    data = epub(book(**{"OPS/text/one.xhtml": tiny_paragraphs(116_000)}))
    assert len(data) < 5_000
    with pytest.raises(ParseError, match=r"zip bomb \(it unpacks to [\d,]+ times its size\)"):
        parse_story(data, "bomb.epub")


def test_many_members_each_under_the_ratio_floor_are_refused_as_a_zip_bomb():
    members = {f"OPS/text/extra{number}.xhtml": tiny_paragraphs(120_000) for number in range(20)}
    with pytest.raises(ParseError, match="zip bomb"):
        parse_story(epub(book(**members)), "bomb.epub")


def test_a_spine_reading_one_document_again_and_again_is_refused(monkeypatch):
    monkeypatch.setattr(epub_archive, "MAX_UNPACKED_SIZE", 20_000)
    itemrefs = '<itemref idref="one"/>' * 100
    package = PACKAGE.replace('<itemref idref="one"/>', itemrefs)
    with pytest.raises(ParseError, match="text unpacks to more than"):
        parse_story(epub(book(**{"OPS/package.opf": package})), "repeats.epub")


def test_an_epub_is_refused_once_its_chapters_pass_the_paragraph_limit(monkeypatch):
    monkeypatch.setattr(assembly, "MAX_PARAGRAPHS", 5)
    with pytest.raises(ParseError, match="more than 5 paragraphs"):
        parse_story(epub(book()), "salt.epub")


@pytest.mark.parametrize(
    "href", ["../../outside.xhtml", "/etc/passwd", "text/../../../secret.xhtml"]
)
def test_hrefs_climbing_out_of_the_archive_are_refused(href):
    package = PACKAGE.replace('href="text/one.xhtml"', f'href="{href}"')
    with pytest.raises(ParseError, match="outside the book"):
        parse_story(epub(book(**{"OPS/package.opf": package})), "tricky.epub")


def test_a_navigation_link_out_of_the_book_is_ignored():
    nav = NAV.replace('href="text/one.xhtml"', 'href="../../../one.xhtml"')
    work = parse_story(epub(book(**{"OPS/nav.xhtml": nav})), "salt.epub")
    assert [chapter.title for chapter in work.chapters] == ["Chapter One", "2. Thaw"]


def test_entity_expansion_is_not_performed():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Before &lol3; after.</p>'
        "</body></html>"
    )
    work = parse_story(epub(book(**{"OPS/text/one.xhtml": laughs})), "laughs.epub")
    assert work.chapters[0].paragraphs[0].text == "Before after."


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"OPS/package.opf": None}, "package file"),
        ({"OPS/package.opf": "<package><metadata>"}, "package file"),
        ({"META-INF/container.xml": None}, "container"),
        ({"OPS/package.opf": PACKAGE.replace("spine>", "nospine>")}, "no reading order"),
        ({"OPS/text/one.xhtml": None, "OPS/text/two b.xhtml": None}, "no story text"),
    ],
)
def test_broken_epub_is_a_clear_parse_error(files, message):
    contents = {name: text for name, text in book(**files).items() if text is not None}
    with pytest.raises(ParseError, match=message):
        parse_story(epub(contents), "broken.epub")


def test_zip_that_is_not_an_epub_is_refused():
    with pytest.raises(ParseError, match="not an EPUB"):
        parse_story(epub({"story.txt": "Once upon a time."}, mimetype=False), "story.zip")


def test_word_document_is_refused():
    docx = epub({"word/document.xml": "<w:document/>"}, mimetype=False)
    with pytest.raises(ParseError, match="Word document"):
        parse_story(docx, "story.docx")
