"""Kindle books (MOBI, AZW, AZW3), as AO3 and FanFicFare make them: unpacked by KindleUnpack (the
`mobi` package) into the EPUB inside a KF8 book, or the one HTML document of an older MOBI, which
is cut at its page breaks into an EPUB of its own so that the EPUB reader finds the chapters, the
title page and the table of contents as in any book.

KindleUnpack works on files: the book is unpacked in a temporary folder that goes as soon as the
inner book is read.
"""

import contextlib
import html
import io
import re
import tempfile
import warnings
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from loguru import logger
from lxml import etree

from ..decoding.bytes_to_text import decode_story_bytes
from ..model import ParsedWork, ParseError
from ..rules.html_tree import find_all, local_name, parse_html, plain_text
from .ao3_download import parse_ao3_download
from .ao3_layout import AO3_MESSAGE, Line, Paragraph, ao3_html
from .epub import parse_epub

with warnings.catch_warnings():
    # It reads image types with imghdr, which left Python's standard library in 3.13: the
    # backport it installs says so on import.
    warnings.simplefilter("ignore", DeprecationWarning)
    from mobi.kindleunpack import unpackBook

# KindleUnpack tells everything it does through loguru: not the worker's business.
logger.disable("mobi")

# The Palm database's record list, and in the first record the number of text records.
_RECORD_COUNT = slice(76, 78)
_FIRST_RECORD = slice(78, 82)
_TEXT_RECORDS = 8
_MAKERS = {"AO3", "FanFicFare"}
_AO3_MESSAGE_WITHIN = 3000
# An older MOBI sets text in with nested blockquotes: each counts as this much indent.
_INDENT_STEP = 15.0
_BODY_SIZE = 3
_LINE_STEP = 20.0

