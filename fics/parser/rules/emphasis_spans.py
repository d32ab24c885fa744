"""Emphasis spans tidied for storage: merged per style, trimmed of spaces, in a stable order."""

from ..model import Emphasis, EmphasisStyle

# (start, end, style) over a paragraph's plain text, as readers collect them.
type Span = tuple[int, int, EmphasisStyle]


def tidy_emphasis(text: str, spans: list[Span]) -> tuple[Emphasis, ...]:
    """One span per run of a style: `<em>a</em> <em>b</em>` reads as one italic "a b"."""
    tidied: list[Emphasis] = []
    for style in EmphasisStyle:
        runs = sorted((start, end) for start, end, each in spans if each == style)
        merged: list[list[int]] = []
        for start, end in runs:
            start, end = max(start, 0), min(end, len(text))
            if merged and not text[merged[-1][1] : start].strip():
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            trimmed = _trimmed(text, start, end)
            if trimmed:
                tidied.append(Emphasis(*trimmed, style))
    return tuple(sorted(tidied, key=lambda span: (span.start, span.end, span.style)))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
