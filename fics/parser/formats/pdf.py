"""PDF: the text's lines, as pdfminer.six lays them out, made into paragraphs again. A PDF keeps no
paragraphs, only positioned lines: a paragraph ends where the gap below a line is wider than the
line spacing, where the next line starts further right (a first-line indent, a quotation) or in
another type. Running headers and footers (the same words at the top or bottom of most pages)
and page numbers are left out.

AO3's PDF download is its HTML download printed by Calibre: its preface (a column of tag labels
beside their values, the title, the byline, labelled notes set in) and its chapters are rebuilt
into that HTML for the AO3 reader (formats.ao3_download). Any other PDF is read as plain text.
"""

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException

from ..model import ParsedWork, ParseError
from .ao3_download import parse_ao3_download
from .plaintext import parse_plain_text

# The share of the page's height, at its top and at its bottom, where running lines are sought.
_MARGIN_BAND = 0.1
_PAGE_NUMBER = re.compile(r"(?:page\s*)?\d+(?:\s*(?:of|/)\s*\d+)?", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
# A gap wider than this share of the type size between two lines ends a paragraph.
_PARAGRAPH_GAP = 0.75
_INDENT = 4.0
_AO3_MESSAGE = "Archive of Our Own"
_AO3_LABELS = {"summary", "notes", "chapter summary", "chapter notes", "chapter end notes"}
_AO3_GOODBYE = "Please drop by the Archive and comment"


@dataclass
class _Line:
    page: int
    x0: float
    y0: float
    x1: float
    size: float
    bold: bool
    text: str


@dataclass
class _Paragraph:
    lines: list[_Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        joined = ""
        for line in self.lines:
            # A line broken after a hyphen ("2024-04-" / "12") is one word again.
            glue = "" if not joined or joined.endswith("-") else " "
            joined += glue + line.text
        return joined

    @property
    def first(self) -> _Line:
        return self.lines[0]


def parse_pdf(data: bytes, filename: str) -> ParsedWork:
    paragraphs = _paragraphs(_without_running_lines(_pages(data)))
    if not paragraphs:
        raise ParseError("This PDF has no text in it (it may be scanned pages).")
    if any(_AO3_MESSAGE in paragraph.text for paragraph in paragraphs[:6]):
        work = parse_ao3_download(_ao3_html(paragraphs), filename)
        work.source_format = "AO3 PDF"
        return work
    work = parse_plain_text("\n\n".join(p.text for p in paragraphs), filename, markdown=False)
    work.source_format = "PDF"
    return work


def _pages(data: bytes) -> list[tuple[float, list[_Line]]]:
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
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as error:
        raise ParseError(f"This PDF could not be read ({error}).") from None
    return pages


def _line(page: int, line: LTTextLine) -> _Line:
    chars = [char for char in line if isinstance(char, LTChar)]
    sizes = Counter(round(char.size, 1) for char in chars)
    bold = bool(chars) and all("bold" in char.fontname.casefold() for char in chars)
    text = " ".join(line.get_text().split())
    size = sizes.most_common(1)[0][0] if sizes else 0.0
    return _Line(page, line.x0, line.y0, line.x1, size, bold, text)


def _without_running_lines(pages: list[tuple[float, list[_Line]]]) -> list[list[_Line]]:
    """Every page's lines but its page number and the header and footer most pages repeat."""

    def in_band(line: _Line, height: float) -> bool:
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


def _paragraphs(pages: list[list[_Line]]) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    for lines in pages:
        widest = max((line.x1 for line in lines), default=0.0)
        for index, line in enumerate(lines):
            current = paragraphs[-1] if paragraphs else None
            if current is None or _starts_paragraph(current, line, index == 0, widest):
                paragraphs.append(_Paragraph())
            paragraphs[-1].lines.append(line)
    return paragraphs


def _starts_paragraph(current: _Paragraph, line: _Line, page_top: bool, widest: float) -> bool:
    last = current.lines[-1]
    if (line.size, line.bold) != (last.size, last.bold):
        return True
    if page_top:
        # The paragraph goes on over the page when the page's last line was a full one.
        return abs(line.x0 - last.x0) > _INDENT or last.x1 < widest * 0.9
    if last.y0 - line.y0 > line.size * (1 + _PARAGRAPH_GAP):
        return True
    if line.x0 > last.x0 + _INDENT:
        return True
    # Back to the margin after a first-line indent is the same paragraph; otherwise not.
    return line.x0 < last.x0 - _INDENT and len(current.lines) > 1


@dataclass
class _Ao3Chapter:
    title: str = ""
    # (label, paragraphs): "Chapter Summary", "Chapter Notes", "Chapter End Notes".
    notes: list[tuple[str, list[str]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


def _ao3_html(paragraphs: list[_Paragraph]) -> str:
    """AO3's HTML download, as far as the AO3 reader needs it, from its PDF's paragraphs."""
    body_size = Counter(line.size for p in paragraphs for line in p.lines).most_common(1)[0][0]
    headings = [p for p in paragraphs if p.first.bold and p.first.size > body_size * 1.2]
    if not headings:
        raise ParseError("This AO3 PDF has no title in it.")
    start = paragraphs.index(headings[0])
    tag_lines = [line for p in paragraphs[:start] for line in p.lines]
    # Smaller type is AO3's "See the end of the chapter for more notes" links.
    rest = [p for p in paragraphs[start + 1 :] if p.first.size >= body_size * 0.9]
    byline = rest.pop(0).text if rest and rest[0].text.startswith("by ") else ""
    # The story's left edge: most paragraphs are the chapters' text.
    text_x0 = Counter(round(p.first.x0) for p in rest).most_common(1)[0][0] if rest else 0
    preface: list[tuple[str, list[str]]] = []
    chapters: list[_Ao3Chapter] = []
    end_notes: list[str] | None = None
    label: _Paragraph | None = None
    for paragraph in rest:
        text = paragraph.text
        if paragraph in headings:
            chapters.append(_Ao3Chapter(title=text))
            label = None
        elif text.startswith(_AO3_GOODBYE):
            # The site's last words, however they wrap.
            break
        elif text.casefold() == "end notes":
            end_notes, label = [], paragraph
        elif text.casefold() in _AO3_LABELS:
            notes = chapters[-1].notes if chapters else preface
            notes.append((text, []))
            label = paragraph
        elif end_notes is not None:
            end_notes.append(text)
        elif label is not None and _in_quote(paragraph, label, bool(chapters), text_x0):
            (chapters[-1].notes if chapters else preface)[-1][1].append(text)
        else:
            if not chapters:
                # A one-shot: its text follows the preface, under no chapter heading.
                chapters.append(_Ao3Chapter())
            chapters[-1].text.append(text)
            label = None
    return _render_ao3(headings[0].text, byline, _tag_list(tag_lines), preface, chapters, end_notes)


def _render_ao3(
    title: str,
    byline: str,
    tag_list: str,
    preface: list[tuple[str, list[str]]],
    chapters: list[_Ao3Chapter],
    end_notes: list[str] | None,
) -> str:
    html = [f'<html><body><div id="preface"><div class="meta">{tag_list}']
    html.append(f'<h1>{escape(title)}</h1><div class="byline">{escape(byline)}</div>')
    html += [_labelled(label, notes) for label, notes in preface]
    html.append('</div></div><div id="chapters">')
    for chapter in chapters:
        before = [(label, notes) for label, notes in chapter.notes if "end" not in label.casefold()]
        after = [(label, notes) for label, notes in chapter.notes if "end" in label.casefold()]
        if chapter.title or before:
            html.append(f'<div class="meta group"><h2 class="heading">{escape(chapter.title)}</h2>')
            html += [_labelled(label, notes) for label, notes in before]
            html.append("</div>")
        html.append('<div class="userstuff">' + _paragraphs_html(chapter.text) + "</div>")
        if after:
            html.append('<div class="meta">')
            html += [_labelled(label, notes) for label, notes in after]
            html.append("</div>")
    html.append("</div>")
    if end_notes is not None:
        html.append('<div id="afterword"><div class="meta">')
        html.append(_labelled("End Notes", end_notes) + "</div></div>")
    return "".join(html) + "</body></html>"


def _labelled(label: str, notes: list[str]) -> str:
    return f"<p>{escape(label)}</p><blockquote>{_paragraphs_html(notes)}</blockquote>"


def _paragraphs_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in paragraphs)


def _tag_list(lines: list[_Line]) -> str:
    """The tag labels ("Rating:") in a column, each value beside its label, perhaps wrapped."""
    labels = [line for line in lines if line.text.endswith(":") and len(line.text) < 40]
    if not labels:
        return ""
    column = min(label.x0 for label in labels)
    labels = [label for label in labels if abs(label.x0 - column) < 1]
    values: dict[int, list[str]] = {id(label): [] for label in labels}
    for line in lines:
        if line.x0 > column + _INDENT and line.y0 <= labels[0].y0 + line.size:
            # The nearest label at or above the line on its page.
            above = [
                label
                for label in labels
                if (label.page, -label.y0) <= (line.page, -line.y0 + line.size / 2)
            ]
            if above:
                values[id(above[-1])].append(line.text)
    rows = []
    for label in labels:
        tags = _Paragraph([_Line(0, 0, 0, 0, 0, False, text) for text in values[id(label)]]).text
        links = ", ".join(f"<a>{escape(tag)}</a>" for tag in tags.split(", ") if tag)
        rows.append(f"<dt>{escape(label.text)}</dt><dd>{links}</dd>")
    return '<dl class="tags">' + "".join(rows) + "</dl>"


def _in_quote(paragraph: _Paragraph, label: _Paragraph, in_chapter: bool, text_x0: int) -> bool:
    """Notes are set in from their label; in a chapter, from the story's text too."""
    indent = paragraph.first.x0 > label.first.x0 + _INDENT
    return indent and (not in_chapter or paragraph.first.x0 > text_x0 + _INDENT)
