"""Untrusted HTML and XHTML to lxml trees, with no network access and no entity expansion."""

import re

import lxml.html
from lxml import etree

from ..model import ParseError

# lxml refuses a str that still declares its byte encoding; the bytes were decoded already.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_PARSER = lxml.html.HTMLParser(
    no_network=True, remove_comments=True, remove_pis=True, recover=True
)
# Entities stay unexpanded (no "billion laughs"), no DTD is fetched, no huge trees.
_XML_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    remove_comments=True,
    remove_pis=True,
    huge_tree=False,
)


def parse_html(text: str) -> etree._Element:
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text), parser=_HTML_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        raise ParseError("This HTML file could not be read.") from None
    return root


def parse_xhtml(data: bytes) -> etree._Element:
    """EPUB content documents: strict XML first, the forgiving HTML parser when that fails."""
    try:
        return etree.fromstring(data, parser=_XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return parse_html(data.decode("utf-8", errors="replace"))


def parse_xml(data: bytes, what: str) -> etree._Element:
    """Package files (container.xml, the OPF, the NCX): strict XML or a ParseError."""
    try:
        return etree.fromstring(data, parser=_XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        raise ParseError(f"This EPUB's {what} is broken.") from None


def local_name(element: etree._Element) -> str:
    """The tag without its namespace, lower-cased; "" for comments, entities and the like."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def find_all(root: etree._Element, name: str, *, css_class: str = "") -> list[etree._Element]:
    """Descendants by local name (namespace or not), optionally with a class, in document order."""
    return [
        element
        for element in root.iter()
        if local_name(element) == name and (not css_class or css_class in classes(element))
    ]


def find_by_id(root: etree._Element, element_id: str) -> etree._Element | None:
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("id") == element_id:
            return element
    return None


def plain_text(element: etree._Element) -> str:
    """All the text of an element, whitespace collapsed; unexpanded entities give nothing."""
    parts: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if event == "start" and isinstance(node.tag, str):
            parts.append(node.text or "")
        elif event == "end" and node is not element:
            parts.append(node.tail or "")
    return " ".join("".join(parts).split())
