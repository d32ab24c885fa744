"""EPUB 3 export: the chapters with their highlights marked and the notes as pop-up footnotes.

Written with zipfile rather than EbookLib: EbookLib re-parses every page through an HTML parser
on the way out, which is where `epub:type` attributes and XHTML details get lost; writing the
few files of the container ourselves keeps the output exactly what epubcheck was shown.

XHTML must be well-formed XML, so: text is escaped, the highlight markup comes from
`ChapterText.highlight` (escaped text and `<mark>`s only), a note's sanitised `note_html` is
re-serialised as XML by lxml (`<br>` becomes `<br/>`), characters XML forbids are dropped, and
every file is parsed once more before it is zipped, so a mistake fails here and not in a reader.
"""

import re
import uuid
import zipfile
from datetime import UTC
from html import escape
from io import BytesIO

import lxml.html
from lxml import etree

from annotations.chapter_layout import SCENE_BREAK, Block
from annotations.exports.html import (
    COLOURS,
    chapter_body,
    insert_after_text,
    refs_at_highlight_ends,
)
from annotations.exports.records import AnnotationRecord, ChapterRecord, WorkRecord

MEDIA_TYPE = "application/epub+zip"

# Code points XML 1.0 does not allow anywhere, not even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""

# Plain colours, no custom properties: many e-readers' CSS engines are old.
STYLE = (
    """
body { line-height: 1.5; }
.authors-note { border-left: 3px solid #bbb; padding-left: 1em; color: #555; }
.authors-note .label { font-weight: bold; }
hr.scene-break { border: 0; text-align: center; margin: 1.5em 0; }
hr.scene-break::after { content: "* * *"; }
mark.hl { color: inherit; }
a.noteref { font-size: 0.75em; vertical-align: super; line-height: 0; text-decoration: none; }
aside.footnote { font-size: 0.9em; }
.tags, .shared { color: #555; }
"""
    + "".join(
        f"mark.hl-{name} {{ background-color: rgba({rgb}, 0.4); }}\n"
        for name, rgb in COLOURS.items()
    )
    + "mark.hl.hl-shared { background-color: transparent; border-bottom: 2px dotted #888; }\n"
)


