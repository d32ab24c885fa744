"""Anchoring annotations to a chapter's text, and drawing them back onto it.

An annotation targets a span of one chapter's *chapter text*: the texts of its segments (author's
notes before, story paragraphs, author's notes after; scene breaks are not segments) joined with
SEPARATOR. Like the W3C Web Annotation model and Hypothesis, a target is stored twice: as a
TextPositionSelector (`Span`, Unicode code points) and as a TextQuoteSelector (`Quote`), so the
annotation can be found again by its words when the chapter text has changed.

Browsers count offsets in UTF-16 code units, Python in code points; the two differ by one for every
character outside the Basic Multilingual Plane (most emoji). Conversion happens only here.

Pure Python, no Django: everything is tested without a database.
"""

import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from types import MappingProxyType

SEPARATOR = "\n\n"
CONTEXT = 32
# Quotes shorter than this are common words or names ("Lexa", "she said"): they occur all over a
# chapter, so finding their words somewhere proves nothing about the place; see `find_quote`.
SHORT_QUOTE = 12
# How many code points of a short quote's stored context must still agree, on one side at least,
# beyond the one shared space or punctuation mark any two places have.
MIN_CONTEXT_AGREEMENT = 8

STALE_PAGE = "reload the page and select again."

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class AnchorError(ValueError):
    """A selection that cannot be anchored; the message is shown to the reader as it is."""


@dataclass(frozen=True)
class Segment:
    key: str
    text: str


@dataclass(frozen=True)
class Quote:
    """A TextQuoteSelector: the selected text and the text just around it."""

    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Span:
    """A TextPositionSelector over the chapter text, in code points; `end` is exclusive."""

    start: int
    end: int


@dataclass(frozen=True)
class Highlight:
    annotation_id: int
    span: Span
    css_class: str = ""


@dataclass(frozen=True)
class Styling:
    """Emphasis the source file had (italic, bold), drawn as <em>/<strong> under the highlights."""

    span: Span
    element: str  # "em" or "strong"


STYLING_ELEMENTS = frozenset({"em", "strong"})


