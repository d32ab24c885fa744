"""HTML export: one standalone file that opens offline, highlights coloured, notes in the margin.

Everything is inline (styles) or absent (scripts, fonts, images): the file must read the same on
a train with no network. Its own Content-Security-Policy forbids scripts and every request, a
second line behind the escaping. Highlights are drawn by `ChapterText.highlight`, the same
nesting as on the chapter page; a note's HTML is only ever `note_html`, sanitised when the note
was saved. On wide screens the notes stand in the margin beside their paragraph; on narrow
screens and in print the same notes follow the paragraph as footnotes. A note's number stands
where its highlight ends; a highlight with neither note nor tags is listed by its words.
"""

import re
from collections.abc import Callable
from html import escape

from annotations.chapter_layout import AFTER, BEFORE, SCENE_BREAK, STORY, Block
from annotations.exports.records import AnnotationRecord, ChapterRecord, WorkRecord

# The palette of the reader's page (static/css/marginalia.css), as RGB triples.
COLOURS = {
    "yellow": "250, 204, 21",
    "green": "74, 222, 128",
    "blue": "96, 165, 250",
    "pink": "244, 114, 182",
    "purple": "192, 132, 252",
    "orange": "251, 146, 60",
}

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
:root { color-scheme: light dark; --ink: #1f1d1a; --paper: #fdfcf8; --muted: #6b6558;
  --rule: #d9d4c7; }
@media (prefers-color-scheme: dark) {
  :root { --ink: #e8e4da; --paper: #1c1b19; --muted: #a59f92; --rule: #45423c; } }
body { margin: 0 auto; padding: 1.5rem 1rem 4rem; max-width: 40rem; color: var(--ink);
  background: var(--paper); font: 1.1rem/1.6 Georgia, "Times New Roman", serif; }
header .byline, .about, .muted { color: var(--muted); }
h1, h2 { line-height: 1.25; }
.chapter { margin-top: 3rem; }
.block p { margin: 0 0 1rem; }
.authors-note { border-left: 3px solid var(--rule); padding-left: 1rem; color: var(--muted); }
.authors-note .label { font-weight: bold; margin-bottom: 0.25rem; }
hr.scene-break { border: 0; text-align: center; margin: 1.5rem 0; }
hr.scene-break::after { content: "⁂"; color: var(--muted); }
mark.hl { color: inherit; background: rgba(var(--hl), 0.38); border-radius: 2px; }
mark.hl mark.hl { background: rgba(var(--hl), 0.5); box-shadow: inset 0 -2px rgba(var(--hl), 0.9); }
mark.hl-shared { background: transparent; border-bottom: 2px dotted rgba(var(--hl), 0.9); }
sup.refs a, .notes a.back { text-decoration: none; }
.notes { font: 0.85rem/1.45 system-ui, sans-serif; }
.notes ol { margin: 0; padding-left: 1.6rem; }
.notes li { margin-bottom: 0.6rem; }
.notes .note > :first-child { margin-top: 0; }
.notes .note > :last-child { margin-bottom: 0; }
.swatch { display: inline-block; width: 0.7rem; height: 0.7rem; border-radius: 50%;
  background: rgba(var(--hl), 0.85); vertical-align: baseline; }
.tags { color: var(--muted); }
@media screen and (min-width: 64rem) {
  body { max-width: 62rem; }
  .block { display: grid; grid-template-columns: minmax(0, 40rem) 18rem; column-gap: 2.5rem; }
  .block > .text { grid-column: 1; }
  .block > .notes { grid-column: 2; border-left: 1px solid var(--rule); padding-left: 1rem; }
  header, .chapter > h2, .scene-break, .orphans { max-width: 40rem; }
}
@media not screen and (min-width: 64rem) {
  .block > .notes { border-top: 1px solid var(--rule); margin: -0.5rem 0 1.25rem;
    padding-top: 0.4rem; }
}
@media print {
  body { max-width: none; background: none; color: black; }
  .chapter { break-before: page; }
  mark.hl { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
""" + "".join(f".hl-{name} {{ --hl: {rgb}; }}\n" for name, rgb in COLOURS.items())


def export_html(work: WorkRecord) -> str:
    numbers = work.footnote_numbers()
    language = f' lang="{escape(work.language)}"' if work.language else ""
    byline = f'<p class="byline">by {escape(work.author)}</p>' if work.author else ""
    chapters = "\n".join(_chapter(chapter, numbers) for chapter in work.chapters)
    return f"""<!doctype html>
<html{language}>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Marginalia">
<title>{escape(work.title)} (annotated)</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>{escape(work.title)}</h1>
{byline}
<p class="about">{escape(work.describe())}</p>
</header>
{chapters}
</body>
</html>
"""


def _chapter(chapter: ChapterRecord, numbers: dict[int, int]) -> str:
    marks = chapter.marked_html()
    notes = chapter.notes_by_segment()
    parts = [f'<section class="chapter" id="chapter-{chapter.position}">']
    parts.append(f"<h2>{escape(chapter.display_title)}</h2>")
    parts += chapter_body(chapter, lambda block: _block(chapter, block, marks, notes, numbers))
    if chapter.orphans:
        items = "".join(_note_item(a, numbers[a.id], quote=True) for a in chapter.orphans)
        parts.append(
            '<section class="orphans"><h3>No longer in the text of this chapter</h3>'
            f'<div class="notes"><ol>{items}</ol></div></section>'
        )
    parts.append("</section>")
    return "\n".join(parts)


def chapter_body(chapter: ChapterRecord, render_block: Callable[[Block], str]) -> list[str]:
    """The chapter in reading order, its author's notes boxed and labelled apart from the story:
    the same in the HTML file and in each EPUB page, only the paragraphs' markup differs."""
    parts = []
    for part in (BEFORE, STORY, AFTER):
        blocks = "\n".join(render_block(block) for block in chapter.blocks_in(part))
        if part == STORY:
            parts.append(blocks)
        elif blocks:
            label = '<p class="label">Author\'s note</p>'
            parts.append(f'<div class="authors-note">{label}\n{blocks}</div>')
    return parts


def _block(
    chapter: ChapterRecord, block: Block, marks: dict, notes: dict, numbers: dict[int, int]
) -> str:
    if block.kind == SCENE_BREAK:
        return '<hr class="scene-break">'
    here = notes.get(block.key, [])
    marked = marks[block.key]
    aside = ""
    if here:
        marked = insert_after_text(marked, refs_at_highlight_ends(chapter, block, here, numbers))
        items = "".join(_note_item(a, numbers[a.id]) for a in here)
        aside = f'<aside class="notes" aria-label="Notes"><ol>{items}</ol></aside>'
    # Chapters are on one page: paragraph ids carry the chapter so that they stay unique.
    paragraph_id = f"c{chapter.position}-{escape(block.key)}"
    return (
        f'<div class="block"><div class="text"><p id="{paragraph_id}">{marked}</p>'
        f"</div>{aside}</div>"
    )


def refs_at_highlight_ends(
    chapter: ChapterRecord,
    block: Block,
    annotations: list[AnnotationRecord],
    numbers: dict[int, int],
    link: Callable[[int], str] | None = None,
) -> dict[int, str]:
    """Offset in the block's text → the note references of the highlights that end there."""
    link = link or _ref_link
    start = chapter.segment_starts[block.key]
    ends: dict[int, list[str]] = {}
    for annotation in annotations:
        ends.setdefault(annotation.end - start, []).append(link(numbers[annotation.id]))
    return {offset: f'<sup class="refs">{" ".join(refs)}</sup>' for offset, refs in ends.items()}


def _ref_link(number: int) -> str:
    return f'<a href="#note-{number}" id="ref-{number}">{number}</a>'


# A tag, or a character written as an entity: everything else in marked HTML is one character
# of the text.
_MARKUP = re.compile(r"<[^>]*>|&[^;\s]*;")


def insert_after_text(html: str, inserts: dict[int, str]) -> str:
    """`html` (escaped text and its tags) with each insert put after the first `offset`
    characters of its text, and after the tags that close there: a note's number follows its
    highlight's last word, outside the highlight."""
    pending = sorted(inserts.items(), reverse=True)
    out: list[str] = []
    count = 0
    position = 0

    def text_run(run: str) -> None:
        nonlocal count
        taken = 0
        # Inserts inside the run, not at its end: that one waits for the closing tags.
        while pending and pending[-1][0] < count + len(run):
            offset, insert = pending.pop()
            cut = max(offset - count, 0)
            out.extend((run[taken:cut], insert))
            taken = cut
        out.append(run[taken:])
        count += len(run)

    for match in _MARKUP.finditer(html):
        text_run(html[position : match.start()])
        token = match.group()
        if not token.startswith("</"):
            # Before an opening tag or a character: what is due here goes first.
            while pending and pending[-1][0] <= count:
                out.append(pending.pop()[1])
        out.append(token)
        if token.startswith("&"):
            count += 1
        position = match.end()
    text_run(html[position:])
    out.extend(insert for _, insert in reversed(pending))
    return "".join(out)


def _note_item(annotation: AnnotationRecord, number: int, *, quote: bool = False) -> str:
    colour = escape(annotation.colour)
    swatch = f'<span class="swatch hl-{colour}" title="{colour}"></span>'
    back = "" if quote else f' <a class="back" href="#ref-{number}" aria-label="Back to text">↩</a>'
    parts = [f'<li id="note-{number}" value="{number}">{swatch}']
    if quote or not (annotation.note_html or annotation.tags):
        # A plain highlight has nothing else to show beside its number but its words.
        parts.append(f" <q>{escape(_shortened(annotation.exact))}</q>")
    if annotation.tags:
        names = ", ".join(escape(tag.name) for tag in annotation.tags)
        parts.append(f' <span class="tags">{names}</span>')
    if not annotation.own:
        parts.append(f' <span class="muted">shared by {escape(annotation.creator)}</span>')
    if annotation.note_html:
        parts.append(f'<div class="note">{annotation.note_html}</div>')
    if annotation.replies:
        replies = "".join(
            f'<li><span class="muted">{escape(reply.creator)} replied</span>'
            f'<div class="note">{reply.text_html}</div></li>'
            for reply in annotation.replies
        )
        parts.append(f'<ol class="replies">{replies}</ol>')
    parts.append(f"{back}</li>")
    return "".join(parts)


def _shortened(words: str, limit: int = 200) -> str:
    words = " ".join(words.split())
    return words if len(words) <= limit else f"{words[: limit - 1]}…"
