"""Guessing a work's characters from its text, to offer them first in the tag picker.

A name is a capitalised word that recurs in the middle of sentences (where common words are
lower-case) and is rarely seen in lower case at all. Pure Python: no Django.
"""

import re
from collections import Counter
from collections.abc import Iterable

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
    lower_case: Counter[str] = Counter()
    read = 0
    for paragraph in paragraphs:
        read += len(paragraph)
        if read > SAMPLE_CHARACTERS:
            break
        for position, match in enumerate(WORD.finditer(paragraph)):
            ending, word = match.groups()
            if word[0].islower():
                lower_case[word] += 1
            elif position and not ending and len(word) > 1 and not word.isupper():
                mid_sentence_capitalised[POSSESSIVE.sub("", word)] += 1
    names = [
        (count, word)
        for word, count in mid_sentence_capitalised.items()
        if count >= min_count
        and word.lower().replace("’", "'") not in NOT_NAMES
        and lower_case[word.lower()] * 10 < count
    ]
    return [word for count, word in sorted(names, key=lambda item: (-item[0], item[1]))][:limit]
