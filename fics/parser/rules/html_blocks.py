"""An HTML subtree to a flat list of blocks: paragraphs with emphasis spans, headings, breaks.

Markup never reaches the stored text: `<em>`/`<i>` and `<strong>`/`<b>` become Emphasis spans
over the plain words. A `<br>` ends a paragraph, because stored paragraphs are single lines;
poems and letters become one paragraph per line.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from lxml import etree

from ..decoding.bytes_to_text import normalise_text
from ..model import Emphasis, EmphasisStyle
from .emphasis_spans import Span, tidy_emphasis
from .html_tree import local_name


class BlockKind(StrEnum):
    TEXT = "text"
    HEADING = "heading"
    BREAK = "break"


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str = ""
    emphasis: tuple[Emphasis, ...] = ()
    # 1-6 for headings, 0 otherwise.
    level: int = 0


@dataclass
class Blocks:
    blocks: list[Block] = field(default_factory=list)
    images: int = 0


_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_ITALIC = {"em", "i", "cite", "dfn"}
_BOLD = {"strong", "b"}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "div", "dl", "dt", "figcaption", "figure", "footer", "header", "html", "li", "main", "ol",
    "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
# Never story text: code, page furniture, forms, embedded media.
_IGNORED = {
    "audio", "button", "canvas", "embed", "form", "head", "iframe", "input", "link", "map",
    "math", "meta", "noscript", "object", "option", "script", "select", "style", "template",
    "textarea", "title", "video",
}  # fmt: skip
_IMAGES = {"img", "image", "svg", "picture"}
_WHITESPACE = re.compile(r"\s+")


def read_blocks(
    root: etree._Element, *, skip: Callable[[etree._Element], bool] | None = None
) -> Blocks:
    """The blocks under `root`, leaving out the subtrees `skip` picks (site chrome, boilerplate)."""
    reader = _BlockReader()
    walk = etree.iterwalk(root, events=("start", "end"))
    skipped: set[etree._Element] = set()
    for event, element in walk:
        name = local_name(element)
        if event == "start":
            if name in _IGNORED or name in _IMAGES or (skip is not None and skip(element)):
                reader.images += name in _IMAGES
                skipped.add(element)
                walk.skip_subtree()
            elif name:
                reader.open(name, element.text)
        else:
            if element in skipped:
                skipped.discard(element)
            elif name:
                reader.close(name)
            if element is not root:
                reader.add_text(element.tail)
    reader.end_paragraph()
    return Blocks(reader.blocks, reader.images)


class _Paragraph:
    """Text pieces joined with HTML's whitespace rules, and the emphasis spans over them.

    The pieces are joined once, at the end: a paragraph of many `<i>` pieces would otherwise be
    copied whole for each one."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0
        self.spans: list[Span] = []

    def add(self, text: str, styles: list[EmphasisStyle]) -> None:
        text = _WHITESPACE.sub(" ", normalise_text(text))
        if text.startswith(" ") and (not self.pieces or self.pieces[-1].endswith(" ")):
            text = text[1:]
        if not text:
            return
        start = self.length
        self.pieces.append(text)
        self.length += len(text)
        self.spans.extend((start, self.length, style) for style in styles)

    def finish(self) -> tuple[str, tuple[Emphasis, ...]]:
        text = "".join(self.pieces).rstrip(" ")
        return text, tidy_emphasis(text, self.spans)


class _BlockReader:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.images = 0
        self.paragraph = _Paragraph()
        self.heading_level = 0
        self.italic = 0
        self.bold = 0

    def open(self, name: str, text: str | None) -> None:
        if name == "br":
            if self.heading_level:
                self.add_text(" ")
            else:
                self.end_paragraph()
        elif name == "hr":
            self.end_paragraph()
            self.blocks.append(Block(BlockKind.BREAK))
        elif name in _HEADINGS and not self.heading_level:
            self.end_paragraph()
            self.heading_level = _HEADINGS[name]
        elif name in _BLOCKS and not self.heading_level:
            self.end_paragraph()
        self.italic += name in _ITALIC
        self.bold += name in _BOLD
        self.add_text(text)

    def close(self, name: str) -> None:
        self.italic -= name in _ITALIC
        self.bold -= name in _BOLD
        if name in _HEADINGS and self.heading_level == _HEADINGS[name]:
            text, _ = self.paragraph.finish()
            if text:
                self.blocks.append(Block(BlockKind.HEADING, text, level=self.heading_level))
            self.paragraph = _Paragraph()
            self.heading_level = 0
        elif name in _BLOCKS and not self.heading_level:
            self.end_paragraph()

    def add_text(self, text: str | None) -> None:
        if not text:
            return
        styles = [EmphasisStyle.ITALIC] if self.italic > 0 else []
        styles += [EmphasisStyle.BOLD] if self.bold > 0 else []
        self.paragraph.add(text, styles)

    def end_paragraph(self) -> None:
        if self.heading_level:
            return
        text, emphasis = self.paragraph.finish()
        if text:
            self.blocks.append(Block(BlockKind.TEXT, text, emphasis))
        self.paragraph = _Paragraph()
