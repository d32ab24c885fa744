"""Where an orphaned annotation might belong in its chapter's new text: the best few fuzzy
matches of its old quote, weighed with its old surroundings. Pure Python, no Django.

Re-anchoring (annotations.reanchoring) places an annotation only when it is sure; these are
the near misses it would not risk, offered to the reader with their scores, best first.
"""

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from annotations.anchoring import Quote, Span

# How much the quote's own words count against its surroundings' in a suggestion's score.
QUOTE_WEIGHT = 0.6
# Suggestions scoring below this (0-100) are not worth a reader's look.
MIN_SCORE = 45
# Nor those whose words are this unlike the quote's, whatever their surroundings.
MIN_QUOTE_SCORE = 55
# Candidate windows looked at closely, per suggestion asked for.
CANDIDATES_PER_SUGGESTION = 6
_WORD_START = re.compile(r"\b\w")
_CLOSING = frozenset(".,;:!?…\"'”’)")


@dataclass(frozen=True)
class Suggestion:
    span: Span
    score: int  # 0-100
    quote_score: int
    context_score: int


def suggest_places(quote: Quote, text: str, limit: int = 3) -> list[Suggestion]:
    """Up to `limit` places in `text` for the quote, best first, none overlapping another."""
    exact = quote.exact
    if not exact.strip() or not text:
        return []
    length = len(exact)
    starts = [match.start() for match in _WORD_START.finditer(text)] or [0]
    # One window per word start (every few words for a long quote): scored in C by rapidfuzz.
    step = max(1, len(exact.split()) // 4)
    windows = {start: text[start : start + length] for start in starts[::step]}
    found = process.extract(
        exact,
        windows,
        scorer=fuzz.ratio,
        limit=limit * CANDIDATES_PER_SUGGESTION,
        score_cutoff=MIN_SCORE / 2,
    )
    candidates = {_refined(quote, text, start) for _, _, start in found}
    scored = sorted(
        (_scored(quote, text, span) for span in candidates if span.end > span.start),
        key=lambda s: (-s.score, s.span.start),
    )
    chosen: list[Suggestion] = []
    for suggestion in scored:
        if suggestion.score < MIN_SCORE or len(chosen) == limit:
            break
        if suggestion.quote_score < MIN_QUOTE_SCORE:
            continue
        if not any(_overlap(suggestion.span, other.span) for other in chosen):
            chosen.append(suggestion)
    return chosen


def _refined(quote: Quote, text: str, start: int) -> Span:
    """The best alignment of the quote around a window, its ends moved to word edges."""
    exact = quote.exact
    length = len(exact)
    region_start = max(0, start - length // 2)
    region = text[region_start : start + length + length // 2]
    alignment = fuzz.partial_ratio_alignment(exact, region)
    if alignment is None:
        return Span(start, min(len(text), start + length))
    begin = region_start + alignment.dest_start
    end = region_start + alignment.dest_end
    # The alignment is as long as the quote; the edited passage may be longer or shorter. Its
    # ends are moved to the word edges nearby that make it most like the quote: end, then start.
    reach = max(3, length // 2)
    end = _most_alike(quote, text, begin, _ends(text, end - reach, end + reach), moving_end=True)
    begin = _most_alike(quote, text, end, _starts(text, begin - reach, begin + reach), False)
    return Span(begin, end)


def _most_alike(quote: Quote, text: str, fixed: int, options: list[int], moving_end: bool) -> int:
    def similarity(option: int) -> float:
        start, end = (fixed, option) if moving_end else (option, fixed)
        return _score(quote, text, Span(start, end)) if start < end else -1.0

    return max(options, key=lambda option: (similarity(option), -abs(option - fixed)))


def _starts(text: str, low: int, high: int) -> list[int]:
    low, high = max(0, low), min(len(text), high)
    found = [i for i in range(low, high + 1) if i < len(text) and _is_word(text[i])]
    starts = [i for i in found if i == 0 or not _is_word(text[i - 1])]
    return starts or [max(0, low)]


def _ends(text: str, low: int, high: int) -> list[int]:
    low, high = max(1, low), min(len(text), high)
    ends = []
    for i in range(low, high + 1):
        if _is_word(text[i - 1]) and (i == len(text) or not _is_word(text[i])):
            ends.append(i)
            # Closing punctuation belongs with the words it closes.
            if i < len(text) and text[i] in _CLOSING:
                ends.append(i + 1)
    return ends or [high]


def _scored(quote: Quote, text: str, span: Span) -> Suggestion:
    quote_score, context = _parts(quote, text, span)
    return Suggestion(
        span, round(_weighed(quote_score, context)), round(quote_score), round(context)
    )


def _score(quote: Quote, text: str, span: Span) -> float:
    return _weighed(*_parts(quote, text, span))


def _weighed(quote_score: float, context: float) -> float:
    return QUOTE_WEIGHT * quote_score + (1 - QUOTE_WEIGHT) * context


def _parts(quote: Quote, text: str, span: Span) -> tuple[float, float]:
    """How like the quote the span's words are, and its surroundings like the stored ones.

    Empty stored context means the quote was at the chapter's edge: it agrees at the edge only,
    and elsewhere says nothing either way.
    """
    quote_score = fuzz.ratio(quote.exact, text[span.start : span.end])
    if quote.prefix:
        before = fuzz.ratio(quote.prefix, text[max(0, span.start - len(quote.prefix)) : span.start])
    else:
        before = 100.0 if span.start == 0 else 50.0
    if quote.suffix:
        after = fuzz.ratio(quote.suffix, text[span.end : span.end + len(quote.suffix)])
    else:
        after = 100.0 if span.end == len(text) else 50.0
    return quote_score, (before + after) / 2


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"