_PAGE_BREAK = re.compile(r"<mbp:pagebreak\s*/?>", re.IGNORECASE)
# MOBI links point at byte positions, each marked in the text by an anchor of that name.
_POSITION = re.compile(r"""<a\s+id=["']?(filepos\d+)["']?\s*/>""", re.IGNORECASE)
_CONTENTS_LINK = re.compile(r"""<a\s+href=["']?#(filepos\d+)["']?\s*>(.*?)</a>""", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
_OPF_METADATA = re.compile(r"<metadata\b.*?</metadata>", re.IGNORECASE | re.DOTALL)


def parse_kindle(data: bytes, filename: str) -> ParsedWork:
    with tempfile.TemporaryDirectory(prefix="marginalia-kindle-") as folder:
        book = Path(folder) / "book.mobi"
        book.write_bytes(_with_text_records_present(data))
        try:
            # It prints what it finds as it goes.
            with contextlib.redirect_stdout(io.StringIO()):
                unpackBook(str(book), folder, epubver="A")
        except MemoryError:
            raise
        except Exception as error:
            # A DRM-protected book, or one it cannot make sense of; it raises anything then.
            raise ParseError(f"This Kindle book could not be unpacked ({error}).") from None
        epubs = sorted(Path(folder, "mobi8").glob("*.epub"))
        document = Path(folder, "mobi7", "book.html")
        package = Path(folder, "mobi7", "content.opf")
        if epubs:
            work = parse_epub(epubs[0].read_bytes(), filename)
            kind = "AZW3"
        elif document.is_file():
            # Records may end in a NUL that the unpacker leaves in the text.
            text = decode_story_bytes(document.read_bytes().replace(b"\0", b"")).text
            opf = package.read_text(errors="replace") if package.is_file() else ""
            if AO3_MESSAGE in text[:_AO3_MESSAGE_WITHIN]:
                work = parse_ao3_download(ao3_html(_laid_out(text)), filename)
                # Named "AO3 MOBI" below, as an AO3 book inside a Kindle one.
                work.source_format = "AO3"
            else:
                work = parse_epub(_as_epub(text, opf), filename)
            kind = "MOBI"
        else:
            raise ParseError("This Kindle book holds no text that could be read.")
    # "AO3 EPUB" inside an AZW3 is an "AO3 AZW3"; a plain EPUB inside, a plain "AZW3".
    maker = work.source_format.split(" ")[0]
    work.source_format = f"{maker} {kind}" if maker in _MAKERS else kind
    return work


def _with_text_records_present(data: bytes) -> bytes:
    """FanFicFare counts the header among the text records: a book that says it has more text
    records than it has records is read with the ones it has."""
    records = int.from_bytes(data[_RECORD_COUNT])
    first = int.from_bytes(data[_FIRST_RECORD])
    declared = data[first + _TEXT_RECORDS : first + _TEXT_RECORDS + 2]
    if records < 2 or len(declared) < 2 or int.from_bytes(declared) < records:
        return data
    present = (records - 1).to_bytes(2)
    return data[: first + _TEXT_RECORDS] + present + data[first + _TEXT_RECORDS + 2 :]


def _as_epub(document: str, opf: str) -> bytes:
    """An older MOBI's one document as an EPUB: a spine document per page, the package's
    metadata, and the navigation from its table of contents' links."""
    pages = _PAGE_BREAK.split(document)
    page_of = {name: n for n, page in enumerate(pages) for name in _POSITION.findall(page)}
    titles: dict[int, str] = {}
    for target, label in _CONTENTS_LINK.findall(document):
        if target in page_of:
            titles.setdefault(page_of[target], " ".join(html.unescape(_TAG.sub("", label)).split()))
    metadata = _OPF_METADATA.search(opf)
    items = "".join(
        f'<item id="page{n}" href="page{n}.html" media-type="application/xhtml+xml"/>'
        for n in range(len(pages))
    )
    spine = "".join(f'<itemref idref="page{n}"/>' for n in range(len(pages)))
    points = "".join(
        f'<navPoint id="nav{n}"><navLabel><text>{escape(title)}</text></navLabel>'
        f"<content src={quoteattr(f'page{n}.html')}/></navPoint>"
        for n, title in sorted(titles.items())
    )
    # Their work done, the anchors go: where a book's positions are a little off (FanFicFare
    # counts its own), KindleUnpack has put them inside a tag ("</a<a id=...>>").
    pages = [_POSITION.sub("", page) for page in pages]
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as epub:
        epub.writestr("mimetype", "application/epub+zip")
        epub.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        epub.writestr(
            "content.opf",
            '<?xml version="1.0" encoding="utf-8"?><package version="2.0" '
            'xmlns="http://www.idpf.org/2007/opf" unique-identifier="uid">'
            f"{metadata.group(0) if metadata else '<metadata/>'}"
            '<manifest><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
            f'{items}</manifest><spine toc="ncx">{spine}</spine></package>',
        )
        epub.writestr(
            "toc.ncx",
            '<?xml version="1.0" encoding="utf-8"?><ncx version="2005-1" '
            f'xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap>{points}</navMap></ncx>',
        )
        for n, page in enumerate(pages):
            epub.writestr(f"page{n}.html", f"<html><body>{page}</body></html>")
    return output.getvalue()


def _laid_out(document: str) -> list[Paragraph]:
    """An older MOBI's blocks as laid-out paragraphs (formats.ao3_layout): set in by how many
    blockquotes hold them, sized and bolded by their <font> and <b>, paged at its page breaks."""
    body = parse_html(document)
    paragraphs: list[Paragraph] = []
    page = 0
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        name = local_name(element)
        if name == "mbp:pagebreak" or name == "pagebreak":
            page += 1
        elif name in ("p", "blockquote") and not _holds_blocks(element):
            text = " ".join(plain_text(element).split())
            if text:
                depth = sum(local_name(a) == "blockquote" for a in element.iterancestors())
                depth += name == "blockquote"
                # One line each, far enough apart that no two share a baseline.
                line = Line(page, depth * _INDENT_STEP, -_LINE_STEP * len(paragraphs), 0.0,
                            _size(element), _bold(element, text), text)  # fmt: skip
                paragraphs.append(Paragraph([line]))
    return paragraphs


def _holds_blocks(element: etree._Element) -> bool:
    return any(local_name(child) in ("p", "blockquote") for child in element.iterdescendants())


def _size(element: etree._Element) -> float:
    sizes = [font.get("size", "") for font in find_all(element, "font")]
    return float(sizes[0]) if sizes and sizes[0].isdigit() else float(_BODY_SIZE)


def _bold(element: etree._Element, text: str) -> bool:
    bold = " ".join(" ".join(plain_text(b).split()) for b in find_all(element, "b"))
    return bold == text
