"""An AO3 work page saved from the browser ("Entire Work" or one chapter). The work is the
`#workskin` (preface, `#chapters`, afterword) and the `dl.work.meta` tag list above it; the site's
header, navigation, kudos, comments and footer around them are ignored."""

from lxml import etree

from ..assembly import (
    Passage,
    assemble_chapter,
    finish_work,
    passages_from_blocks,
    story_chapters,
)
from ..model import ParsedChapter, ParsedWork, ParseError
from ..rules.html_blocks import read_blocks
from ..rules.html_tree import classes, find_all, find_by_id, local_name, parse_html, plain_text
from .ao3_notes import labelled_blockquotes, note_paragraphs
from .ao3_tags import apply_tag_list


def parse_ao3_page(text: str, filename: str) -> ParsedWork:
    root = parse_html(text)
    workskin = find_by_id(root, "workskin")
    if workskin is None:
        raise ParseError("This AO3 page has no work on it.")
    work = ParsedWork(title="", chapters=[])
    for tag_list in find_all(root, "dl", css_class="meta"):
        if "work" in classes(tag_list):
            apply_tag_list(work, tag_list)
    _read_preface(work, workskin)
    images = 0
    chapters: list[ParsedChapter] = []
    for chapter_element, text_element in _chapter_texts(workskin):
        blocks = read_blocks(text_element, skip=_is_landmark)
        images += blocks.images
        chapters.append(_chapter(chapter_element, passages_from_blocks(blocks.blocks)))
    work.chapters = story_chapters(chapters)
    work.end_notes = _work_end_notes(workskin)
    finish_work(work, filename, images=images)
    return work


def _read_preface(work: ParsedWork, workskin: etree._Element) -> None:
    prefaces = [
        element
        for element in find_all(workskin, "div", css_class="preface")
        if "chapter" not in classes(element) and "afterword" not in classes(element)
    ]
    if not prefaces:
        return
    preface = prefaces[0]
    titles = find_all(preface, "h2", css_class="title")
    work.title = plain_text(titles[0]) if titles else ""
    bylines = find_all(preface, "h3", css_class="byline")
    if bylines:
        authors = [plain_text(link) for link in find_all(bylines[0], "a")]
        work.author = ", ".join(authors) or plain_text(bylines[0])
    quotes = labelled_blockquotes(preface)
    if "summary" in quotes:
        work.summary = "\n\n".join(note_paragraphs(quotes["summary"]))
    if "notes" in quotes:
        work.notes = "\n\n".join(note_paragraphs(quotes["notes"]))


def _chapter_texts(workskin: etree._Element) -> list[tuple[etree._Element, etree._Element]]:
    """Each chapter's element (for its title and notes) and its `.userstuff` text."""
    chapters = find_by_id(workskin, "chapters")
    if chapters is None:
        return []
    found = []
    for element in find_all(chapters, "div", css_class="chapter"):
        if "preface" in classes(element):
            continue
        texts = [child for child in element if "userstuff" in classes(child)]
        if texts:
            found.append((element, texts[0]))
    if found:
        return found
    # A one-shot has its text straight under #chapters.
    return [(chapters, child) for child in chapters if "userstuff" in classes(child)]


def _chapter(element: etree._Element, passages: list[Passage]) -> ParsedChapter:
    title, before, after = "", [], []
    for preface in find_all(element, "div", css_class="preface"):
        for heading in find_all(preface, "h3", css_class="title"):
            title = title or plain_text(heading)
        for module in find_all(preface, "div", css_class="module"):
            quotes = labelled_blockquotes(module)
            notes = [paragraph for quote in quotes.values() for paragraph in note_paragraphs(quote)]
            if "end" in classes(module):
                after += notes
            else:
                before += notes
    return assemble_chapter(title, passages, notes_before=before, notes_after=after)


def _work_end_notes(workskin: etree._Element) -> str:
    for afterword in find_all(workskin, "div", css_class="afterword"):
        for module in find_all(afterword, "div", css_class="end"):
            quotes = labelled_blockquotes(module)
            return "\n\n".join(p for quote in quotes.values() for p in note_paragraphs(quote))
    return ""


def _is_landmark(element: etree._Element) -> bool:
    """AO3's hidden "Chapter Text" heading, for screen readers only."""
    return local_name(element).startswith("h") and "landmark" in classes(element)
