"""Re-anchoring annotations when a chapter's text changes (a reader re-imports an updated work).

Each annotation is tried in turn, from the most to the least certain placement:

1. its position, mapped through one character diff of the old text to the new, if the text found
   there is still the quoted text (KEPT when the offsets are unchanged, MOVED otherwise);
2. the occurrence of the quoted text whose surroundings best agree with the stored prefix and
   suffix, the one nearest the mapped position breaking a tie (MOVED, or KEPT if it is back at the
   old offsets);
3. the quote's words edited (a word inserted or deleted, a typo fixed) between its stored
   surroundings, still there on both sides: in the slot the diff maps it to, or wherever those
   surroundings are found again word for word (FUZZY);
4. for a quote of SHORT_QUOTE or more, nearly the same words, near the mapped position and then
   anywhere, with enough of its surroundings similar that a reader would call it the same
   passage (FUZZY);
5. otherwise nothing: ORPHANED. The caller keeps the annotation and lists it with its quote.

Step 2 is `anchoring.find_quote`, the same search the JSON import uses. Short quotes ("Lexa",
"she said") occur all over a chapter, so their words alone prove nothing: they are placed by an
exact match only with some stored context agreeing, and by a fuzzy match only between their
surroundings (step 3).

The diff is computed once per chapter, not per annotation, coarse to fine: difflib over lines
(paragraphs), then sentences, then words, each only inside the runs the coarser one found
replaced, and a rapidfuzz character diff once a run is small (CHARACTER_DIFF_LIMIT). A character
diff of a whole chapter is quadratic in the stretch between its first and last edit: for five typo
fixes spread over a 150,000-character chapter it took 1 to 3 s and 2 GB of memory; coarse to fine
takes a few milliseconds, and half a second when the new text shares hardly a sentence with the old.

Pure Python, no Django: everything is tested without a database.
"""

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from annotations.anchoring import (
    CONTEXT,
    SHORT_QUOTE,
    Quote,
    Span,
    find_quote,
    occurrences,
    quote_at,
)

# A quote this long is evidence enough on its own: a fuzzy match need not check its context.
LONG_QUOTE = 2 * CONTEXT
# Minimum rapidfuzz similarity (0-100) of the new text to a quote of SHORT_QUOTE or more code
# points, wherever it is: a twelve-character quote survives one substituted character (91.7) but
# not two (83.3).
FUZZY_THRESHOLD = 90
# Below LONG_QUOTE, such a match also needs one side of its context this similar to the stored
# one; two unrelated 32-character stretches of English prose score about 40, rarely above 55.
CONTEXT_THRESHOLD = 70
# Between stored context that is still there on both sides, this similar (a typo or two in 32
# characters), the new words are the quote's own words, edited, when they are similar enough:
INTACT_CONTEXT_THRESHOLD = 90
# a quote of SHORT_QUOTE or more this similar. One word inserted or deleted inside scores well
# above it ("pressed it [firmly] against" 83.7, "it firmly against" → "it against" 74); a sentence
# rewritten between the same neighbours does not: among 14,000 pairs of sentences of the seed
# chapters, of similar lengths, the median scores 41, one in a thousand 58, the most alike 66.
EDITED_THRESHOLD = 70
# A short quote this similar: one letter in three changes a lot ("teh" → "the" scores 66.7,
# "Lexa" → "Clarke" 20).
SHORT_FUZZY_THRESHOLD = 60
# Blocks larger than this (product of their lengths) are cut down by a coarser diff before the
# character diff; a rapidfuzz character diff of two 10,000-character blocks takes about 5 ms.
CHARACTER_DIFF_LIMIT = 10_000 * 10_000
# How much lower than FUZZY_THRESHOLD a fuzzy alignment may score before its ends are adjusted.
PARTIAL_SLACK = 15
# How many characters at each end of a long quote place that end of a fuzzy match.
EDGE = 64
# How far a fuzzy-matched span's ends may move to reach a word boundary.
END_ADJUSTMENT = 3

_PARAGRAPHS = re.compile(r"[^\n]+\n*|\n+")
_SENTENCES = re.compile(r"[^.!?\n]+[.!?]*[\"'”’)\]]*\s*|[.!?]+[\"'”’)\]]*\s*|\n+")
_WORDS = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")


