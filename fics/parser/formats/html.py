"""Any other HTML story: paragraphs from `<p>` (and text in other blocks), chapters at `<h1>`–`<h3>`
headings (or at "Chapter 3" paragraphs when there are no headings), `<hr>` scene breaks.

The chapter level is the shallowest heading level used more than once; a single heading above
the first chapter is the work's title.

FanFicFare's HTML output opens with "Title by Author", a table of its details and a table of
contents: the details fill the work's (formats.fanficfare), and neither is a chapter.
"""

from collections import Counter

from lxml import etree

from ..assembly import assemble_chapter, finish_work, passages_from_blocks, story_chapters
from ..model import ParsedChapter, ParsedWork
from ..rules.chapter_labels import labelled_heading
from ..rules.html_blocks import Block, BlockKind, read_blocks
from ..rules.html_tree import find_all, local_name, parse_html, plain_text
from ..rules.language import language_code
from .fanficfare import apply_title_page

_CHAPTER_LEVELS = (1, 2, 3)
# Navigation and page furniture, by tag or by the ARIA role sites give them.
_CHROME_TAGS = {"nav", "header", "footer", "aside"}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search"}


def parse_html_story(text: str, filename: str) -> ParsedWork:
    root = parse_html(text)
    body = find_all(root, "body")
    fanficfare = _fanficfare_front_matter(root)
    blocks = read_blocks(body[0] if body else root, skip=_is_chrome)
    title, chapters = _chapters(blocks.blocks)
    work = ParsedWork(
        title=title or _page_title(root),
        chapters=story_chapters(chapters),
        author=_meta(root, "author"),
        summary=_meta(root, "description"),
    )
    if fanficfare is not None:
        work.title, work.author, details = fanficfare
        apply_title_page(work, details)
        work.source_format = "FanFicFare HTML"
    language = language_code(root.get("lang") or "")
    finish_work(work, filename, language=language, images=blocks.images)
    return work


def _chapters(blocks: list[Block]) -> tuple[str, list[ParsedChapter]]:
    """The work's title (a lone heading above the chapters, or "") and the chapters."""
    blocks = _as_headings(blocks)
    level = _chapter_level(blocks)
    title = ""
    sections: list[tuple[str, list[Block]]] = [("", [])]
    for block in blocks:
        if block.kind == BlockKind.HEADING and block.level == level:
            sections.append((block.text, []))
        elif block.kind == BlockKind.HEADING and block.level < level and not title:
            title = block.text
        else:
            sections[-1][1].append(block)
    if len(sections) == 1 and not title:
        title, sections = _lone_heading_title(sections[0][1])
    chapters = [
        assemble_chapter(heading, passages_from_blocks(body), find_notes=True)
        for heading, body in sections
    ]
    return title, chapters


def _as_headings(blocks: list[Block]) -> list[Block]:
    """Pages with no heading tags often set "Chapter 3" in a paragraph of its own."""
    if any(block.kind == BlockKind.HEADING and block.level in _CHAPTER_LEVELS for block in blocks):
        return blocks
    headings = [labelled_heading(block.text) if block.kind == BlockKind.TEXT else None
                for block in blocks]  # fmt: skip
    if sum(heading is not None for heading in headings) < 2:
        return blocks
    return [
        Block(BlockKind.HEADING, heading, level=2) if heading else block
        for block, heading in zip(blocks, headings, strict=True)
    ]


def _chapter_level(blocks: list[Block]) -> int:
    levels = Counter(
        block.level
        for block in blocks
        if block.kind == BlockKind.HEADING and block.level in _CHAPTER_LEVELS
    )
    repeated = [level for level, count in levels.items() if count > 1]
    return min(repeated) if repeated else 0


def _lone_heading_title(blocks: list[Block]) -> tuple[str, list[tuple[str, list[Block]]]]:
    """One chapter: its first heading, if it comes before any text, is the work's title."""
    if blocks and blocks[0].kind == BlockKind.HEADING:
        return blocks[0].text, [("", blocks[1:])]
    return "", [("", blocks)]


def _fanficfare_front_matter(root: etree._Element) -> tuple[str, str, list[str]] | None:
    """FanFicFare's title, author and "Label: value" lines, taken out of the page; None for
    any other page. Its heading links the story and its author (class "authorlink"), and its
    contents list hangs from an anchor named TOCTOP."""
    authors = find_all(root, "a", css_class="authorlink")
    contents = [anchor for anchor in find_all(root, "a") if anchor.get("name") == "TOCTOP"]
    heading = authors[0].getparent() if authors else None
    if heading is None or local_name(heading) != "h1" or not contents:
        return None
    title = plain_text(find_all(heading, "a")[0])
    author = ", ".join(plain_text(link) for link in authors)
    details = []
    for table in find_all(root, "table", css_class="full")[:1]:
        for row in find_all(table, "tr"):
            cells = find_all(row, "td")
            if len(cells) == 2:
                paragraphs = [block.text for block in read_blocks(cells[1]).blocks] or [""]
                details += [f"{plain_text(cells[0])} {paragraphs[0]}", *paragraphs[1:]]
        _remove(table)
    listing = contents[0].getnext()
    for element in (heading, contents[0], listing):
        if element is not None:
            _remove(element)
    return title, author, details


def _remove(element: etree._Element) -> None:
    """Take an element out of the tree, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _is_chrome(element: etree._Element) -> bool:
    return local_name(element) in _CHROME_TAGS or element.get("role") in _CHROME_ROLES


def _page_title(root: etree._Element) -> str:
    titles = find_all(root, "title")
    return plain_text(titles[0]) if titles else ""


def _meta(root: etree._Element, name: str) -> str:
    for meta in find_all(root, "meta"):
        if (meta.get("name") or "").casefold() == name:
            return " ".join((meta.get("content") or "").split())
    return ""
