"""AO3's "Download → HTML" files: a preface (tags, title, byline, summary, notes), `#chapters`,
and an afterword (end notes). The preface's "Posted originally on the Archive of Our Own" and the
afterword's "please comment" are the site's words, not the story's."""

from lxml import etree

from ..assembly import assemble_chapter, finish_work, passages_from_blocks, story_chapters
from ..model import ParsedChapter, ParsedWork, ParseError
from ..rules.html_blocks import read_blocks
from ..rules.html_tree import classes, find_all, find_by_id, local_name, parse_html, plain_text
from .ao3_notes import labelled_blockquotes, note_paragraphs
from .ao3_tags import apply_tag_list


def parse_ao3_download(text: str, filename: str) -> ParsedWork:
    root = parse_html(text)
    preface = find_by_id(root, "preface")
    chapters_element = find_by_id(root, "chapters")
    if preface is None or chapters_element is None:
        raise ParseError("This AO3 file has no chapters in it.")
    work = ParsedWork(title="", chapters=[])
    _read_preface(work, preface)
    work.chapters = story_chapters(_chapters(chapters_element))
    afterword = find_by_id(root, "afterword")
    if afterword is not None:
        end_notes = labelled_blockquotes(afterword).get("end notes")
        work.end_notes = "\n\n".join(note_paragraphs(end_notes)) if end_notes is not None else ""
    finish_work(work, filename)
    return work


def _read_preface(work: ParsedWork, preface: etree._Element) -> None:
    for tag_list in find_all(preface, "dl", css_class="tags"):
        apply_tag_list(work, tag_list)
    headings = find_all(preface, "h1")
    work.title = plain_text(headings[0]) if headings else ""
    bylines = find_all(preface, "div", css_class="byline")
    if bylines:
        authors = [plain_text(link) for link in find_all(bylines[0], "a")]
        work.author = ", ".join(authors) or plain_text(bylines[0]).removeprefix("by ").strip()
    quotes = labelled_blockquotes(preface)
    if "summary" in quotes:
        work.summary = "\n\n".join(note_paragraphs(quotes["summary"]))
    if "notes" in quotes:
        work.notes = "\n\n".join(note_paragraphs(quotes["notes"]))


def _chapters(chapters_element: etree._Element) -> list[ParsedChapter]:
    """Multi-chapter files repeat: a `.meta.group` preface, a `.userstuff` text, a `.meta` with
    end notes. A one-shot has its text only."""
    chapters: list[ParsedChapter] = []
    title, notes_before = "", []
    for child in chapters_element:
        names = classes(child)
        if local_name(child) != "div":
            continue
        if "meta" in names and "group" in names:
            title = _chapter_title(child)
            quotes = labelled_blockquotes(child)
            notes_before = [
                paragraph
                for label in ("chapter summary", "chapter notes")
                if label in quotes
                for paragraph in note_paragraphs(quotes[label])
            ]
        elif "userstuff" in names:
            passages = passages_from_blocks(read_blocks(child).blocks)
            chapters.append(assemble_chapter(title, passages, notes_before=notes_before))
            title, notes_before = "", []
        elif "meta" in names and chapters:
            end_notes = labelled_blockquotes(child).get("chapter end notes")
            if end_notes is not None:
                chapters[-1].notes_after.extend(note_paragraphs(end_notes))
    return chapters


def _chapter_title(meta: etree._Element) -> str:
    headings = find_all(meta, "h2", css_class="heading")
    return plain_text(headings[0]) if headings else ""
