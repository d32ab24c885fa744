"""PDF: the text's lines, as pdfminer.six lays them out, made into paragraphs again. A PDF keeps no
paragraphs, only positioned lines: a paragraph ends where the gap below a line is wider than the
line spacing, where the next line starts further right (a first-line indent, a quotation) or in
another type. Running headers and footers (the same words at the top or bottom of most pages)
and page numbers are left out.

AO3's PDF download is its HTML download printed by Calibre, rebuilt into that HTML for the AO3
reader (formats.ao3_layout). Any other PDF is read as plain text.
"""

import io
import re
from collections import Counter

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine

from ..model import ParsedWork, ParseError
from .ao3_download import parse_ao3_download
from .ao3_layout import AO3_MESSAGE, INDENT, Line, Paragraph, ao3_html
from .plaintext import parse_plain_text

# The share of the page's height, at its top and at its bottom, where running lines are sought.
_MARGIN_BAND = 0.1
_PAGE_NUMBER = re.compile(r"(?:page\s*)?\d+(?:\s*(?:of|/)\s*\d+)?", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
# A gap wider than this share of the type size between two lines ends a paragraph.
_PARAGRAPH_GAP = 0.75


def parse_pdf(data: bytes, filename: str) -> ParsedWork:
    paragraphs = _paragraphs(_without_running_lines(_pages(data)))
    if not paragraphs:
        raise ParseError("This PDF has no text in it (it may be scanned pages).")
    if any(AO3_MESSAGE in paragraph.text for paragraph in paragraphs[:6]):
        work = parse_ao3_download(ao3_html(paragraphs), filename)
        work.source_format = "AO3 PDF"
        return work
    work = parse_plain_text("\n\n".join(p.text for p in paragraphs), filename, markdown=False)
    work.source_format = "PDF"
    return work


def _pages(data: bytes) -> list[tuple[float, list[Line]]]:
    """Each page's height and its lines, from the top down."""
    pages = []
    try:
        for number, layout in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams())):
            lines = [
                _line(number, line)
                for box in layout
                if isinstance(box, LTTextContainer)
                for line in box
                if isinstance(line, LTTextLine) and line.get_text().strip()
            ]
            lines.sort(key=lambda line: (-round(line.y0), line.x0))
            pages.append((layout.height, lines))
    except MemoryError:
        raise
    except Exception as error:
        # pdfminer raises what its stage met (a syntax, stream or encryption error, a bad
        # index): to the reader each is a PDF that cannot be read.
        raise ParseError(f"This PDF could not be read ({error}).") from None
    return pages


def _line(page: int, line: LTTextLine) -> Line:
    chars = [char for char in line if isinstance(char, LTChar)]
    sizes = Counter(round(char.size, 1) for char in chars)
    bold = bool(chars) and all("bold" in char.fontname.casefold() for char in chars)
    text = " ".join(line.get_text().split())
    size = sizes.most_common(1)[0][0] if sizes else 0.0
    return Line(page, line.x0, line.y0, line.x1, size, bold, text)


def _without_running_lines(pages: list[tuple[float, list[Line]]]) -> list[list[Line]]:
    """Every page's lines but its page number and the header and footer most pages repeat."""

    def in_band(line: Line, height: float) -> bool:
        return line.y0 > height * (1 - _MARGIN_BAND) or line.y0 < height * _MARGIN_BAND

    repeated = Counter(
        key
        for height, lines in pages
        for key in {_DIGITS.sub("#", line.text) for line in lines if in_band(line, height)}
    )
    running = {key for key, count in repeated.items() if count >= 2 and count * 2 >= len(pages)}
    return [
        [
            line
            for line in lines
            if not in_band(line, height)
            or not (_PAGE_NUMBER.fullmatch(line.text) or _DIGITS.sub("#", line.text) in running)
        ]
        for height, lines in pages
    ]


def _paragraphs(pages: list[list[Line]]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    for lines in pages:
        widest = max((line.x1 for line in lines), default=0.0)
        for index, line in enumerate(lines):
            current = paragraphs[-1] if paragraphs else None
            if current is None or _starts_paragraph(current, line, index == 0, widest):
                paragraphs.append(Paragraph())
            paragraphs[-1].lines.append(line)
    return paragraphs


def _starts_paragraph(current: Paragraph, line: Line, page_top: bool, widest: float) -> bool:
    last = current.lines[-1]
    if (line.size, line.bold) != (last.size, last.bold):
        return True
    if page_top:
        # The paragraph goes on over the page when the page's last line was a full one.
        return abs(line.x0 - last.x0) > INDENT or last.x1 < widest * 0.9
    if last.y0 - line.y0 > line.size * (1 + _PARAGRAPH_GAP):
        return True
    if line.x0 > last.x0 + INDENT:
        return True
    # Back to the margin after a first-line indent is the same paragraph; otherwise not.
    return line.x0 < last.x0 - INDENT and len(current.lines) > 1
