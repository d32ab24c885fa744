"""Markdown export: the text with highlights as `==…==`, tags and notes as numbered footnotes.

`==` cannot nest, so overlapping highlights are drawn as runs: the highlighted stretches are
marked, and a mark is closed wherever an annotation ends so that its footnote reference sits right
there (`==one==[^1]==two==[^2]`). Which words belong to which annotation is therefore not always
readable from the marks alone; each footnote quotes its annotation's whole text, so every
annotation is recoverable. Footnotes come at the end of each chapter and are numbered through the
whole file (a footnote label must be unique in a document). The reader's notes are Markdown
already and go into their footnote as written, but for raw HTML: its `<` becomes `&lt;`, so that a
viewer that renders HTML shows it as text, as Marginalia does, instead of running a shared note's
`<script>`.
"""

import re
from bisect import bisect_right
from itertools import pairwise

from annotations.chapter_layout import AFTER, BEFORE, SCENE_BREAK, Block
from annotations.exports.records import AnnotationRecord, ChapterRecord, WorkRecord

# Characters that would start emphasis, code, links, HTML, entities, highlights (`==`) or
# strikethrough (`~~`) anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>&=~|])")
# Characters that only mean something at the start of a line: headings, quotes, list items.
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+(?=[.)]))", re.MULTILINE)
# Where raw HTML can start in CommonMark: a tag, a closing tag, a comment, a declaration or a
# processing instruction. `<3` and `a < b` cannot, and stay as written.
_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")
_LEADING_SPACE = re.compile(r"^\s*")
_TRAILING_SPACE = re.compile(r"\s*$")


def escape(text: str) -> str:
    """Text that Markdown shows as it is (CommonMark: any ASCII punctuation may be escaped)."""
    escaped = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match) -> str:
    indent, marker = match.groups()
    if marker[0].isdigit():
        # "1." starts a list; "1\." does not.
        return f"{indent}{marker}\\"
    return f"{indent}\\{marker}"


def export_markdown(work: WorkRecord) -> str:
    numbers = work.footnote_numbers()
    parts = [f"# {escape(work.title)}"]
    if work.author:
        parts.append(f"by {escape(work.author)}")
    parts.append(f"*{escape(work.describe())}*")
    for chapter in work.chapters:
        parts.extend(_chapter(chapter, numbers))
    return "\n\n".join(parts) + "\n"


def _chapter(chapter: ChapterRecord, numbers: dict[int, int]) -> list[str]:
    marked = _marked_segments(chapter, numbers)
    parts = [f"## {escape(chapter.display_title)}"]
    for part, label in ((BEFORE, "Author's note"), (None, ""), (AFTER, "Author's note")):
        if part is None:
            parts.extend(_story_block(block, marked) for block in chapter.blocks_in("story"))
            continue
        blocks = chapter.blocks_in(part)
        if blocks:
            quoted = [f"**{label}**"] + [marked[block.key] for block in blocks]
            parts.append(_blockquote("\n\n".join(quoted)))
    if chapter.orphans:
        refs = " ".join(f"[^{numbers[a.id]}]" for a in chapter.orphans)
        parts.append(f"*No longer in the text of this chapter:* {refs}")
    parts.extend(_footnote(a, numbers[a.id]) for a in chapter.all_annotations)
    return parts


def _story_block(block: Block, marked: dict[str, str]) -> str:
    return "* * *" if block.kind == SCENE_BREAK else marked[block.key]


def _blockquote(markdown: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in markdown.split("\n"))


def _marked_segments(chapter: ChapterRecord, numbers: dict[int, int]) -> dict[str, str]:
    """Each segment's Markdown: escaped text, highlighted runs, footnote references."""
    text = chapter.text
    starts = text.segment_starts()
    positions = list(starts.values())
    ends = [
        start + len(segment.text) for start, segment in zip(positions, text.segments, strict=True)
    ]

    def reference_point(annotation: AnnotationRecord) -> int:
        # Where the reference goes: the annotation's end, or the end of the segment its last
        # character is in when the span runs on into the gap between paragraphs.
        index = max(0, bisect_right(positions, annotation.end - 1) - 1)
        return min(annotation.end, ends[index])

    references: dict[int, list[AnnotationRecord]] = {}
    for annotation in chapter.annotations:
        references.setdefault(reference_point(annotation), []).append(annotation)

    return {
        segment.key: _marked_segment(
            text.text, start, end, chapter.annotations, references, numbers
        )
        for segment, start, end in zip(text.segments, positions, ends, strict=True)
    }


def _marked_segment(
    text: str,
    seg_start: int,
    seg_end: int,
    annotations: tuple[AnnotationRecord, ...],
    references: dict[int, list[AnnotationRecord]],
    numbers: dict[int, int],
) -> str:
    touching = [a for a in annotations if a.start < seg_end and a.end > seg_start]
    points = {seg_start, seg_end}
    for annotation in touching:
        points.update(p for p in (annotation.start, annotation.end) if seg_start < p < seg_end)
    points.update(p for p in references if seg_start < p <= seg_end)

    out: list[str] = []
    highlighted: list[str] = []

    def close_mark() -> None:
        run = "".join(highlighted)
        highlighted.clear()
        # `== word==` is not a highlight in most renderers: keep the spaces outside the marks.
        lead = _LEADING_SPACE.match(run).group()
        trail = _TRAILING_SPACE.search(run[len(lead) :]).group()
        core = run[len(lead) : len(run) - len(trail)]
        out.append(escape(lead))
        if core:
            out.append(f"=={escape(core)}==")
        out.append(escape(trail))

    ordered = sorted(points)
    for run_start, run_end in pairwise(ordered):
        run = text[run_start:run_end]
        if any(a.start <= run_start and a.end >= run_end for a in touching):
            highlighted.append(run)
        else:
            close_mark()
            out.append(escape(run))
        if run_end in references:
            close_mark()
            out.append("".join(f"[^{numbers[a.id]}]" for a in references[run_end]))
    close_mark()
    return "".join(out)


def _footnote(annotation: AnnotationRecord, number: int) -> str:
    quote = _blockquote(escape(annotation.exact))
    details = []
    if annotation.tags:
        tags = ", ".join(f"{escape(tag.name)} ({tag.kind})" for tag in annotation.tags)
        details.append(f"Tags: {tags}")
    details.append(f"Colour: {annotation.colour}")
    if not annotation.own:
        details.append(f"Shared by {escape(annotation.creator)}")
    details.append(f"{annotation.created:%Y-%m-%d}")
    body = [quote, " · ".join(details)]
    if annotation.note.strip():
        # Inside a code span `&lt;` shows as written: a small price for not parsing the note.
        body.append(_HTML_START.sub("&lt;", annotation.note.strip()))
    body.extend(
        f"**{escape(reply.creator)} replied:** " + _HTML_START.sub("&lt;", reply.text.strip())
        for reply in annotation.replies
    )
    lines = "\n\n".join(body).split("\n")
    # Continuation lines indented four spaces stay inside the footnote.
    indented = [lines[0]] + [f"    {line}" if line.strip() else "" for line in lines[1:]]
    return f"[^{number}]: " + "\n".join(indented)