class ChapterText:
    """A chapter's segments joined into one text; built once per chapter, then only read."""

    def __init__(self, segments: Sequence[Segment]):
        self.segments = tuple(segments)
        self.text = SEPARATOR.join(segment.text for segment in self.segments)
        if len({segment.key for segment in self.segments}) != len(self.segments):
            raise ValueError("segment keys must be unique within a chapter")

        self._starts: list[int] = []
        self._ends: list[int] = []
        position = 0
        for segment in self.segments:
            self._starts.append(position)
            self._ends.append(position + len(segment.text))
            position += len(segment.text) + len(SEPARATOR)
        # Characters outside the BMP take two UTF-16 units; everything else counts the same in
        # both units, so either conversion is a bisect over where those characters are.
        self._astral = [match.start() for match in _ASTRAL.finditer(self.text)]
        self._astral_utf16_ends = [index + count + 2 for count, index in enumerate(self._astral)]

    def segment_starts(self) -> Mapping[str, int]:
        """Where each segment starts in the chapter text, in code points."""
        return MappingProxyType(self._segment_starts)

    def segment_span(self, key: str) -> Span:
        """Where the segment with this key is in the chapter text, in code points."""
        index = self._segment_index[key]
        return Span(self._starts[index], self._ends[index])

    # Built once each: a highlight's write asks several times, and each took 50 µs to build
    # for a long chapter.
    @cached_property
    def _segment_starts(self) -> dict[str, int]:
        return {
            segment.key: start for segment, start in zip(self.segments, self._starts, strict=True)
        }

    @cached_property
    def _segment_index(self) -> dict[str, int]:
        return {segment.key: index for index, segment in enumerate(self.segments)}

    def utf16_starts(self) -> dict[str, int]:
        """Where each segment starts in the chapter text, in UTF-16 units, as the browser counts."""
        return {
            segment.key: self.to_utf16(start)
            for segment, start in zip(self.segments, self._starts, strict=True)
        }

    def to_utf16(self, code_point_offset: int) -> int:
        """A code-point offset in the chapter text as the browser counts it (UTF-16 units)."""
        if not 0 <= code_point_offset <= len(self.text):
            raise AnchorError(f"The selection is outside this chapter's text; {STALE_PAGE}")
        return code_point_offset + bisect_left(self._astral, code_point_offset)

    def to_code_points(self, utf16_offset: int) -> int:
        """A browser's UTF-16 offset in the chapter text as a code-point offset.

        Raises AnchorError if the offset is out of range or falls between the two halves of a
        surrogate pair (there is no code-point offset for that place).
        """
        if not 0 <= utf16_offset <= len(self.text) + len(self._astral):
            raise AnchorError(f"The selection is outside this chapter's text; {STALE_PAGE}")
        code_point_offset = utf16_offset - bisect_right(self._astral_utf16_ends, utf16_offset)
        if self.to_utf16(code_point_offset) != utf16_offset:
            raise AnchorError(f"The selection starts or ends inside a character; {STALE_PAGE}")
        return code_point_offset

    def quote(self, span: Span, context: int = CONTEXT) -> Quote:
        """The TextQuoteSelector for a span: its text and up to `context` code points each side."""
        if not self._is_valid(span):
            raise AnchorError(f"The selection is outside this chapter's text; {STALE_PAGE}")
        return quote_at(self.text, span, context)

    def anchor_selection(self, utf16_start: int, utf16_end: int, exact: str) -> tuple[Span, Quote]:
        """Turn a reader's selection, as the browser reports it, into the selectors to store.

        `exact` is the browser's Selection.toString(); it must say the same as the chapter text at
        those offsets, or the page was out of date. Whitespace around the selection is trimmed,
        so a selection starting in the gap between paragraphs starts at the next paragraph.
        """
        if utf16_start > utf16_end:
            raise AnchorError(f"The selection ends before it starts; {STALE_PAGE}")
        start = self.to_code_points(utf16_start)
        end = self.to_code_points(utf16_end)
        if start == end:
            raise AnchorError("Nothing is selected; select some words to annotate.")
        selected = self.text[start:end]
        if _words(selected) != _words(exact):
            raise AnchorError(
                f"The selected text does not match the chapter at that place; {STALE_PAGE}"
            )
        if not selected.strip():
            if self._within_separator(start, end):
                raise AnchorError(
                    "The selection is only the gap between paragraphs; select some words."
                )
            raise AnchorError("The selection is only spaces; select some words to annotate.")
        while self.text[start].isspace():
            start += 1
        while self.text[end - 1].isspace():
            end -= 1
        span = Span(start, end)
        return span, self.quote(span)

    def locate(self, quote: Quote, hint: Span | None) -> Span | None:
        """Find a stored quote in the (possibly edited) chapter text; see `find_quote`.

        The hint (the stored position) only breaks ties: in a chapter that changed, finding the
        quoted words at the old offsets is a coincidence, not evidence, unlike a position that
        re-anchoring maps through a diff.
        """
        return find_quote(self.text, quote, near=hint.start if hint is not None else 0)

    def highlight(
        self,
        highlights: Sequence[Highlight],
        styling: Sequence[Styling] = (),
        keys: Collection[str] | None = None,
    ) -> dict[str, str]:
        """Each segment's text as HTML, escaped, with the highlights drawn as <mark> elements;
        only the segments named in `keys` when given (the others are not drawn at all, yet each
        mark comes out exactly as a whole drawing would have it).

        A highlight becomes one or more
        `<mark class="hl {css_class}" data-annotation="{id}">…</mark>`; it is cut where it
        crosses from one segment to the next (separators are never marked) and where it must
        close around another highlight's end to keep the HTML nested. The first of its marks in
        reading order also has `data-first=""`, which the reader page scrolls to.

        Overlapping highlights nest: the one starting earliest is outermost, the longer of two
        starting together, then the lower annotation id. Highlights whose span is empty or
        outside the chapter are skipped.

        `styling` (the source's own italics and bold) is drawn inside the marks, split around
        them the same way, so a highlight never changes how the text looks underneath.
        """
        drawable = [
            item
            for item in [*highlights, *styling]
            if self._is_valid(item.span)
            and item.span.start < item.span.end
            and (isinstance(item, Highlight) or item.element in STYLING_ELEMENTS)
        ]
        ranked = sorted(drawable, key=lambda item: (item.span.start, _nesting_rank(item)))
        rendered: dict[str, str] = {}
        first_drawn: set[int] = set()
        # Highlights that start before the current segment ends, kept in rank order; the
        # ones that have ended are dropped as the walk moves on, so each segment only looks at
        # highlights near it.
        reaching: list[Highlight | Styling] = []
        next_ranked = 0
        first = 0
        if keys is not None:
            # The segments before the first one asked for and before anything drawn starts
            # change nothing: the walk starts after them.
            indexes = [self._segment_index[key] for key in keys if key in self._segment_index]
            first = min(indexes, default=len(self.segments))
            if ranked:
                first = min(first, bisect_right(self._ends, ranked[0].span.start))
        for segment, start, end in zip(
            self.segments[first:], self._starts[first:], self._ends[first:], strict=True
        ):
            while next_ranked < len(ranked) and ranked[next_ranked].span.start < end:
                reaching.append(ranked[next_ranked])
                next_ranked += 1
            if reaching:
                reaching = [h for h in reaching if h.span.end > start]
            if keys is not None and segment.key not in keys:
                # Not drawn; its marks would have been the first of these highlights.
                if reaching:
                    first_drawn.update(
                        h.annotation_id for h in reaching if isinstance(h, Highlight)
                    )
                continue
            touching = sorted(reaching, key=_nesting_rank)
            rendered[segment.key] = self._segment_html(start, end, touching, first_drawn)
            if keys is not None and len(rendered) == len(keys):
                # The segments after the last one asked for change nothing in it.
                break
        return rendered

    def _segment_html(
        self,
        seg_start: int,
        seg_end: int,
        touching: list[Highlight | Styling],
        first_drawn: set[int],
    ) -> str:
        """One segment's HTML: walk the runs between highlight boundaries, closing and
        reopening marks so that what is open always matches the rank order of the covering
        highlights (a stack; that is what keeps the output well nested). Adds to `first_drawn`
        the annotations whose first mark it drew."""
        boundaries = {seg_start, seg_end}
        for highlight in touching:
            boundaries.update(
                point
                for point in (highlight.span.start, highlight.span.end)
                if seg_start < point < seg_end
            )
        points = sorted(boundaries)

        parts: list[str] = []
        open_marks: list[Highlight | Styling] = []
        for run_start, run_end in pairwise(points):
            covering = [h for h in touching if h.span.start <= run_start and h.span.end >= run_end]
            kept = 0
            while (
                kept < len(open_marks)
                and kept < len(covering)
                and open_marks[kept] is covering[kept]
            ):
                kept += 1
            parts.extend(_close_tag(item) for item in reversed(open_marks[kept:]))
            for item in covering[kept:]:
                if isinstance(item, Styling):
                    parts.append(f"<{item.element}>")
                    continue
                parts.append(_open_mark(item, first=item.annotation_id not in first_drawn))
                first_drawn.add(item.annotation_id)
            open_marks = covering
            parts.append(html.escape(self.text[run_start:run_end], quote=True))
        parts.extend(_close_tag(item) for item in reversed(open_marks))
        return "".join(parts)

    def _is_valid(self, span: Span) -> bool:
        return 0 <= span.start <= span.end <= len(self.text)

    def _within_separator(self, start: int, end: int) -> bool:
        """Whether [start, end) lies wholly in the gap between two segments."""
        following = bisect_right(self._starts, start)
        return (
            0 < following < len(self._starts)
            and start >= self._ends[following - 1]
            and end <= self._starts[following]
        )


