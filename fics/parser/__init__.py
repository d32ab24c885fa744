"""Story files to plain dataclasses. Pure Python, no Django: it is tested without a database.

`parse_story` raises `ParseError` with a message for the reader, and nothing else.
"""

from collections.abc import Callable

from .ao3_html import parse_ao3_download
from .ao3_page import parse_ao3_page
from .detect import SourceFormat, identify_source
from .epub import parse_epub
from .fanficfare import parse_fanficfare
from .ffn_page import parse_ffn_page
from .gutenberg import parse_gutenberg
from .html import parse_html_story
from .markdown import parse_markdown
from .model import ParagraphKind, ParsedChapter, ParsedParagraph, ParsedWork, ParseError
from .plaintext import parse_plain_text
from .words import count_words

__all__ = [
    "ParagraphKind",
    "ParseError",
    "ParsedChapter",
    "ParsedParagraph",
    "ParsedWork",
    "SourceFormat",
    "count_words",
    "parse_story",
]

_TEXT_READERS: dict[SourceFormat, Callable[[str, str], ParsedWork]] = {
    SourceFormat.PLAIN_TEXT: parse_plain_text,
    SourceFormat.MARKDOWN: parse_markdown,
    SourceFormat.FANFICFARE: parse_fanficfare,
    SourceFormat.GUTENBERG: parse_gutenberg,
    SourceFormat.AO3_HTML: parse_ao3_download,
    SourceFormat.AO3_PAGE: parse_ao3_page,
    SourceFormat.FFN_PAGE: parse_ffn_page,
    SourceFormat.HTML: parse_html_story,
}


def parse_story(data: bytes, filename: str) -> ParsedWork:
    source = identify_source(data, filename)
    if source.decoded is None:
        work = parse_epub(data, filename)
    else:
        work = _TEXT_READERS[source.format](source.decoded.text, filename)
        work.encoding = source.decoded.encoding
    work.source_format = source.format.value
    return work
