"""FanFicFare's TXT output: a header (title, `by Author`, `Label: value` lines, the summary), a
TABLE OF CONTENTS, the chapters under their bare titles, and a closing "End file.".

The header is read here, label by label, because wrapped output cuts long values over several
lines; the rest goes to the plain-text reader, which finds the chapters from the contents list.
The title page of its EPUB and HTML outputs holds the same labels (`apply_title_page`).
"""

import re
from dataclasses import dataclass, field

from ..model import ParsedWork
from ..rules.language import language_code
from .plaintext import parse_plain_text

_CONTENTS_LINE = re.compile(r"^[ \t]*TABLE OF CONTENTS[ \t]*$", re.MULTILINE)
# Without a contents list (one-chapter stories) the header ends at the first wide gap.
_HEADER_END = re.compile(r"\n[ \t]*\n[ \t]*\n[ \t]*\n")
_END_FILE = re.compile(r"\n\s*End file\.\s*\Z")
_LABEL = re.compile(r"(?P<label>[A-Z][A-Za-z ]{1,30}): (?P<value>.*)")
_BARE_LABEL = re.compile(r"[A-Z][A-Za-z ]{1,30}:")
_BYLINE = re.compile(r"by (?P<author>\S.*)")

_TEXT_FIELDS = {
    "category": "fandom",
    "categories": "fandom",
    "fandom": "fandom",
    "fandoms": "fandom",
    "rating": "rating",
    "author": "author",
    "summary": "summary",
    "description": "summary",
}
_LIST_FIELDS = {
    "characters": "characters",
    "relationships": "relationships",
    "pairing": "relationships",
    "pairings": "relationships",
    "ships": "relationships",
    "warnings": "warnings",
    "genre": "additional_tags",
    "genres": "additional_tags",
    "tags": "additional_tags",
    "freeform": "additional_tags",
}


@dataclass
class _Header:
    title: str = ""
    author: str = ""
    # (label, value) in file order; a value's paragraphs are separated by "\n\n".
    labels: list[tuple[str, str]] = field(default_factory=list)


def parse_fanficfare(text: str, filename: str) -> ParsedWork:
    header_text, body = _split_header(_END_FILE.sub("", text))
    header = _read_header(header_text)
    work = parse_plain_text(body, filename, markdown=False)
    # The plain-text reader has named the work already, from the file name at worst.
    work.title = header.title or work.title
    work.author = header.author or work.author
    unknown: list[str] = []
    for label, value in header.labels:
        if not _apply(work, label.casefold(), value):
            unknown.append(f"{label}: {value}")
    # Series, dates, URLs and counts are FanFicFare's bookkeeping: kept where the reader sees
    # them, before the first chapter, as the plain-text reader always did.
    work.chapters[0].notes_before[:0] = unknown
    return work


# Labels whose values change with every download or update: kept, they would make the first
# chapter look changed each time the work is fetched again.
_PER_DOWNLOAD = {"packaged", "updated", "chapters", "words"}


def apply_title_page(work: ParsedWork, lines: list[str]) -> None:
    """The lines of FanFicFare's EPUB or HTML title page ("Title by Author", then "Label: value"
    lines, a value's further paragraphs after it) read into the work, which already has its
    title and author. Labels of no field of ours go before the first chapter, as from its TXT."""
    header = _read_header("\n\n".join(_labels_with_values(lines)))
    unknown = []
    for label, value in header.labels:
        if label.casefold() not in _PER_DOWNLOAD and not _apply(work, label.casefold(), value):
            unknown.append(f"{label}: {value}")
    if work.chapters:
        work.chapters[0].notes_before[:0] = unknown


def _labels_with_values(lines: list[str]) -> list[str]:
    """A value set in a block of its own (the summary's <div>) comes back beside its label."""
    joined: list[str] = []
    for line in lines:
        if joined and _BARE_LABEL.fullmatch(joined[-1]):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


def _split_header(text: str) -> tuple[str, str]:
    contents = _CONTENTS_LINE.search(text)
    if contents:
        return text[: contents.start()], text[contents.start() :]
    first_label = _LABEL.search(text)
    gap = _HEADER_END.search(text, first_label.end()) if first_label else None
    if gap is None:
        return "", text
    return text[: gap.start()], text[gap.end() :]


def _read_header(text: str) -> _Header:
    header = _Header()
    # The current label's paragraphs, each as its lines: joined once the label is complete.
    label, paragraphs = "", []
    for raw_line in text.split("\n"):
        line = " ".join(raw_line.split())
        matched = _LABEL.fullmatch(line)
        byline = _BYLINE.fullmatch(line)
        if matched:
            _finish_label(header, label, paragraphs)
            label, paragraphs = matched.group("label"), [[matched.group("value")]]
        elif label and not line:
            paragraphs.append([])
        elif label:
            # A wrapped value, or the summary's next paragraph after a blank line.
            paragraphs[-1].append(line)
        elif byline and not header.author:
            header.author = byline.group("author")
        elif line and not header.title:
            header.title = line
    _finish_label(header, label, paragraphs)
    return header


def _finish_label(header: _Header, label: str, paragraphs: list[list[str]]) -> None:
    if label:
        texts = (" ".join(line for line in lines if line) for lines in paragraphs)
        header.labels.append((label, "\n\n".join(text for text in texts if text)))


def _apply(work: ParsedWork, label: str, value: str) -> bool:
    if label in _TEXT_FIELDS:
        setattr(work, _TEXT_FIELDS[label], value)
    elif label in _LIST_FIELDS:
        values = [part.strip() for part in value.split(",") if part.strip()]
        getattr(work, _LIST_FIELDS[label]).extend(values)
    elif label == "language":
        work.language = language_code(value) or work.language
    elif label == "status":
        work.complete = value.casefold().startswith("complete")
        return False  # still shown with the rest of FanFicFare's bookkeeping
    else:
        return False
    return True
