"""Which reader understands a file, judged by its content; the extension only breaks ties.

Users rename files freely (an AO3 download saved as .txt, an EPUB as .zip), so the bytes decide:
ZIP archives are EPUBs or refused, other binary formats are refused by their signature, and
text is HTML when it starts like HTML, then FanFicFare, Project Gutenberg or Markdown by their
marks, and plain text otherwise.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from enum import StrEnum

from ..formats.epub_archive import ZIP_ERRORS
from ..formats.yaml_metadata import split_front_matter
from ..model import ParseError
from ..rules.markdown_lines import is_markdown_name
from .bytes_to_text import DecodedText, decode_story_bytes


class SourceFormat(StrEnum):
    """The reader used, as reported to the user after an import."""

    PLAIN_TEXT = "plain text"
    MARKDOWN = "Markdown"
    FANFICFARE = "FanFicFare text"
    GUTENBERG = "Project Gutenberg text"
    AO3_HTML = "AO3 HTML"
    AO3_PAGE = "AO3 web page"
    FFN_PAGE = "FanFiction.net web page"
    HTML = "HTML"
    EPUB = "EPUB"
    KINDLE = "Kindle"
    PDF = "PDF"


@dataclass(frozen=True)
class Source:
    format: SourceFormat
    # The decoded text for text formats; None for EPUB, which is read from the archive.
    decoded: DecodedText | None = None


_PDF_SIGNATURE = b"%PDF"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_BINARY_SIGNATURES = (
    (b"{\\rtf", "This is an RTF document. Save it as plain text or HTML and import that."),
    (b"\xd0\xcf\x11\xe0", "This is an old Word document. Save it as plain text or HTML."),
    (b"\x89PNG", "This is an image (a binary file), not a story."),
    (b"\xff\xd8\xff", "This is an image (a binary file), not a story."),
    (b"GIF8", "This is an image (a binary file), not a story."),
    (b"Rar!", "This is a compressed archive; unpack it and import the story inside."),
    (b"7z\xbc\xaf", "This is a compressed archive; unpack it and import the story inside."),
    (b"\x1f\x8b", "This is a compressed archive; unpack it and import the story inside."),
)
# Kindle books carry their type at a fixed offset, not at the start.
_MOBI_TYPE = slice(60, 68)
_EPUB_MIMETYPE = b"application/epub+zip"
_SAMPLE = 20_000

_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|div|p|h[1-6]|meta|title|section|article)\b",
    re.IGNORECASE | re.DOTALL,
)
_OTHER_XML = re.compile(r"\A\s*<\?xml", re.IGNORECASE)
_HTML_ID = re.compile(r"""\bid\s*=\s*["']?(?P<id>[\w-]+)""", re.IGNORECASE)
_FANFICFARE_LABEL = re.compile(
    r"^(?:Story URL|Author URL|Packaged|Publisher): \S", re.MULTILINE | re.IGNORECASE
)
_FANFICFARE_END = re.compile(r"\n\s*End file\.\s*\Z")
_CONTENTS_LINE = re.compile(r"^\s*TABLE OF CONTENTS\s*$", re.MULTILINE)
_GUTENBERG_START = re.compile(r"\*\*\* ?START OF (?:THE|THIS) PROJECT GUTENBERG")
_GUTENBERG_HEADER_LENGTH = 3000
# Project Gutenberg's transcribers mark pictures so; other sources hardly ever do.
_ILLUSTRATION = "[Illustration"
_MIN_ILLUSTRATIONS = 3


def identify_source(data: bytes, filename: str) -> Source:
    if data.startswith(_PDF_SIGNATURE):
        return Source(SourceFormat.PDF)
    if data.startswith(_ZIP_SIGNATURES):
        _check_epub_archive(data)
        return Source(SourceFormat.EPUB)
    for signature, message in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise ParseError(message)
    if data[_MOBI_TYPE] == b"BOOKMOBI":
        return Source(SourceFormat.KINDLE)
    decoded = decode_story_bytes(data)
    return Source(text_format(decoded.text, filename), decoded)


def text_format(text: str, filename: str) -> SourceFormat:
    sample = text[:_SAMPLE]
    if _HTML_START.match(sample):
        return _html_format(text)
    if _OTHER_XML.match(sample):
        raise ParseError("This is an XML file in a format we cannot read as a story.")
    if _FANFICFARE_LABEL.search(sample) and (
        _CONTENTS_LINE.search(sample) or _FANFICFARE_END.search(text[-200:])
    ):
        return SourceFormat.FANFICFARE
    if (
        "project gutenberg" in text[:_GUTENBERG_HEADER_LENGTH].lower()
        or _GUTENBERG_START.search(text)
        or text.count(_ILLUSTRATION) >= _MIN_ILLUSTRATIONS
    ):
        return SourceFormat.GUTENBERG
    if is_markdown_name(filename) or split_front_matter(sample) is not None:
        return SourceFormat.MARKDOWN
    return SourceFormat.PLAIN_TEXT


def _html_format(text: str) -> SourceFormat:
    ids = {match.group("id").lower() for match in _HTML_ID.finditer(text)}
    if "workskin" in ids:
        return SourceFormat.AO3_PAGE
    if {"preface", "chapters"} <= ids and "archive of our own" in text[:_SAMPLE].lower():
        return SourceFormat.AO3_HTML
    if "storytext" in ids:
        return SourceFormat.FFN_PAGE
    return SourceFormat.HTML


def _check_epub_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.getinfo("mimetype") if "mimetype" in names else None
            is_epub = "META-INF/container.xml" in names or (
                mimetype is not None
                and mimetype.file_size <= len(_EPUB_MIMETYPE) + 2
                and archive.read(mimetype).strip() == _EPUB_MIMETYPE
            )
    except ZIP_ERRORS:
        raise ParseError("This is a damaged ZIP archive (a binary file), not a story.") from None
    if is_epub:
        return
    if "word/document.xml" in names:
        raise ParseError("This is a Word document. Save it as plain text or HTML and import that.")
    if "content.xml" in names:
        raise ParseError("This is an OpenDocument file. Save it as plain text or HTML.")
    raise ParseError("This ZIP archive is not an EPUB book.")
