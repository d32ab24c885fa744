"""Suggested places for an orphaned annotation, against a small text read by hand."""

from itertools import pairwise

from annotations.anchoring import Quote, Span
from annotations.orphan_suggestions import suggest_places

TEXT = (
    "Clarke walked down to the river at first light. The water ran cold and gray.\n\n"
    "Lexa was waiting by the stones, her sword across her knees.\n\n"
    "Later, Clarke walked back to the camp at first light, alone."
)


def test_the_edited_passage_comes_first_with_its_score():
    quote = Quote("Clarke walked to the river at dawn.", "", " The water was cold and grey.")

    best, *others = suggest_places(quote, TEXT)

    assert (
        TEXT[best.span.start : best.span.end] == "Clarke walked down to the river at first light."
    )
    assert best.score > 70
    assert all(other.score <= best.score for other in others)
    assert len(others) <= 2


def test_suggestions_never_overlap_and_are_at_most_three():
    quote = Quote("Clarke walked", "", "")
    found = suggest_places(quote, TEXT * 3)

    assert len(found) == 3
    spans = sorted((s.span for s in found), key=lambda span: span.start)
    assert all(a.end <= b.start for a, b in pairwise(spans))


def test_context_breaks_a_tie_between_equal_words():
    quote = Quote("Clarke walked", "alone. ", " back to the camp")

    best = suggest_places(quote, TEXT)[0]

    assert best.span == Span(TEXT.index("Clarke walked back"), TEXT.index(" back to the camp"))


def test_nothing_alike_suggests_nothing():
    assert suggest_places(Quote("Zyxwvut qponm", "", ""), TEXT) == []
    assert suggest_places(Quote("   ", "", ""), TEXT) == []
    assert suggest_places(Quote("Lexa", "", ""), "") == []
