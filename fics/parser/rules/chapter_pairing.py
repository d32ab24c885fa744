"""Which chapter of a work's new version each old chapter became, by content, then title.

An update used to pair chapters by position alone: a prologue added at the front then sent every
chapter's annotations against its predecessor's text, where nearly all became orphans. Here a new
chapter is paired with the old chapter whose sentences it shares most (their words, counted as in
the importer's `text_share`), then an unpaired one with the unpaired old chapter of the same
title, then, between two paired chapters, the chapters still alone in order when the old and new
versions have as many there: a chapter rewritten from top to bottom, in its place, is still that
chapter. Pure Python: no Django.
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"[^.!?…\n]+")
# A new chapter pairs by content with an old one holding at least this share of the shorter
# one's sentence words.
MIN_SHARE = 0.5


@dataclass(frozen=True)
class ChapterContent:
    title: str
    paragraphs: Sequence[str]


def pair_chapters(old: Sequence[ChapterContent], new: Sequence[ChapterContent]) -> list[int | None]:
    """For each new chapter, the index of the old chapter it continues, or None for a new one."""
    pairs: list[int | None] = [None] * len(new)
    taken: set[int] = set()
    _pair_unchanged(pairs, taken, old, new)
    # Only the chapters whose text changed are read sentence by sentence: most of an update.
    old_sentences = {
        index: _sentences(chapter.paragraphs)
        for index, chapter in enumerate(old)
        if index not in taken
    }
    new_sentences = {
        index: _sentences(chapter.paragraphs)
        for index, chapter in enumerate(new)
        if pairs[index] is None
    }
    holders: dict[str, list[int]] = {}
    for index, sentences in old_sentences.items():
        for sentence in sentences:
            holders.setdefault(sentence, []).append(index)
    candidates = []
    for new_index, sentences in new_sentences.items():
        shared: Counter = Counter()
        for sentence, words in sentences.items():
            for old_index in holders.get(sentence, ()):
                shared[old_index] += min(words, old_sentences[old_index][sentence])
        new_words = sum(sentences.values())
        for old_index, words in shared.items():
            smaller = min(new_words, sum(old_sentences[old_index].values())) or 1
            if (share := words / smaller) >= MIN_SHARE:
                candidates.append((-share, abs(new_index - old_index), new_index, old_index))
    for _, _, new_index, old_index in sorted(candidates):
        if pairs[new_index] is None and old_index not in taken:
            pairs[new_index] = old_index
            taken.add(old_index)
    _pair_titles(pairs, taken, old, new)
    _pair_gaps(pairs, taken, len(old))
    return pairs


def _pair_unchanged(pairs, taken, old, new) -> None:
    """Pair each new chapter with an old one of the very same text, the nearest if several."""
    holders: dict[tuple[str, ...], list[int]] = {}
    for index, chapter in enumerate(old):
        holders.setdefault(tuple(chapter.paragraphs), []).append(index)
    for index, chapter in enumerate(new):
        free = [o for o in holders.get(tuple(chapter.paragraphs), ()) if o not in taken]
        if free:
            pairs[index] = min(free, key=lambda o: abs(o - index))
            taken.add(pairs[index])


def _pair_titles(pairs, taken, old, new) -> None:
    """Pair the new chapters still alone with the free old chapters of the same title."""
    free: dict[str, int] = {}
    for index, chapter in enumerate(old):
        if index not in taken and (title := chapter.title.strip().casefold()):
            free.setdefault(title, index)
    for index, chapter in enumerate(new):
        found = free.get(chapter.title.strip().casefold())
        if pairs[index] is None and found is not None and found not in taken:
            pairs[index] = found
            taken.add(found)


def _pair_gaps(pairs, taken, old_count: int) -> None:
    """Between two paired chapters, as many new chapters still alone as free old ones: each
    is the old one in its place, rewritten. Uneven gaps stay unpaired: there is no telling
    which chapter is new."""
    anchors = [(-1, -1), *((n, o) for n, o in enumerate(pairs) if o is not None)]
    anchors.append((len(pairs), old_count))
    for (new_before, old_before), (new_after, old_after) in pairwise(anchors):
        new_gap = list(range(new_before + 1, new_after))
        old_gap = [o for o in range(old_before + 1, old_after) if o not in taken]
        if new_gap and len(new_gap) == len(old_gap):
            for new_index, old_index in zip(new_gap, old_gap, strict=True):
                pairs[new_index] = old_index
                taken.add(old_index)


def _sentences(paragraphs: Sequence[str]) -> Counter:
    """Each sentence (its words, lower case) with how many words all its occurrences hold."""
    counts: Counter = Counter()
    for paragraph in paragraphs:
        for sentence in _SENTENCE.findall(paragraph.casefold()):
            if words := _WORD.findall(sentence):
                counts[" ".join(words)] += len(words)
    return counts
