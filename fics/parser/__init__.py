"""Story files to plain dataclasses. Pure Python, no Django: it is tested without a database.

`parse_story` raises `ParseError` with a message for the reader, and nothing else.
"""

from .decoding import decode_story_bytes
from .model import ParagraphKind, ParsedChapter, ParsedParagraph, ParsedWork, ParseError
from .plaintext import parse_plain_text
from .words import count_words

__all__ = [
    "ParagraphKind",
    "ParseError",
    "ParsedChapter",
    "ParsedParagraph",
    "ParsedWork",
    "count_words",
    "parse_story",
]


def parse_story(data: bytes, filename: str) -> ParsedWork:
    decoded = decode_story_bytes(data)
    work = parse_plain_text(decoded.text, filename)
    work.encoding = decoded.encoding
    return work
