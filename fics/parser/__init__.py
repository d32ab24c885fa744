"""Story files to plain dataclasses. Pure Python, no Django: it is tested without a database.

`parse_story` raises `ParseError` with a message for the reader, and nothing else.

The stages, in the order a file goes through them:

1. `decoding/`: bytes to clean text (`bytes_to_text`: encoding, mojibake, line ends, odd spaces)
   and which reader understands them (`source_format`: judged by content, not extension).
2. `formats/`: one reader per source format (`plaintext`, `markdown`, `gutenberg`, `fanficfare`,
   `html`, `ao3_download`, `ao3_page`, `ffn_page`, `epub`, `kindle`, `pdf`), with the helpers
   only their format needs beside them (`epub_archive`, `ao3_tags`, `ao3_notes`, `ao3_epub`,
   `yaml_metadata`).
3. `rules/`: what several readers share. For text: lines to units (`text_units`), chapter
   labels on one line (`chapter_labels`) and chapter headings among the units
   (`chapter_headings`, `table_of_contents`), the file's opening lines (`front_matter`),
   Markdown marks (`markdown_lines`, `markdown_emphasis`). For HTML: safe parsing (`html_tree`)
   and the tree to blocks (`html_blocks`). For every format: `author_notes`, `scene_breaks`,
   `emphasis_spans`, `language`, `word_count`, `character_names`.
4. `assembly.py`: paragraphs to chapters (scene breaks tidied, author's notes set apart) and
   the finishing touches every reader shares (title, language, skipped images).

`model.py` holds the dataclasses all of them give back.
"""

from collections.abc import Callable

from .assembly import check_paragraph_count
from .decoding.source_format import SourceFormat, identify_source
from .formats.ao3_download import parse_ao3_download
from .formats.ao3_page import parse_ao3_page
from .formats.epub import parse_epub
from .formats.fanficfare import parse_fanficfare
from .formats.ffn_page import parse_ffn_page
from .formats.gutenberg import parse_gutenberg
from .formats.html import parse_html_story
from .formats.kindle import parse_kindle
from .formats.markdown import parse_markdown
from .formats.pdf import parse_pdf
from .formats.plaintext import parse_plain_text
from .model import ParagraphKind, ParsedChapter, ParsedParagraph, ParsedWork, ParseError
from .rules.character_names import detect_characters
from .rules.word_count import count_words

__all__ = [
    "ParagraphKind",
    "ParseError",
    "ParsedChapter",
    "ParsedParagraph",
    "ParsedWork",
    "SourceFormat",
    "count_words",
    "detect_characters",
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


# Books read from their bytes, not from decoded text.
_BINARY_READERS: dict[SourceFormat, Callable[[bytes, str], ParsedWork]] = {
    SourceFormat.EPUB: parse_epub,
    SourceFormat.KINDLE: parse_kindle,
    SourceFormat.PDF: parse_pdf,
}


def parse_story(data: bytes, filename: str) -> ParsedWork:
    source = identify_source(data, filename)
    if source.decoded is None:
        work = _BINARY_READERS[source.format](data, filename)
    else:
        work = _TEXT_READERS[source.format](source.decoded.text, filename)
        work.encoding = source.decoded.encoding
    check_paragraph_count(sum(len(chapter.paragraphs) for chapter in work.chapters))
    work.source_format = work.source_format or source.format.value
    return work
