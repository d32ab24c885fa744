"""Guessing a work's characters from its text, to offer them first in the tag picker.

A name is a capitalised word that recurs in the middle of sentences (where common words are
lower-case) and is rarely seen in lower case at all. Pure Python: no Django.
"""

import re
from collections import Counter
from collections.abc import Iterable
from operator import itemgetter

# A word, with what stands just before it: sentence-ending punctuation there means the capital
# letter says nothing about the word.
WORD = re.compile(r"([.!?…:;\"“”«»]?)[\s*_(]*\b([^\W\d_][\w'’-]*)")
POSSESSIVE = re.compile(r"['’]s?$")
# Capitalised mid-sentence for reasons other than being a name.
NOT_NAMES = frozenset(
    "i i'm i'd i'll i've im ok okay mr mrs ms miss dr sir god oh yes no hey".split()
    + "monday tuesday wednesday thursday friday saturday sunday".split()
    + "january february march april may june july august september october".split()
    + "november december".split()
)


# A novel's main characters all appear well within its first million characters; reading on
# only makes a long import slower.
SAMPLE_CHARACTERS = 1_000_000


def detect_characters(
    paragraphs: Iterable[str], *, limit: int = 12, min_count: int = 3
) -> list[str]:
    """Likely character names, most frequent first."""
    mid_sentence_capitalised: Counter[str] = Counter()
    # Every word, counted in C by Counter.update: counting only the lower-case ones would take a
    # Python test per word. A lower-case count is read from it below.
    all_words: Counter[str] = Counter()
    read = 0
    for paragraph in paragraphs:
        read += len(paragraph)
        if read > SAMPLE_CHARACTERS:
            break
        found = WORD.findall(paragraph)
        all_words.update(map(itemgetter(1), found))
        mid_sentence_capitalised.update(
            POSSESSIVE.sub("", word)
            for ending, word in found[1:]
            if not ending and not word[0].islower() and len(word) > 1 and not word.isupper()
        )
    names = [
        (count, word)
        for word, count in mid_sentence_capitalised.items()
        if count >= min_count
        and word.lower().replace("’", "'") not in NOT_NAMES
        and _lower_case_count(all_words, word.lower()) * 10 < count
    ]
    return [word for count, word in sorted(names, key=lambda item: (-item[0], item[1]))][:limit]


def _lower_case_count(all_words: Counter[str], lowered: str) -> int:
    # A word whose first letter has no case ("孔明") is never seen in lower case.
    return all_words[lowered] if lowered[:1].islower() else 0