class Placement(StrEnum):
    KEPT = "kept"  # same text at the same offsets
    MOVED = "moved"  # same exact text found elsewhere (diff-mapped position or quote search)
    FUZZY = "fuzzy"  # close enough text, strict threshold
    ORPHANED = "orphaned"  # could not be placed; the caller keeps it and lists it


@dataclass(frozen=True)
class Anchor:
    """Where an annotation was, as stored: both selectors, over the old chapter text."""

    id: int
    span: Span
    quote: Quote


@dataclass(frozen=True)
class Result:
    id: int
    placement: Placement
    span: Span | None  # None only when orphaned
    quote: Quote | None  # re-read from the new text when placed


def reanchor(old_text: str, new_text: str, anchors: Sequence[Anchor]) -> list[Result]:
    """One result per anchor, in the same order: where each annotation goes in `new_text`."""
    mapping = _OffsetMap(old_text, new_text)
    return [_reanchor_one(anchor, old_text, new_text, mapping) for anchor in anchors]


def _reanchor_one(anchor: Anchor, old_text: str, new_text: str, mapping: "_OffsetMap") -> Result:
    old = anchor.span
    exact = anchor.quote.exact
    mapped = None
    ends_kept = False
    if 0 <= old.start <= old.end <= len(old_text):
        mapped = mapping.span(old)
        if new_text[mapped.start : mapped.end] == exact:
            return _placed(anchor, _exact_placement(old, mapped), mapped, new_text)
        ends_kept = mapping.keeps_ends(old)

    near = mapped.start if mapped is not None else 0
    found = find_quote(new_text, anchor.quote, near)
    if found is not None:
        return _placed(anchor, _exact_placement(old, found), found, new_text)

    found = _find_fuzzy(anchor.quote, new_text, mapped, ends_kept=ends_kept)
    if found is not None:
        return _placed(anchor, Placement.FUZZY, found, new_text)
    return Result(anchor.id, Placement.ORPHANED, None, None)


def _exact_placement(old: Span, new: Span) -> Placement:
    return Placement.KEPT if new == old else Placement.MOVED


def _placed(anchor: Anchor, placement: Placement, span: Span, text: str) -> Result:
    return Result(anchor.id, placement, span, quote_at(text, span))


# The diff, and offsets mapped through it.


class _OffsetMap:
    """Old-text offsets mapped to new-text offsets through the blocks a diff found equal.

    An offset inside an equal block maps exactly. One inside text that was replaced or deleted
    maps to the same distance into the replacement, clamped to it: only a hint for the searches.
    """

    def __init__(self, old_text: str, new_text: str):
        blocks = _equal_blocks(old_text, new_text)
        self._old_starts = [old for old, _, _ in blocks]
        self._new_starts = [new for _, new, _ in blocks]
        self._sizes = [size for _, _, size in blocks]
        self._old_length = len(old_text)
        self._new_length = len(new_text)

    def span(self, old: Span) -> Span:
        start = self._map(old.start, start_side=True)
        if old.end == old.start:
            return Span(start, start)
        # An end maps as the end of its last character, so text inserted right after a span
        # stays out of it, as text inserted right before it does for its start.
        return Span(start, max(start, self._map(old.end, start_side=False)))

    def keeps_ends(self, old: Span) -> bool:
        """Whether the diff left both ends of `old` where they were: the characters either side
        of each end unchanged and still neighbours (or the end still the edge of the text).

        Then the mapped span holds exactly what became of the old one, whatever was edited
        inside it. An edit touching an end leaves the mapping to a guess: the diff may align
        "teh" → "the" as a deleted "e" and an inserted one, which maps "teh" to "th".
        """
        return self._keeps_boundary(old.start) and self._keeps_boundary(old.end)

    def _keeps_boundary(self, offset: int) -> bool:
        if not self._sizes:
            return False
        if offset == 0:
            return self._old_starts[0] == 0 and self._new_starts[0] == 0
        if offset == self._old_length:
            return (
                self._old_starts[-1] + self._sizes[-1] == self._old_length
                and self._new_starts[-1] + self._sizes[-1] == self._new_length
            )
        block = bisect_right(self._old_starts, offset - 1) - 1
        return block >= 0 and offset < self._old_starts[block] + self._sizes[block]

    def _map(self, offset: int, *, start_side: bool) -> int:
        character = offset if start_side else offset - 1
        block = bisect_right(self._old_starts, character) - 1
        if block >= 0 and character < self._old_starts[block] + self._sizes[block]:
            mapped = self._new_starts[block] + character - self._old_starts[block]
            return mapped if start_side else mapped + 1
        if block >= 0:
            gap_old_start = self._old_starts[block] + self._sizes[block]
            gap_new_start = self._new_starts[block] + self._sizes[block]
        else:
            gap_old_start = gap_new_start = 0
        following = block + 1
        gap_new_end = (
            self._new_starts[following] if following < len(self._new_starts) else self._new_length
        )
        return gap_new_start + min(offset - gap_old_start, gap_new_end - gap_new_start)


