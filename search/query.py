"""What a reader types into the search box, as terms both databases understand; and the text
the index holds, spaced so that Chinese and Japanese can be searched. No Django here.

A term is a run of words: a bare word matches by its stem, the last one, being typed, as a
prefix too (the box searches as you type); words in double quotes match as a phrase. Only
letters and digits reach the database, so no operator of either query language can be typed in.
"""

import html
import re
from dataclasses import dataclass
from functools import cache

# Han, kana and CJK compatibility ideographs: scripts written without spaces. Each such
# character is indexed as a word of its own (one space either side), and a run of them in a
# query is a phrase of those characters: any substring of a Chinese or Japanese text is found.
# Hangul is left alone: Korean puts spaces between its words.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHARACTER = re.compile(f"([{_CJK}])")
# Where a snippet starts and stops a match: private-use characters, which `prepare` removes from
# indexed text, so that nothing a reader wrote can open or close a <mark>.
MARK_START, MARK_STOP = "\ue000", "\ue001"
_MARKERS = re.compile(f"[{MARK_START}{MARK_STOP}]")
# Either of the above: most paragraphs hold neither, and are indexed as they are.
_TO_PREPARE = re.compile(f"[{_CJK}{MARK_START}{MARK_STOP}]")
# Spaces between CJK characters and their punctuation, markers aside: only `prepare` puts them
# there (Chinese and Japanese put none), and a snippet shows the text as written.
_JOINED = f"{_CJK}\u3001-\u303f\uff00-\uffef"
_SPACED_CJK = re.compile(f"(?<=[{_JOINED}])({MARK_STOP}?)\\s+({MARK_START}?)(?=[{_JOINED}])")
_WORD = re.compile(r"[^\W_]+")
_QUOTED = re.compile(r'"([^"]*)"?')

# The work's language (as the importer stores it, a code or a name) → the PostgreSQL text search
# configuration that stems it. These ship with every PostgreSQL; others search unstemmed.
STEMMING_CONFIGS = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
    "ru": "russian",
    "sv": "swedish",
    "da": "danish",
    "no": "norwegian",
    "nb": "norwegian",
    "fi": "finnish",
    "hu": "hungarian",
    "ro": "romanian",
    "tr": "turkish",
}
LANGUAGE_NAMES = {config: config for config in STEMMING_CONFIGS.values()}


def stemming_config(language: str) -> str:
    """The configuration for a language such as "en", "en-GB" or "English"; "simple" if none."""
    name = language.casefold()
    return STEMMING_CONFIGS.get(name.split("-")[0]) or LANGUAGE_NAMES.get(name, "simple")


def prepare(text: str) -> str:
    """Text as the index holds it: each CJK character a word of its own, no snippet markers.

    Called by the database for every paragraph an import indexes (search.index): one scan tells
    the many paragraphs with nothing to change, which then cost no copy of their text.
    """
    # Neither a CJK character nor a marker is ASCII, as most paragraphs are: isascii() is the
    # cheaper of the two scans.
    if text.isascii() or not _TO_PREPARE.search(text):
        return text
    return _MARKERS.sub("", text).translate(_spaced_cjk())


@cache
def _spaced_cjk() -> dict[int, str]:
    """str.translate's table for CJK_CHARACTER.sub(r" \1 "), in half its time over a Chinese
    novel; built once a process first meets such text (its 28,000 entries take 4 MB)."""
    ranges = [(ord(low), ord(high)) for low, high in re.findall(r"(.)-(.)", _CJK)]
    return {code: f" {chr(code)} " for low, high in ranges for code in range(low, high + 1)}


def unprepare(text: str) -> str:
    """Indexed text as it was written: the spaces `prepare` put around CJK characters removed."""
    return _SPACED_CJK.sub(r"\1\2", text)


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    # Bare, not in quotes: the last such term is the one being typed (see `forms`).
    prefix: bool


# The shortest a bare word is cut to (see `forms`).
MIN_CUT = 4
# The fewest letters a word being typed has to match as a prefix (see `forms`).
MIN_PREFIX = 3


def forms(term: Term, *, typing: bool) -> list[tuple[tuple[str, ...], bool]]:
    """The ways a term may match, as (words, last word a prefix). A bare word the reader has
    finished matches by its stem (prefixes of every word made PostgreSQL merge whole posting
    lists: 60 ms for two words over 600,000 documents). The word being typed (`typing`: the
    query's last bare word) is a prefix, and may end in half a suffix that its stem lacks
    ("walki" is no prefix of "walk", the stem of "walking"): it also matches with its last one
    or two letters dropped, while four remain.

    Typed so far as one or two letters, it is still a whole word: such a prefix begins most of a
    language's words, and so matches nearly every paragraph, and it cost SQLite a prefix index
    of its own, a fifth of what an import spends on the full-text index (search/migrations/0004).
    """
    if not (term.prefix and typing) or len(term.words[-1]) < MIN_PREFIX:
        return [(term.words, False)]
    *head, last = term.words
    cuts = [last[:-drop] for drop in (1, 2) if len(last) - drop >= MIN_CUT]
    return [(term.words, True)] + [((*head, cut), True) for cut in cuts]


def typing_index(terms: list[Term]) -> int | None:
    """Which term the reader is typing: the last, when it is bare."""
    return len(terms) - 1 if terms and terms[-1].prefix else None


def parse(text: str) -> list[Term]:
    """The terms of a query; every one must match. Unbalanced quotes run to the end."""
    terms = []
    position = 0
    for quoted in _QUOTED.finditer(text):
        terms += _bare_terms(text[position : quoted.start()])
        if words := tuple(_WORD.findall(prepare(quoted.group(1)))):
            terms.append(Term(words, prefix=False))
        position = quoted.end()
    terms += _bare_terms(text[position:])
    return list(dict.fromkeys(terms))


def _bare_terms(text: str) -> list[Term]:
    # "don't" or 東京 is one term of several words, which must stand together.
    return [
        Term(words, prefix=True)
        for chunk in text.split()
        if (words := tuple(_WORD.findall(prepare(chunk))))
    ]


def snippet_html(marked: str) -> str:
    """A snippet the database marked, as HTML: everything escaped, only our <mark>s kept."""
    escaped = html.escape(" ".join(unprepare(marked).split()))
    return escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
