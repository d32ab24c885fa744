"""Re-anchoring figure for `make bench`: 10,000 annotations on a long chapter after an edit.

Pure Python, no Django: `bench/run.py` calls `bench_reanchoring()`, or run this file alone.
"""

import random
import string
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
sys.path.insert(0, str(ROOT))

from annotations.anchoring import CONTEXT, SEPARATOR, Quote, Span  # noqa: E402
from annotations.reanchoring import Anchor, Placement, reanchor  # noqa: E402

CHAPTER_LENGTH = 150_000
ANNOTATIONS = 10_000


def long_chapter() -> list[str]:
    """The seed chapters' paragraphs, repeated until they make one chapter of CHAPTER_LENGTH.

    Each repetition has its lowercase letters rotated by one more place, so that a passage
    occurs once, as in a real chapter: with verbatim copies, every annotation an edit touched
    would be found intact, context and all, in another copy.
    """
    seed_paragraphs = [
        paragraph.strip()
        for seed in sorted(SEEDS.glob("*.txt"))
        for paragraph in seed.read_text().split("\n\n")
        if paragraph.strip()
    ]
    paragraphs: list[str] = []
    length = 0
    while length < CHAPTER_LENGTH:
        repetition, index = divmod(len(paragraphs), len(seed_paragraphs))
        paragraph = seed_paragraphs[index].translate(rotated_letters(repetition))
        paragraphs.append(paragraph)
        length += len(paragraph) + len(SEPARATOR)
    return paragraphs


def rotated_letters(places: int) -> dict[int, int]:
    letters = string.ascii_lowercase
    shift = places % len(letters)
    return str.maketrans(letters, letters[shift:] + letters[:shift])


def random_anchors(text: str, count: int, rng: random.Random) -> list[Anchor]:
    anchors = []
    while len(anchors) < count:
        start = rng.randrange(len(text))
        end = min(len(text), start + rng.randint(5, 120))
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            quote = Quote(
                exact=text[start:end],
                prefix=text[max(0, start - CONTEXT) : start],
                suffix=text[end : end + CONTEXT],
            )
            anchors.append(Anchor(len(anchors), Span(start, end), quote))
    return anchors


def edited(paragraphs: list[str], rng: random.Random) -> list[str]:
    """The author's update: five typo fixes, a paragraph added, one removed, a scene moved."""
    paragraphs = list(paragraphs)
    for _ in range(5):
        index = rng.randrange(len(paragraphs))
        paragraph = paragraphs[index]
        at = rng.randrange(len(paragraph))
        paragraphs[index] = paragraph[:at] + rng.choice(["e", "the", "", "'"]) + paragraph[at + 1 :]
    paragraphs.insert(len(paragraphs) // 4, "The author added this paragraph in the update.")
    del paragraphs[len(paragraphs) // 2]
    scene_start = len(paragraphs) // 3
    scene = paragraphs[scene_start : scene_start + 6]
    del paragraphs[scene_start : scene_start + 6]
    destination = 4 * len(paragraphs) // 5
    paragraphs[destination:destination] = scene
    return paragraphs


def bench_reanchoring() -> None:
    rng = random.Random(20240601)
    paragraphs = long_chapter()
    old_text = SEPARATOR.join(paragraphs)
    new_text = SEPARATOR.join(edited(paragraphs, rng))
    anchors = random_anchors(old_text, ANNOTATIONS, rng)

    started = time.perf_counter()
    reanchor(old_text, new_text, [])
    diff_only = time.perf_counter() - started
    started = time.perf_counter()
    results = reanchor(old_text, new_text, anchors)
    elapsed = time.perf_counter() - started

    counts = Counter(result.placement for result in results)
    print(
        f"re-anchoring {len(anchors):,} annotations after an edit: {elapsed:.2f} s "
        + "("
        + ", ".join(f"{placement.value} {counts[placement]:,}" for placement in Placement)
        + ")"
    )
    print(
        f"  chapter of {len(old_text):,} characters; the diff alone: {diff_only * 1000:.0f} ms "
        "(five typo fixes, one paragraph added, one removed, a six-paragraph scene moved)"
    )


if __name__ == "__main__":
    bench_reanchoring()