def _equal_blocks(old_text: str, new_text: str) -> list[tuple[int, int, int]]:
    """(old offset, new offset, size) of the stretches the diff found unchanged, in order."""
    if old_text == new_text:
        return [(0, 0, len(old_text))] if old_text else []
    return list(_diff(old_text, new_text, 0, 0, (_PARAGRAPHS, _SENTENCES, _WORDS)))


def _diff(
    old: str, new: str, old_offset: int, new_offset: int, tokenizers: tuple[re.Pattern, ...]
) -> Iterator[tuple[int, int, int]]:
    """Equal blocks of `old` and `new`, which sit at the given offsets of the whole texts.

    Small enough blocks get a character diff; larger ones are diffed by the first tokenizer's
    tokens and each replaced run again, with the next. Runs still too large when no tokenizer is
    left (the texts share hardly a word) stay unmatched, and their annotations are searched for.
    """
    if not old or not new:
        return
    if len(old) * len(new) <= CHARACTER_DIFF_LIMIT:
        for tag, old_start, _, new_start, new_end in Levenshtein.opcodes(old, new):
            if tag == "equal":
                yield old_offset + old_start, new_offset + new_start, new_end - new_start
        return
    if not tokenizers:
        return
    pattern, finer = tokenizers[0], tokenizers[1:]
    old_tokens = pattern.findall(old)
    new_tokens = pattern.findall(new)
    old_bounds = _token_offsets(old_tokens)
    new_bounds = _token_offsets(new_tokens)
    # difflib's autojunk lets no frequent token inside a match: words need it for speed ("the"
    # is everywhere), but it would cut line and sentence matches at every "* * *" scene break.
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=pattern is _WORDS)
    for tag, old_first, old_last, new_first, new_last in matcher.get_opcodes():
        old_start, old_end = old_bounds[old_first], old_bounds[old_last]
        new_start, new_end = new_bounds[new_first], new_bounds[new_last]
        if tag == "equal":
            yield old_offset + old_start, new_offset + new_start, old_end - old_start
        elif tag == "replace":
            yield from _diff(
                old[old_start:old_end],
                new[new_start:new_end],
                old_offset + old_start,
                new_offset + new_start,
                finer,
            )


def _token_offsets(tokens: list[str]) -> list[int]:
    """Where each token starts, and where the last one ends."""
    offsets = [0]
    for token in tokens:
        offsets.append(offsets[-1] + len(token))
    return offsets


# Fuzzy search.


def _find_fuzzy(quote: Quote, text: str, slot: Span | None, *, ends_kept: bool) -> Span | None:
    """Text close to the quote: its own words edited, between its unchanged surroundings; or,
    for a quote of SHORT_QUOTE or more, nearly the same words near the slot, then anywhere."""
    exact = quote.exact
    if not exact.strip():
        return None
    found = _find_edited(quote, text, slot, ends_kept=ends_kept)
    if found is not None or len(exact) < SHORT_QUOTE:
        return found
    if slot is not None:
        margin = max(CONTEXT, len(exact))
        window_start = max(0, slot.start - margin)
        window_end = min(len(text), slot.end + margin)
        found = _fuzzy_in(quote, text, window_start, window_end)
        if found is not None or (window_start == 0 and window_end == len(text)):
            return found
    return _fuzzy_in(quote, text, 0, len(text))


