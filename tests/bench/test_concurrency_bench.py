"""The concurrency bench matches each acknowledged POST with its row by (reader, start, end):
its selections must be ones the app stores at exactly those offsets."""

import random

from annotations.anchoring import ChapterText, Segment
from bench.concurrency_bench import _selection

TEXT = ChapterText(
    [
        Segment("p1", "“Clarke,” she said — and the 🌲 trees went quiet."),
        Segment("p2", ""),
        Segment("p3", "Lexa waited.   Nobody  answered her, not even the wind."),
    ]
)


def test_selections_anchor_where_the_bench_says():
    rng = random.Random(7)
    for _ in range(300):
        start, end = _selection(rng, TEXT)
        exact = TEXT.text[start:end]
        span, quote = TEXT.anchor_selection(TEXT.to_utf16(start), TEXT.to_utf16(end), exact)
        assert (span.start, span.end) == (start, end)
        assert quote.exact == exact
        assert "\n" not in exact
