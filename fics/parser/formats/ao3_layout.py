"""AO3's download laid out as text (its PDF, its older MOBI), rebuilt into its HTML download for
the AO3 reader (formats.ao3_download): the preface (a column of tag labels beside their values,
the title, the byline, labelled notes set in), the chapters under their headings (notes set in
further than the story's text), and the end notes.

The formats give paragraphs with where they start (x0), their type (size, bold), and their place
on the page (page, y0, from the top down); nothing else is known of them.
"""

from collections import Counter
from dataclasses import dataclass, field
from html import escape

from ..model import ParseError

INDENT = 4.0
AO3_MESSAGE = "Archive of Our Own"
_AO3_LABELS = {"summary", "notes", "chapter summary", "chapter notes", "chapter end notes"}
_AO3_GOODBYE = "Please drop by the Archive and comment"


@dataclass
class Line:
    page: int
    x0: float
    y0: float
    x1: float
    size: float
    bold: bool
    text: str


@dataclass
class Paragraph:
    lines: list[Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        joined = ""
        for line in self.lines:
            # A line broken after a hyphen ("2024-04-" / "12") is one word again.
            glue = "" if not joined or joined.endswith("-") else " "
            joined += glue + line.text
        return joined

    @property
    def first(self) -> Line:
        return self.lines[0]


@dataclass
class _Ao3Chapter:
    title: str = ""
    # (label, paragraphs): "Chapter Summary", "Chapter Notes", "Chapter End Notes".
    notes: list[tuple[str, list[str]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


def ao3_html(paragraphs: list[Paragraph]) -> str:
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
    label: Paragraph | None = None
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


def _tag_list(lines: list[Line]) -> str:
    """The tag labels ("Rating:") in a column, each value beside its label, perhaps wrapped."""
    labels = [line for line in lines if line.text.endswith(":") and len(line.text) < 40]
    if not labels:
        return ""
    column = min(label.x0 for label in labels)
    labels = [label for label in labels if abs(label.x0 - column) < 1]
    values: dict[int, list[str]] = {id(label): [] for label in labels}
    for line in lines:
        if line.x0 > column + INDENT and line.y0 <= labels[0].y0 + line.size:
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
        tags = Paragraph([Line(0, 0, 0, 0, 0, False, text) for text in values[id(label)]]).text
        links = ", ".join(f"<a>{escape(tag)}</a>" for tag in tags.split(", ") if tag)
        rows.append(f"<dt>{escape(label.text)}</dt><dd>{links}</dd>")
    return '<dl class="tags">' + "".join(rows) + "</dl>"


def _in_quote(paragraph: Paragraph, label: Paragraph, in_chapter: bool, text_x0: int) -> bool:
    """Notes are set in from their label; in a chapter, from the story's text too."""
    indent = paragraph.first.x0 > label.first.x0 + INDENT
    return indent and (not in_chapter or paragraph.first.x0 > text_x0 + INDENT)