def _find_edited(quote: Quote, text: str, slot: Span | None, *, ends_kept: bool) -> Span | None:
    """The quote's words edited (`_reads_as_edited`), tried where they are likeliest, most
    certain ends first, so that a word inserted or deleted next to an end stays inside:

    1. the slot the diff maps the quote to, as it is, when the diff kept both of its ends;
    2. the words between the stored prefix and suffix, found again word for word anywhere
       (an edited passage that also moved, which the diff cannot map);
    3. the slot with its ends looked for around it (`_adjust_ends`), when the diff did not
       keep them (an edit touched an end).
    """
    if slot is not None and ends_kept and _reads_as_edited(quote, text, slot):
        return slot
    found = _edited_between_context(quote, text, slot.start if slot is not None else 0)
    if found is not None or slot is None or ends_kept:
        return found
    adjusted = _adjust_ends(quote, text, slot, _edited_threshold(quote))
    if adjusted is not None and _reads_as_edited(quote, text, adjusted):
        return adjusted
    return None


def _edited_between_context(quote: Quote, text: str, near: int) -> Span | None:
    """The words between the stored prefix and suffix, both found again word for word, if they
    read as the quote's words edited; if several places do, the most similar, then the nearest
    to `near`. Stored context shorter than CONTEXT was cut short by the chapter's edge, and must
    be at that edge again.
    """
    prefix, suffix, exact = quote.prefix, quote.suffix, quote.exact
    threshold = _edited_threshold(quote)
    # fuzz.ratio of texts of m and n code points is at most 200·m/(m + n): longer cannot pass.
    longest = len(exact) * (200 - threshold) // threshold
    if len(prefix) < CONTEXT:
        starts = [len(prefix)] if text.startswith(prefix) else []
    else:
        starts = [found + len(prefix) for found in occurrences(prefix, text)]
    best = None
    best_key = None
    for start in starts:
        if len(suffix) < CONTEXT:
            end = len(text) - len(suffix) if text.endswith(suffix) else -1
            end = end if start <= end <= start + longest else -1
        else:
            end = text.find(suffix, start, start + longest + len(suffix))
        if end <= start or text[start].isspace() or text[end - 1].isspace():
            continue
        span = Span(start, end)
        if _reads_as_edited(quote, text, span):
            key = (fuzz.ratio(exact, text[start:end]), -abs(start - near))
            if best_key is None or key > best_key:
                best, best_key = span, key
    return best


def _reads_as_edited(quote: Quote, text: str, span: Span) -> bool:
    """Whether text[span] is the quote's words edited: its context is still there on both sides
    and the words between are similar enough (see EDITED_THRESHOLD)."""
    return (
        fuzz.ratio(quote.exact, text[span.start : span.end]) >= _edited_threshold(quote)
        and min(_context_similarity(quote, text, span)) >= INTACT_CONTEXT_THRESHOLD
    )


def _edited_threshold(quote: Quote) -> float:
    return SHORT_FUZZY_THRESHOLD if len(quote.exact) < SHORT_QUOTE else EDITED_THRESHOLD


def _fuzzy_in(quote: Quote, text: str, start: int, end: int) -> Span | None:
    """The best fuzzy match of a quote of SHORT_QUOTE or more code points in text[start:end]."""
    for rough in _rough_matches(quote.exact, text, start, end):
        span = _adjust_ends(quote, text, rough, FUZZY_THRESHOLD)
        if span is None:
            continue
        if (
            len(quote.exact) >= LONG_QUOTE
            or max(_context_similarity(quote, text, span)) >= CONTEXT_THRESHOLD
        ):
            return span
    return None


def _rough_matches(exact: str, text: str, start: int, end: int) -> Iterator[Span]:
    """Where partial_ratio places the quote in text[start:end], give or take its ends.

    A quote longer than two EDGEs is placed by its first EDGE characters, then by its last:
    partial_ratio takes seconds to find nothing for a quote of a few thousand characters.
    """
    if len(exact) <= 2 * EDGE:
        pieces = [(exact, 0)]
    else:
        pieces = [(exact[:EDGE], 0), (exact[-EDGE:], len(exact) - EDGE)]
    for piece, offset in pieces:
        # A change of length lowers the alignment's own score (see _adjust_ends): the
        # threshold applies to the adjusted span.
        alignment = _place(piece, text, start, end, FUZZY_THRESHOLD - PARTIAL_SLACK)
        if alignment is not None:
            quote_start = max(0, alignment.start - offset)
            yield Span(quote_start, min(len(text), quote_start + len(exact)))


