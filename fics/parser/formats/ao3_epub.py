"""AO3's EPUB, AZW3 and MOBI downloads: its HTML download converted by Calibre, which cuts it into
documents at each heading (the preface, a document per chapter, the afterword) and renames the
classes the AO3 reader goes by ("meta group" becomes "calibre1"). Put back together, with AO3's
classes found again from the structure, the book is read by the AO3 HTML reader, and gives the
same chapters, notes and metadata as the HTML download.
"""

import re

from lxml import etree

from ..rules.html_tree import classes, find_all, find_by_id, local_name, plain_text

_AO3_MESSAGE = "Archive of Our Own"
_USERSTUFF = re.compile(r"userstuff\d*")
_END_NOTES_LABEL = "chapter end notes"


def is_ao3_book(first_body: etree._Element) -> bool:
    """AO3's preface opens the book, with the site's "Posted originally on" message."""
    preface = find_by_id(first_body, "preface")
    return preface is not None and _AO3_MESSAGE in plain_text(preface)


def ao3_download_html(bodies: list[etree._Element]) -> str:
    """The documents' bodies as one AO3 HTML download."""
    joined = etree.Element("body")
    for body in bodies:
        for part in body:
            previous = joined[-1] if len(joined) else None
            # The cut repeats the enclosing element (#chapters) at the top of each document.
            if previous is not None and part.get("id") and part.get("id") == previous.get("id"):
                previous.extend(list(part))
            else:
                joined.append(part)
    for element in joined.iter():
        # XHTML's namespace goes, as the HTML download has none.
        if isinstance(element.tag, str):
            element.tag = local_name(element)
    etree.cleanup_namespaces(joined)
    for element in joined.iter("div"):
        _restore_classes(element)
    page = etree.Element("html")
    page.append(joined)
    return etree.tostring(page, encoding="unicode", method="html")


def _restore_classes(element: etree._Element) -> None:
    names = classes(element)
    children = [child for child in element if isinstance(child.tag, str)]
    if any(_USERSTUFF.fullmatch(name) for name in names):
        names.add("userstuff")
    if children and local_name(children[0]) == "h2" and "heading" in classes(children[0]):
        names |= {"meta", "group"}
    labels = [plain_text(child).casefold() for child in find_all(element, "p")[:1]]
    if labels == [_END_NOTES_LABEL]:
        names.add("meta")
    element.set("class", " ".join(sorted(names)))