def _words(text: str) -> str:
    """Text with whitespace runs made one space and the ends stripped: browsers report the break
    between paragraphs as "\\n", "\\n\\n" or "\\n\\n\\n" in Selection.toString()."""
    return " ".join(text.split())


def quote_at(text: str, span: Span, context: int = CONTEXT) -> Quote:
    """The TextQuoteSelector for a span of `text`, which must lie within it."""
    return Quote(
        exact=text[span.start : span.end],
        prefix=text[max(0, span.start - context) : span.start],
        suffix=text[span.end : span.end + context],
    )


def find_quote(text: str, quote: Quote, near: int = 0) -> Span | None:
    """The occurrence of `quote.exact` in `text` whose surroundings agree longest with the stored
    prefix and suffix, the one nearest `near` breaking a tie; None if there is none.

    Agreement is counted in code points, outward from the quote: how much of the stored prefix
    still ends right before the occurrence, plus how much of the stored suffix still starts right
    after it. A quote of SHORT_QUOTE or more code points is found by its words alone; a shorter
    one only where its context confirms the place (`_confirms`), however many times its words
    occur. This is the one quote search: the JSON import and re-anchoring both use it.

    Why short quotes need their context, for both callers: a note put on the same word at the
    wrong place looks right and says something false, and nobody notices; a quote left unplaced
    is listed where the reader sees it (an import problem, an orphan to re-attach). So a
    three-letter quote whose neighbours changed is not placed on the first "the" that fits.
    """
    exact = quote.exact
    if not exact:
        # An empty quote is "found" everywhere, which says nothing about where it was.
        return None
    best = None
    best_key = None
    for found in occurrences(exact, text):
        prefix_agrees, suffix_agrees = _agreement(text, found, quote)
        if (
            len(exact) >= SHORT_QUOTE
            or _confirms(prefix_agrees, quote.prefix, at_edge=found == len(quote.prefix))
            or _confirms(
                suffix_agrees,
                quote.suffix,
                at_edge=found + len(exact) + len(quote.suffix) == len(text),
            )
        ):
            key = (-(prefix_agrees + suffix_agrees), abs(found - near))
            if best_key is None or key < best_key:
                best, best_key = found, key
    return None if best is None else Span(best, best + len(exact))


