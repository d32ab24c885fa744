"""Light Markdown handling: quote markers, heading hashes, emphasis around a whole paragraph.

Inline emphasis inside paragraphs is `markdown_emphasis`'s job."""

import re
from pathlib import PurePath

MARKDOWN_SUFFIXES = {".md", ".mdwn", ".markdown", ".mkd"}

_QUOTE_MARKER = re.compile(r"^\s*(?:> ?)+")
_HEADING_HASHES = re.compile(r"^#{1,6}\s+")
_EMPHASIS_DELIMITERS = ("***", "**", "*", "___", "__", "_")
_DECORATION = "#*_ "
_DECORATION_START = _DECORATION + "["
_DECORATION_END = _DECORATION + "]"


def is_markdown_name(filename: str) -> bool:
    return PurePath(filename).suffix.lower() in MARKDOWN_SUFFIXES


def strip_quote_marker(line: str) -> str:
    # A search for the character is cheaper than the pattern, and most lines have none.
    return _without_match(_QUOTE_MARKER, line) if ">" in line else line


def is_bold_paragraph(text: str) -> bool:
    """Bold but not bold-italic: the usual dress of author's notes in Markdown stories."""
    return _wrapping_delimiter(text) == "**"


def strip_decoration(text: str) -> str:
    """The words of a heading without the Markdown or brackets around them.

    An unmatched bracket goes too: Project Gutenberg puts "Chapter I.]" at the end of a
    multi-line "[Illustration: …" block.
    """
    # Most lines have nothing to strip: every step below starts or ends with one of these.
    if not text or (text[0] not in _DECORATION_START and text[-1] not in _DECORATION_END):
        return text
    words = strip_heading_hashes(text).strip(_DECORATION)
    if words.startswith("[") and words.endswith("]") and words.count("[") == 1:
        words = words[1:-1]
    elif words.endswith("]") and words.count("]") > words.count("["):
        words = words[:-1]
    elif words.startswith("[") and words.count("[") > words.count("]"):
        words = words[1:]
    return words.strip(_DECORATION)


def strip_heading_hashes(text: str) -> str:
    return _without_match(_HEADING_HASHES, text) if text.startswith("#") else text


def _without_match(prefix: re.Pattern[str], text: str) -> str:
    """The text less what `prefix` matches at its start.

    `sub` would try the anchored pattern at every position of a long paragraph; `match` tries once.
    """
    match = prefix.match(text)
    return text[match.end() :] if match else text


def _wrapping_delimiter(text: str) -> str:
    """The emphasis marker around the whole text ("**" in "**Note: hi**"), or ""."""
    for delimiter in _EMPHASIS_DELIMITERS:
        inner = text[len(delimiter) : -len(delimiter)]
        if (
            len(text) > 2 * len(delimiter)
            and text.startswith(delimiter)
            and text.endswith(delimiter)
            and delimiter not in inner
            and not inner[0].isspace()
            and not inner[-1].isspace()
        ):
            return delimiter
    return ""
