"""Project Gutenberg plain text: the licence header (up to `*** START OF THE PROJECT GUTENBERG
EBOOK … ***`) and footer (from `*** END OF …`) are not the book; the header's `Title:`,
`Author:` and `Language:` lines are its metadata. The book itself is hard-wrapped plain text.
"""

import re

from ..assembly import images_skipped
from ..model import ParagraphKind, ParsedChapter, ParsedWork
from ..rules.chapter_labels import labelled_heading
from ..rules.language import language_code
from ..rules.markdown_lines import strip_decoration
from .plaintext import parse_plain_text

_START = re.compile(r"^.*\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG.*$", re.I | re.M)
_END = re.compile(
    r"^.*(?:\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG|End of (?:the )?Project Gutenberg).*$",
    re.I | re.M,
)
_FIELD = re.compile(r"^(?P<label>Title|Author|Language):[ \t]*(?P<value>.*)$", re.I | re.M)
# Volunteers' credits right after the start line.
_CREDITS = re.compile(r"\A\s*(?:Produced by|Transcribed (?:from|by)|E-text prepared by)[^\n]*"
                      r"(?:\n[^\n]+)*", re.I)  # fmt: skip
_ILLUSTRATION = re.compile(r"^[ \t]*\[Illustration", re.M)
_BLANK_LINES = re.compile(r"(?:[ \t]*\n)+")
_MAX_ILLUSTRATION_LENGTH = 3000
_THE_END = re.compile(r"(?:the\s+)?end|fin(?:is)?|ende|конец|全[书文]完|完", re.I)
# "THE END" this close to the end of the book closes it; what follows is the printer's imprint.
_LAST_PARAGRAPHS = 12
_MAX_TITLE_PAGE_LINES = 4
_SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


def parse_gutenberg(text: str, filename: str) -> ParsedWork:
    header, body = _split_licence(text)
    fields = {match.group("label").casefold(): match.group("value").strip() for match in
              _FIELD.finditer(header)}  # fmt: skip
    body, illustrations = _without_illustrations(body)
    work = parse_plain_text(body, filename, markdown=False)
    if illustrations:
        work.skipped.append(images_skipped(illustrations))
    _drop_after_the_end(work.chapters[-1])
    title_page = _title_page(work.chapters[0].notes_before)
    if fields.get("title"):
        work.title = fields["title"]
    elif title_page:
        work.title = title_page[0]
    work.author = fields.get("author") or (title_page[1] if title_page else "") or work.author
    work.language = language_code(fields.get("language", "")) or work.language
    return work


def _split_licence(text: str) -> tuple[str, str]:
    header, body = "", text
    # Both lines name Project Gutenberg. A book without them (recognised as Gutenberg's by its
    # [Illustration] marks) is spared the searches: their `^.*` reads every line of it twice
    # (35 ms for Pride and Prejudice; its lower-case copy, 2 ms). No character but G and g
    # matches "g" when case is ignored, and so on for each letter of "gutenberg".
    if "gutenberg" in text.lower():
        if start := _START.search(text):
            header, body = text[: start.start()], text[start.end() :]
        if end := _END.search(body):
            body = body[: end.start()]
    return header, _CREDITS.sub("", body)


def _without_illustrations(text: str) -> tuple[str, int]:
    """The text without its `[Illustration: caption]` blocks, and how many there were.

    A block can hold the chapter heading set under the picture ("Chapter I.]"), and "THE END":
    those lines are kept. The blank lines after a block go with it, so that no gap is left that
    would read as a scene break.
    """
    kept: list[str] = []
    count = 0
    position = 0
    for start in _ILLUSTRATION.finditer(text):
        if start.start() < position:
            continue
        end = _block_end(text, start.end())
        block = text[start.start() : end]
        kept.append(text[position : start.start()])
        kept.extend(f"{line}\n\n" for line in _lines_to_keep(block))
        count += 1
        blank_lines = _BLANK_LINES.match(text, end)
        position = blank_lines.end() if blank_lines else end
    kept.append(text[position:])
    return "".join(kept), count


def _block_end(text: str, start: int) -> int:
    """Just after the bracket closing the block (captions hold brackets of their own)."""
    depth = 1
    limit = min(len(text), start + _MAX_ILLUSTRATION_LENGTH)
    for position in range(start, limit):
        depth += {"[": 1, "]": -1}.get(text[position], 0)
        if depth == 0:
            return position + 1
    line_end = text.find("\n", start)
    return len(text) if line_end == -1 else line_end


def _lines_to_keep(block: str) -> list[str]:
    words = [strip_decoration(line.strip()) for line in block.split("\n")]
    if _THE_END.fullmatch(" ".join(" ".join(words[1:]).split()).strip(" .!")):
        return ["THE END"]
    return [line for line in words if line and labelled_heading(line)]


def _drop_after_the_end(chapter: ParsedChapter) -> None:
    paragraphs = chapter.paragraphs
    for position in range(len(paragraphs) - 1, max(len(paragraphs) - _LAST_PARAGRAPHS, 0), -1):
        paragraph = paragraphs[position]
        if paragraph.kind == ParagraphKind.TEXT and _THE_END.fullmatch(
            strip_decoration(paragraph.text).strip(" .!")
        ):
            del paragraphs[position:]
            while paragraphs and paragraphs[-1].kind == ParagraphKind.SCENE_BREAK:
                paragraphs.pop()
            chapter.notes_after.clear()
            return


def _title_page(front_matter: list[str]) -> tuple[str, str] | None:
    """ "PRIDE. / and / PREJUDICE / by / Jane Austen," on a title page with no licence header."""
    lines = [line.strip() for line in front_matter]
    if "by" not in (line.casefold() for line in lines):
        return None
    by = [line.casefold() for line in lines].index("by")
    title_lines: list[str] = []
    for line in reversed(lines[max(by - _MAX_TITLE_PAGE_LINES, 0) : by]):
        if not line or line[0] in "[]" or len(line) > 40:
            break
        title_lines.insert(0, line.rstrip(".,"))
    if not title_lines or by + 1 >= len(lines):
        return None
    return _book_case(" ".join(title_lines)), lines[by + 1].rstrip(".,;")


def _book_case(title: str) -> str:
    """Title pages shout; "PRIDE and PREJUDICE" reads as "Pride and Prejudice"."""
    if title != title.upper() and not any(word.isupper() for word in title.split()):
        return title
    words = title.lower().split()
    return " ".join(
        word if position and word in _SMALL_WORDS else word.capitalize()
        for position, word in enumerate(words)
    )
