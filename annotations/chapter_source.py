"""A chapter's text as the reader pages draw it, built once per version of the chapter.

The text does not change between two imports, so its blocks, its ChapterText and each paragraph's
HTML without highlights are kept in Django's cache under the chapter and its work's content hash
(which every update changes): a new text can never meet an old drawing. A request then draws
again only the paragraphs that its highlights touch.
"""

import hashlib
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.cache import cache

from annotations.anchoring import ChapterText, Highlight, Span, Styling
from annotations.chapter_layout import SCENE_BREAK, Block, blocks_text, chapter_blocks
from fics.models import Chapter

# A day: an entry is only ever replaced by a new key, so how long it stays is a question of
# memory, not of correctness.
TIMEOUT = 24 * 60 * 60


@dataclass(frozen=True)
class ChapterSource:
    blocks: tuple[Block, ...]
    text: ChapterText
    styling: tuple[Styling, ...]
    # Text block key → its HTML: escaped text with the source's emphasis, no highlights.
    plain: dict[str, str]
    # Text block key → where it starts in the chapter text, in UTF-16 units (the browser's).
    utf16: dict[str, int]

    def keys_touching(self, spans: Iterable[Span]) -> set[str]:
        """The text blocks that any of these spans overlaps."""
        segments = self.text.segments
        starts = list(self.text.segment_starts().values())
        keys = set()
        for span in spans:
            first = max(0, bisect_right(starts, span.start) - 1)
            last = bisect_left(starts, span.end)
            for index in range(first, last):
                if starts[index] + len(segments[index].text) > span.start:
                    keys.add(segments[index].key)
        return keys

    def draw(self, highlights: Sequence[Highlight], keys: set[str] | None = None) -> dict[str, str]:
        """Text block key → HTML with these highlights drawn: for `keys` only when given, else
        for every block (those no highlight touches come from the plain drawing)."""
        if keys is not None:
            return self.text.highlight(highlights, self.styling, keys)
        drawn = dict(self.plain)
        if touched := self.keys_touching(h.span for h in highlights):
            drawn.update(self.text.highlight(highlights, self.styling, touched))
        return drawn

    def blocks_html(self, drawn: dict[str, str], part: str, prefix: str = "") -> str:
        return "".join(
            block_html(block, drawn.get(block.key, ""), self.utf16.get(block.key, 0), prefix)
            for block in self.blocks
            if block.part == part
        )


def block_html(block: Block, inner: str, utf16: int, prefix: str = "", oob: bool = False) -> str:
    """One block's element. `prefix` keeps ids unique on a page of several chapters; `oob`
    makes it an htmx out-of-band swap of the block already on the page."""
    if block.kind == SCENE_BREAK:
        return '<hr class="scene-break" aria-label="Scene break">\n'
    swap = ' hx-swap-oob="true"' if oob else ""
    return f'<p id="{prefix}{block.key}" data-utf16="{utf16}"{swap}>{inner}</p>\n'


def cache_key(kind: str, *parts) -> str:
    """A short key of safe characters, whatever the parts hold."""
    return f"{kind}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


class RecentSources:
    """The few chapter sources this process used last, kept as objects: unpickling a long
    chapter from the cache for every highlight cost more than saving the highlight. As exact as
    the cache, since a key names one version of one chapter."""

    def __init__(self, size: int):
        self.size = size
        self.sources: OrderedDict[str, ChapterSource] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> ChapterSource | None:
        with self.lock:
            if (source := self.sources.get(key)) is not None:
                self.sources.move_to_end(key)
            return source

    def add(self, key: str, source: ChapterSource) -> None:
        with self.lock:
            self.sources[key] = source
            while len(self.sources) > self.size:
                self.sources.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.sources.clear()


recent_sources = RecentSources(size=16)


def chapter_source(chapter: Chapter) -> ChapterSource:
    key = cache_key("chapter-source", chapter.pk, chapter.work.content_hash)
    if (source := recent_sources.get(key)) is None:
        source = cache.get_or_set(key, lambda: build_chapter_source(chapter), TIMEOUT)
        recent_sources.add(key, source)
    return source


def build_chapter_source(chapter: Chapter) -> ChapterSource:
    paragraphs = list(
        chapter.paragraphs.order_by("position").values_list(
            "position", "kind", "text", "emphasis", named=True
        )
    )
    blocks = chapter_blocks(chapter, paragraphs)
    text = blocks_text(blocks)
    starts = text.segment_starts()
    styling = tuple(
        Styling(Span(starts[key] + start, starts[key] + end), style)
        for paragraph in paragraphs
        if paragraph.emphasis and (key := f"p{paragraph.position}") in starts
        for start, end, style in paragraph.emphasis
    )
    return ChapterSource(
        blocks=blocks,
        text=text,
        styling=styling,
        plain=text.highlight([], styling),
        utf16=text.utf16_starts(),
    )
