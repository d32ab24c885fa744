"""AO3's tag list (`Rating:`, `Fandom:`, `Characters:` …), the same in downloads and web pages."""

import re

from lxml import etree

from ..model import ParsedWork
from ..rules.html_tree import find_all, local_name, plain_text
from ..rules.language import language_code

# "Chapters: 3/?" among the stats: written / planned, "?" while the author does not know.
_CHAPTERS = re.compile(r"Chapters:\s*(\d+)\s*/\s*(\d+|\?)")

# Label (lower case, no colon, singular) to the work field it fills.
_LIST_FIELDS = {
    "archive warning": "warnings",
    "warning": "warnings",
    "relationship": "relationships",
    "character": "characters",
    "additional tag": "additional_tags",
    "freeform": "additional_tags",
}


def apply_tag_list(work: ParsedWork, tag_list: etree._Element) -> None:
    """Fill the work from a `<dl>` of `<dt>Label:</dt><dd>tags</dd>` pairs."""
    label = ""
    for child in tag_list:
        name = local_name(child)
        if name == "dt":
            label = plain_text(child).rstrip(":").strip().casefold().removesuffix("s")
        elif name == "dd" and label:
            _apply(work, label, tag_values(child))
            label = ""


def tag_values(element: etree._Element) -> list[str]:
    """The tags of a `<dd>`: its links' texts, or its whole text when it has no links."""
    values = [plain_text(link) for link in find_all(element, "a")]
    values = [value for value in values if value] or [plain_text(element)]
    return list(dict.fromkeys(value for value in values if value))


def _apply(work: ParsedWork, label: str, values: list[str]) -> None:
    if label in _LIST_FIELDS:
        getattr(work, _LIST_FIELDS[label]).extend(values)
    elif label == "rating":
        work.rating = ", ".join(values)
    elif label == "fandom":
        work.fandom = ", ".join(values)
    elif label == "language":
        work.language = language_code(" ".join(values))
    elif label == "stat" and (chapters := _CHAPTERS.search(" ".join(values))):
        written, planned = chapters.groups()
        work.complete = planned != "?" and int(written) >= int(planned)
