"""Labelled notes in site HTML: a "Summary"/"Notes" label, then a `<blockquote>` holding them."""

from lxml import etree

from ..rules.html_blocks import BlockKind, read_blocks
from ..rules.html_tree import local_name, plain_text

_LABEL_TAGS = {"p", "h3", "h4", "h5", "strong", "b"}
_MAX_LABEL_LENGTH = 40


def labelled_blockquotes(container: etree._Element) -> dict[str, etree._Element]:
    """Each label ("summary", "chapter end notes" …: lower case, no colon) and its quote."""
    found: dict[str, etree._Element] = {}
    label = ""
    walk = etree.iterwalk(container, events=("start",))
    for _, element in walk:
        name = local_name(element)
        if name == "blockquote":
            if label and label not in found:
                found[label] = element
            label = ""
            # A note's own paragraphs are never labels.
            walk.skip_subtree()
        elif name in _LABEL_TAGS:
            text = plain_text(element)
            if 0 < len(text) <= _MAX_LABEL_LENGTH:
                label = text.rstrip(":").strip().casefold()
    return found


def note_paragraphs(quote: etree._Element) -> list[str]:
    """One string per paragraph of the quote; a `<br>` inside a paragraph stays a line break."""
    paragraphs: list[str] = []
    loose = " ".join((quote.text or "").split())
    if loose:
        paragraphs.append(loose)
    for child in quote:
        lines = [block.text for block in read_blocks(child).blocks if block.kind != BlockKind.BREAK]
        if lines:
            paragraphs.append("\n".join(lines))
        tail = " ".join((child.tail or "").split())
        if tail:
            paragraphs.append(tail)
    return paragraphs
