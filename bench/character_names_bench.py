"""How long guessing characters takes on the longest corpus work (HPMOR, 3.7 MB), beside the
time the parser takes on the same file: a share holds on a loaded or a faster machine, where
milliseconds would not.

Run it alone with `python bench/character_names_bench.py` (no database, no Django). Before
issue 11 the guess took 0.44 of the parse's time (115 ms alone on the development machine, a
quarter of the import's CPU); it had to become at least twice as fast: the floor is half that.
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fics.parser import detect_characters, parse_story  # noqa: E402

HPMOR = ROOT.parent / "shared" / "corpus" / "more" / "hpmor-full-en.txt"
FLOOR_SHARE_OF_PARSE = 0.22


def bench_character_names(rounds: int = 5) -> tuple[float, float]:
    """The best parse time and the best guessing time over `rounds`, in milliseconds."""
    data = HPMOR.read_bytes()
    parses, guesses = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        work = parse_story(data, HPMOR.name)
        parses.append(time.perf_counter() - started)
        texts = [paragraph.text for chapter in work.chapters for paragraph in chapter.paragraphs]
        started = time.perf_counter()
        detect_characters(texts)
        guesses.append(time.perf_counter() - started)
    return min(parses) * 1000, min(guesses) * 1000


if __name__ == "__main__":
    if not HPMOR.exists():
        sys.exit(f"the shared corpus is not at {HPMOR.parent}")
    parse_ms, guess_ms = bench_character_names()
    share = guess_ms / parse_ms
    verdict = "ok" if share <= FLOOR_SHARE_OF_PARSE else "SLOWER THAN THE FLOOR"
    print(
        f"character guessing on HPMOR: {guess_ms:.0f} ms, {share:.2f} of the parse's "
        f"{parse_ms:.0f} ms (floor {FLOOR_SHARE_OF_PARSE}): {verdict}"
    )