def _place(piece: str, text: str, start: int, end: int, cutoff: float = 0) -> Span | None:
    """partial_ratio's best place for `piece` in text[start:end], if it scores `cutoff`."""
    end = min(end, len(text))
    if end - start < len(piece):
        # partial_ratio would look for the text in the piece instead.
        return None
    alignment = fuzz.partial_ratio_alignment(piece, text[start:end], score_cutoff=cutoff)
    if alignment is None:
        return None
    return Span(start + alignment.dest_start, start + alignment.dest_end)


def _adjust_ends(quote: Quote, text: str, rough: Span, threshold: float) -> Span | None:
    """The span near `rough` that reads like the quote (similarity at least `threshold`),
    preferring ends on word boundaries where the quote's own ends were on them; None if there
    is none.

    Both ways of finding `rough` can be off: partial_ratio compares the quote with stretches of
    its own length, so an edit that added or removed characters leaves it short or long by as
    many, and the diff may align a swapped pair of letters either way. So the quote's ends are
    looked for again around `rough`, and then snap to word boundaries a few characters away.
    """
    exact = quote.exact
    aligned = _align(exact, text, rough)
    starts_word = _is_word(exact[0]) and not (quote.prefix and _is_word(quote.prefix[-1]))
    ends_word = _is_word(exact[-1]) and not (quote.suffix and _is_word(quote.suffix[0]))
    best = None
    best_key = None
    for start in _nearby(aligned.start, len(text)):
        for end in _nearby(aligned.end, len(text)):
            if end <= start or text[start].isspace() or text[end - 1].isspace():
                continue
            score = fuzz.ratio(exact, text[start:end])
            if score < threshold:
                continue
            on_boundaries = (not starts_word or _word_starts_at(text, start)) + (
                not ends_word or _word_ends_at(text, end)
            )
            key = (on_boundaries, score, -abs(start - aligned.start) - abs(end - aligned.end))
            if best_key is None or key > best_key:
                best, best_key = Span(start, end), key
    return best


def _align(exact: str, text: str, rough: Span) -> Span:
    """Where the quote's ends are in the text around `rough`.

    They are looked for up to a fifth of the quote's length beyond `rough`, as much as a
    similarity of FUZZY_THRESHOLD lets its length have changed. A quote of up to two EDGEs
    is compared whole, moving one end and then the other to where the text reads most like it;
    a longer one by its first and last EDGE characters, each placed by partial_ratio, since
    comparing it whole at every candidate end would take seconds.
    """
    reach = END_ADJUSTMENT + len(exact) // 5
    start, end = rough.start, rough.end
    if len(exact) > 2 * EDGE:
        head = _place(exact[:EDGE], text, max(0, start - reach), start + reach + EDGE)
        tail = _place(exact[-EDGE:], text, max(0, end - reach - EDGE), min(len(text), end + reach))
        start = head.start if head is not None else start
        end = tail.end if tail is not None else end
        return Span(start, max(start, end))
    for _ in range(2):
        start = max(
            range(max(0, start - reach), start + reach + 1),
            key=lambda s: (_similarity_of(exact, text, s, end), -abs(s - start)),
        )
        end = max(
            range(max(0, end - reach), min(len(text), end + reach) + 1),
            key=lambda e: (_similarity_of(exact, text, start, e), -abs(e - end)),
        )
    return Span(start, end)


def _similarity_of(exact: str, text: str, start: int, end: int) -> float:
    return fuzz.ratio(exact, text[start:end]) if start < end else 0.0


def _nearby(offset: int, length: int) -> range:
    return range(max(0, offset - END_ADJUSTMENT), min(length, offset + END_ADJUSTMENT) + 1)


def _context_similarity(quote: Quote, text: str, span: Span) -> tuple[float, float]:
    """How similar (0-100) the text before and after `span` is to the stored prefix and suffix.

    An empty stored side means the quote was at the chapter's edge: it agrees only at the edge.
    """
    before = text[max(0, span.start - len(quote.prefix)) : span.start]
    after = text[span.end : span.end + len(quote.suffix)]
    return _similarity(quote.prefix, before), _similarity(quote.suffix, after)


def _similarity(stored: str, found: str) -> float:
    if not stored:
        return 100.0 if not found else 0.0
    return fuzz.ratio(stored, found)


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"


def _word_starts_at(text: str, offset: int) -> bool:
    return _is_word(text[offset]) and (offset == 0 or not _is_word(text[offset - 1]))


def _word_ends_at(text: str, offset: int) -> bool:
    return _is_word(text[offset - 1]) and (offset == len(text) or not _is_word(text[offset]))
