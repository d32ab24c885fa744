"""How the parser's time grows with its input: each format's generated story doubled four times.

A ratio near 2 between steps means linear time; near 4 means quadratic. Run it alone with
`python bench/parser_bench.py` (no database, no Django); it takes well under a minute.
"""

import gc
import io
import random
import sys
import textwrap
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fics.parser import parse_story  # noqa: E402

_WORDS = (
    "the and she he said was her his of to a in it that looked back at door room night "
    "wand castle quietly never always before after again dark light voice hand eyes "
    "Harry Hermione Draco Clarke Bellamy Lexa window letter morning answer"
).split()
_DOUBLINGS = 4


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + rng.choice(".!?")


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(5, 14)) for _ in range(rng.randint(1, 5)))


def _chapters(rng: random.Random, count: int) -> list[list[str]]:
    """`count` chapters of 40 paragraphs each."""
    return [[_paragraph(rng) for _ in range(40)] for _ in range(count)]


def blank_line_paragraphs(rng: random.Random, size: int) -> tuple[bytes, str]:
    """One paragraph per line, a blank line between paragraphs, `* * *` scene breaks."""
    parts = []
    for number, chapter in enumerate(_chapters(rng, size), start=1):
        parts.append(f"Chapter {number}")
        for position, paragraph in enumerate(chapter):
            parts.append("* * *" if position == 20 else paragraph)
    return "\n\n".join(parts).encode(), "story.txt"


def single_newline_lines(rng: random.Random, size: int) -> tuple[bytes, str]:
    """Short lines of dialogue, one paragraph each, no blank lines at all."""
    lines = [_sentence(rng, rng.randint(1, 6)) for _ in range(size * 800)]
    return "\n".join(lines).encode(), "lines.txt"


def same_width_lines(rng: random.Random, size: int) -> tuple[bytes, str]:
    """Short lines all of one width, no blank lines: they read as one hard-wrapped paragraph,
    the case that once took a minute for 80,000 lines."""
    lines = [f"Line {rng.randrange(10**6):06d} of it." for _ in range(size * 800)]
    return "\n".join(lines).encode(), "lines.txt"


def hard_wrapped(rng: random.Random, size: int) -> tuple[bytes, str]:
    """Paragraphs cut into lines of at most 70 columns, as Project Gutenberg's files are."""
    parts = []
    for number, chapter in enumerate(_chapters(rng, size), start=1):
        parts.append(f"CHAPTER {number}.")
        parts.extend(_wrap(paragraph, 70) for paragraph in chapter)
    return "\n\n".join(parts).encode(), "wrapped.txt"


def _wrap(text: str, width: int) -> str:
    """Hard-wrapped at `width`, as old text files are."""
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


def markdown(rng: random.Random, size: int) -> tuple[bytes, str]:
    """`##` chapter headings, `*italic*` and `**bold**` words, `---` scene breaks."""
    parts = ["# The Story"]
    for number, chapter in enumerate(_chapters(rng, size), start=1):
        parts.append(f"## Chapter {number}")
        for position, paragraph in enumerate(chapter):
            words = paragraph.split()
            words[1] = f"*{words[1]}*"
            words[-2] = f"**{words[-2]}**"
            parts.append("---" if position == 20 else " ".join(words))
    return "\n\n".join(parts).encode(), "story.md"


def ao3_html(rng: random.Random, size: int) -> tuple[bytes, str]:
    """An AO3 "Download → HTML" file: preface, then `#chapters` with a preface and text each."""
    chapters = []
    for number, chapter in enumerate(_chapters(rng, size), start=1):
        paragraphs = "".join(f"<p>{paragraph}</p>" for paragraph in chapter)
        chapters.append(
            f'<div class="meta group"><h2 class="heading">Chapter {number}</h2></div>'
            f'<div class="userstuff">{paragraphs}<hr/></div>'
        )
    page = (
        "<!DOCTYPE html><html><head><title>The Story</title></head><body>"
        '<div id="preface"><p>Posted originally on the Archive of Our Own.</p>'
        "<h1>The Story</h1></div>"
        f'<div id="chapters">{"".join(chapters)}</div></body></html>'
    )
    return page.encode(), "story.html"


def epub(rng: random.Random, size: int) -> tuple[bytes, str]:
    """An EPUB 2 with one XHTML document per chapter, built in memory."""
    buffer = io.BytesIO()
    chapters = _chapters(rng, size)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="book.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        items = "".join(
            f'<item id="c{n}" href="c{n}.xhtml" media-type="application/xhtml+xml"/>'
            for n in range(len(chapters))
        )
        spine = "".join(f'<itemref idref="c{n}"/>' for n in range(len(chapters)))
        archive.writestr(
            "book.opf",
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>The Story'
            f"</dc:title></metadata><manifest>{items}</manifest><spine>{spine}</spine></package>",
        )
        for number, chapter in enumerate(chapters):
            paragraphs = "".join(f"<p>{paragraph}</p>" for paragraph in chapter)
            archive.writestr(
                f"c{number}.xhtml",
                '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
                f"<h2>Chapter {number + 1}</h2>{paragraphs}</body></html>",
            )
    return buffer.getvalue(), "story.epub"


# Each generator with its starting size (chapters, or hundreds of lines), chosen so that the
# largest input of each takes about a second.
FORMATS: list[tuple[str, Callable[[random.Random, int], tuple[bytes, str]], int]] = [
    ("plain text, blank-line paragraphs", blank_line_paragraphs, 12),
    ("plain text, single-newline lines", single_newline_lines, 12),
    ("plain text, single-newline lines of one width", same_width_lines, 12),
    ("hard-wrapped text", hard_wrapped, 8),
    ("Markdown", markdown, 8),
    ("AO3-style HTML", ao3_html, 12),
    ("EPUB", epub, 12),
]


def bench_parser_scaling() -> None:
    for name, generate, start in FORMATS:
        print(f"{name}:")
        previous = None
        for step in range(_DOUBLINGS + 1):
            data, filename = generate(random.Random(step), start * 2**step)
            gc.collect()
            # CPU time, not wall time: the machine is shared, and others' work would read as ours.
            started = time.process_time()
            parse_story(data, filename)
            seconds = time.process_time() - started
            ratio = f"  ×{seconds / previous:.2f}" if previous else ""
            print(f"  {len(data) / 1024:9,.0f} KB  {seconds:7.3f} s{ratio}")
            previous = seconds


if __name__ == "__main__":
    bench_parser_scaling()