def occurrences(piece: str, text: str) -> Iterator[int]:
    """Where `piece` starts in `text`, overlapping occurrences included, first to last."""
    found = text.find(piece)
    while found != -1:
        yield found
        found = text.find(piece, found + 1)


def _agreement(text: str, at: int, quote: Quote) -> tuple[int, int]:
    """How many code points just before and just after `quote.exact`, found at `at`, still read
    as the stored prefix and suffix did."""
    before = text[max(0, at - len(quote.prefix)) : at]
    after_start = at + len(quote.exact)
    after = text[after_start : after_start + len(quote.suffix)]
    return (
        _common_prefix_length(before[::-1], quote.prefix[::-1]),
        _common_prefix_length(after, quote.suffix),
    )


def _confirms(agreeing: int, stored: str, *, at_edge: bool) -> bool:
    """Whether one side's agreement is evidence of the place. Stored context shorter than
    MIN_CONTEXT_AGREEMENT means the quote was at the start (or end) of the chapter; then it must
    be all there, and the occurrence at the same edge."""
    if len(stored) >= MIN_CONTEXT_AGREEMENT:
        return agreeing >= MIN_CONTEXT_AGREEMENT
    return agreeing == len(stored) and at_edge


def _common_prefix_length(text: str, wanted: str) -> int:
    length = 0
    for ours, theirs in zip(text, wanted, strict=False):
        if ours != theirs:
            break
        length += 1
    return length


def _nesting_rank(item: Highlight | Styling) -> tuple:
    """Outer first: highlights by start, longer, lower id; then styling, innermost."""
    if isinstance(item, Highlight):
        return (0, item.span.start, -item.span.end, item.annotation_id)
    return (1, item.span.start, -item.span.end, item.element)


def _close_tag(item: Highlight | Styling) -> str:
    return f"</{item.element}>" if isinstance(item, Styling) else "</mark>"


def _open_mark(highlight: Highlight, *, first: bool) -> str:
    css_class = html.escape(f"hl {highlight.css_class}".strip(), quote=True)
    first_attribute = ' data-first=""' if first else ""
    return (
        f'<mark class="{css_class}" data-annotation="{highlight.annotation_id}"{first_attribute}>'
    )