def export_epub(work: WorkRecord) -> bytes:
    numbers = work.footnote_numbers()
    language = work.language or "und"
    chapters = [(f"chapter-{chapter.position:03d}.xhtml", chapter) for chapter in work.chapters]
    files = {
        "EPUB/package.opf": _package(work, language, [name for name, _ in chapters]),
        "EPUB/nav.xhtml": _nav(work, language, chapters),
        "EPUB/title.xhtml": _title_page(work, language),
        **{f"EPUB/{name}": _chapter_page(chapter, language, numbers) for name, chapter in chapters},
    }
    buffer = BytesIO()
    # The fixed time keeps two exports of the same annotations byte-identical.
    moment = work.exported_at.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w") as archive:
        # The OCF container demands `mimetype` first and stored uncompressed.
        archive.writestr(zipfile.ZipInfo("mimetype", moment), MEDIA_TYPE, zipfile.ZIP_STORED)
        archive.writestr(
            zipfile.ZipInfo("META-INF/container.xml", moment), CONTAINER, zipfile.ZIP_DEFLATED
        )
        archive.writestr(zipfile.ZipInfo("EPUB/style.css", moment), STYLE, zipfile.ZIP_DEFLATED)
        for name, xml in files.items():
            archive.writestr(zipfile.ZipInfo(name, moment), _checked(xml), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _checked(xml: str) -> bytes:
    """The document as UTF-8, after proving it well-formed (lxml raises otherwise)."""
    data = _NOT_XML.sub("", xml).encode()
    etree.fromstring(data)
    return data


def _package(work: WorkRecord, language: str, chapter_files: list[str]) -> str:
    identifier = uuid.uuid5(uuid.NAMESPACE_URL, f"{work.url}#{work.only_chapter or 'all'}")
    optional = []
    if work.author:
        optional.append(f"<dc:creator>{escape(work.author)}</dc:creator>")
    if work.fandom:
        optional.append(f"<dc:subject>{escape(work.fandom)}</dc:subject>")
    items = "\n    ".join(
        f'<item id="c{n}" href="{name}" media-type="application/xhtml+xml"/>'
        for n, name in enumerate(chapter_files, 1)
    )
    spine = "\n    ".join(f'<itemref idref="c{n}"/>' for n in range(1, len(chapter_files) + 1))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id"
         xml:lang="{escape(language)}">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="book-id">urn:uuid:{identifier}</dc:identifier>
    <dc:title>{escape(work.title)} (annotated)</dc:title>
    <dc:language>{escape(language)}</dc:language>
    <dc:description>{escape(work.describe())}</dc:description>
    <dc:contributor>{escape(work.reader)}</dc:contributor>
    {"".join(optional)}
    <meta property="dcterms:modified">{work.exported_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="style" href="style.css" media-type="text/css"/>
    <item id="title" href="title.xhtml" media-type="application/xhtml+xml"/>
    {items}
  </manifest>
  <spine>
    <itemref idref="title"/>
    {spine}
  </spine>
</package>
"""


def _page(title: str, language: str, body: str) -> str:
    lang = escape(language)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"
      xml:lang="{lang}" lang="{lang}">
<head>
<meta charset="utf-8"/>
<title>{escape(title)}</title>
<link rel="stylesheet" type="text/css" href="style.css"/>
</head>
<body>
{body}
</body>
</html>
"""


def _nav(work: WorkRecord, language: str, chapters: list[tuple[str, ChapterRecord]]) -> str:
    entries = "\n".join(
        f'<li><a href="{name}">{escape(chapter.display_title)}</a></li>'
        for name, chapter in chapters
    )
    body = f"""<nav epub:type="toc" id="toc">
<h1>Contents</h1>
<ol>
<li><a href="title.xhtml">{escape(work.title)}</a></li>
{entries}
</ol>
</nav>"""
    return _page("Contents", language, body)


def _title_page(work: WorkRecord, language: str) -> str:
    parts = [f"<h1>{escape(work.title)}</h1>"]
    if work.author:
        parts.append(f"<p>by {escape(work.author)}</p>")
    if work.fandom:
        parts.append(f"<p>{escape(work.fandom)}</p>")
    parts.append(f"<p>{escape(work.describe())}</p>")
    body = '<section epub:type="titlepage">\n' + "\n".join(parts) + "\n</section>"
    return _page(work.title, language, body)


def _chapter_page(chapter: ChapterRecord, language: str, numbers: dict[int, int]) -> str:
    marks = chapter.marked_html()
    notes = chapter.notes_by_segment()
    parts = [f"<h2>{escape(chapter.display_title)}</h2>"]
    parts += chapter_body(chapter, lambda block: _block(chapter, block, marks, notes, numbers))
    if chapter.orphans:
        refs = " ".join(_noteref(numbers[a.id]) for a in chapter.orphans)
        parts.append(f"<p><em>No longer in the text of this chapter:</em> {refs}</p>")
    parts.extend(
        _footnote(a, numbers[a.id], quote=a in chapter.orphans) for a in chapter.all_annotations
    )
    body = (
        f'<section epub:type="chapter" id="chapter-{chapter.position}">\n'
        + "\n".join(parts)
        + "\n</section>"
    )
    return _page(chapter.display_title, language, body)


def _block(
    chapter: ChapterRecord, block: Block, marks: dict, notes: dict, numbers: dict[int, int]
) -> str:
    if block.kind == SCENE_BREAK:
        return '<hr class="scene-break"/>'
    refs = refs_at_highlight_ends(chapter, block, notes.get(block.key, []), numbers, _noteref)
    return f'<p id="{escape(block.key)}">{insert_after_text(marks[block.key], refs)}</p>'


def _noteref(number: int) -> str:
    return (
        f'<a class="noteref" epub:type="noteref" href="#note-{number}" id="ref-{number}">'
        f"{number}</a>"
    )


def _footnote(annotation: AnnotationRecord, number: int, *, quote: bool) -> str:
    heading = [f'<a href="#ref-{number}">{number}.</a>']
    if quote or not (annotation.note_html or annotation.tags):
        heading.append(f"<q>{escape(annotation.exact)}</q>")
    if annotation.tags:
        names = ", ".join(escape(tag.name) for tag in annotation.tags)
        heading.append(f'<span class="tags">{names}</span>')
    if not annotation.own:
        heading.append(f'<span class="shared">shared by {escape(annotation.creator)}</span>')
    return (
        f'<aside class="footnote" epub:type="footnote" id="note-{number}">'
        f"<p>{' '.join(heading)}</p>{_as_xhtml(annotation.note_html)}</aside>"
    )


def _as_xhtml(note_html: str) -> str:
    """Sanitised note HTML written as XML: the same elements, closed the XML way."""
    if not note_html:
        return ""
    parts = []
    for fragment in lxml.html.fragments_fromstring(note_html):
        if isinstance(fragment, str):
            parts.append(f"<p>{escape(fragment)}</p>")
        else:
            parts.append(etree.tostring(fragment, method="xml", encoding="unicode"))
    return "".join(parts)
