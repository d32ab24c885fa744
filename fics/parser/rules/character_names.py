"""Guessing a work's characters from its text, to offer them first in the tag picker.

A name is a capitalised word that recurs in the middle of sentences (where common words are
lower-case) and is rarely seen in lower case at all. Among such words, a person is told from a
place, a house, a title or a kind of thing by how the text refers to it, as BookNLP's character
clustering does: people speak ("said Clarke", "Clarke said"), own things ("Clarke's") and act
("Clarke turned"); places and things come after "in", "at" or "the" and take a plural
("Grounders"); titles and the first words of place names stand before another name ("Professor
McGonagall", "Mount Weather"). A full name and its parts ("Harry Potter", "Harry", "Potter")
are one character. Pure Python: no Django.

Why not an NLP library: spaCy's English models are published on GitHub, not PyPI (the PyPI
copies are re-uploads by others), and BookNLP fetches its models at run time; both would also
take seconds per novel where this takes tens of milliseconds. Measured on the shared corpus,
the top-10 precision judged by hand (tests/parser/fixtures/character_judgements.json) is 96 %.
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

# Upper- and title-case letters of the cased scripts (Latin, Greek, Cyrillic). A regular
# expression that starts from a character class is scanned fast; `\b` or a look-behind first
# would make it several times slower on a long work.
_CASED = "".join(c for c in map(chr, range(0x2000)) if c.isupper() or c.istitle())
# A capitalised word where a sentence or paragraph starts: its capital says nothing.
SENTENCE_INITIAL = re.compile(r"[.!?…:;\"“”«»\n][\s*_(]*([" + re.escape(_CASED) + r"][\w'’-]*)")
# Punctuation that separates words, for counting every word (in C) by splitting on spaces.
# One `str.replace` each: `str.translate` takes a slow path on text that is not ASCII.
SEPARATORS = '.,!?;:"“”‘«»()[]{}*_…—–/\\'
POSSESSIVE = re.compile(r"['’]s?$")
# A capitalised word and the word after it, if only a space stands between them.
# (A look-ahead: the next word is read again as a mention of its own.)
MENTION = re.compile("([" + re.escape(_CASED) + r"][\w'’-]*)(?:(?= ([^\W\d_][\w-]*)))?")

# Capitalised mid-sentence for reasons other than being a name.
NOT_NAMES = frozenset(
    "i i'm i'd i'll i've im ok okay god oh yes no hey mr mrs ms mx dr st".split()
    + "monday tuesday wednesday thursday friday saturday sunday".split()
    + "january february march april may june july august september october".split()
    + "november december".split()
)
# English titles and honorifics: one is a character's name only when the text never puts a
# name after it and lets it speak ("said the Queen").
TITLES = frozenset(
    "mr mrs ms miss mx dr sir dame madam madame lady lord professor doctor master mister"
    " captain commander general colonel major lieutenant sergeant admiral chancellor"
    " president king queen prince princess duke duchess earl count countess baron emperor"
    " empress kaiser headmaster headmistress father mother aunt uncle saint ladyship"
    " lordship".split()
)
SPEECH_VERBS = frozenset(
    "said says asked asks replied replies answered whispered whispers shouted shouts yelled"
    " muttered mutters murmured murmurs called cried snapped sighed laughed exclaimed"
    " demanded continued added breathed growled hissed screamed responded retorted"
    " stammered insisted interrupted began repeated admitted agreed explained".split()
)
# Words that follow the subject of a sentence: a person is the subject of many.
SUBJECT_VERBS = frozenset(
    "was is had has would could will can did does didn't couldn't wasn't wouldn't hadn't"
    " doesn't isn't felt looked turned nodded smiled shook stared glanced walked took"
    " knew thought saw tried stood sat let made gave kept moved stepped reached pulled"
    " frowned grinned paused raised leaned watched opened closed stopped".split()
)
# Before a place or a kind of thing, rarely before a person's name.
DETERMINERS = frozenset(
    "a an the this that these those every each another any some no his her their your my"
    " our".split()
)
PLACE_PREPOSITIONS = frozenset("in into inside within throughout across near outside on".split())
# People are looked "at" and spoken "to" too: these weigh half as much.
MOTION_PREPOSITIONS = frozenset("at to from towards toward onto".split())

# Spread over the whole work, this many characters count the names as well as all of it would:
# a long work is sampled, one paragraph in so many, rather than read whole.
SAMPLE_CHARACTERS = 400_000
# How many of the most frequent capitalised words are weighed one by one.
CANDIDATES = 60


@dataclass
class _Candidate:
    """A capitalised word and the evidence of its contexts: counts of each kind of mention."""

    word: str
    # Mid-sentence, where a capital means a name.
    mentions: int
    speech: int = 0
    possessive: int = 0
    subject: int = 0
    before_name: int = 0
    after_name: int = 0
    # Twice the times it follows a determiner or "in", plus the times it follows "at" or "to".
    thing: int = 0
    following: Counter[str] = field(default_factory=Counter)

    @property
    def person(self) -> int:
        return self.speech + self.possessive + self.subject


def detect_characters(
    paragraphs: Sequence[str], *, known: Sequence[str] = (), limit: int = 12, min_count: int = 3
) -> list[str]:
    """Likely character names, the most referred to as a person first; none that is one of the
    `known` characters (those the file names) or a part or a short form of one ("Reuenthal" of
    "Oskar von Reuenthal", "Sieg" of "Siegfried Kircheis")."""
    text = _sample(paragraphs)
    spaced = text
    for separator in SEPARATORS:
        spaced = spaced.replace(separator, " ")
    words = Counter(spaced.split())
    capitalised: Counter[str] = Counter()
    lower_case: Counter[str] = Counter()
    for word, count in words.items():
        base = POSSESSIVE.sub("", word) if word[-1] in "s'’" else word
        if base[:1].islower():
            lower_case[base] += count
        elif len(base) > 1 and not base.isupper() and base[:1].isupper():
            capitalised[base] += count
    for word in SENTENCE_INITIAL.findall(text):
        capitalised[POSSESSIVE.sub("", word)] -= 1
    frequent = [
        word
        for word, count in capitalised.most_common()
        if count >= min_count
        and word.lower().replace("’", "'") not in NOT_NAMES
        and lower_case[word.lower()] * 10 < count
    ][:CANDIDATES]
    candidates = {word: _Candidate(word, capitalised[word]) for word in frequent}
    if not candidates:
        return []
    _weigh_contexts(text, candidates)
    # "Grounder" and "Grounders": a kind of people, not a person.
    plurals = {
        word
        for word in candidates
        if word + "s" in words or (word.endswith("s") and word[:-1] in words)
    }
    named = _full_names(candidates, min_count)
    kept = [
        (candidate.mentions + 2 * candidate.person, name)
        for name, candidate in named.items()
        if _is_person(candidate, plural=candidate.word in plurals)
    ]
    ranked = [name for score, name in sorted(kept, key=lambda item: (-item[0], item[1]))]
    return [name for name in ranked if not _is_known(name, known)][:limit]


def _name_words(name: str) -> list[str]:
    return name.casefold().replace("-", "").replace(".", " ").split()


def _is_known(name: str, known: Sequence[str]) -> bool:
    """Every word of the name is a word of a known character's name, or its start."""
    known_words = {word for character in known for word in _name_words(character)}
    return all(
        any(word == known or (len(word) >= 3 and known.startswith(word)) for known in known_words)
        for word in _name_words(name)
    )


def _sample(paragraphs: Sequence[str]) -> str:
    total = sum(map(len, paragraphs))
    step = -(-total // SAMPLE_CHARACTERS) or 1
    # Paragraphs are joined by a line break, which the sentence-initial pattern reads as the
    # start of a sentence.
    return "\n" + "\n".join(paragraphs[::step])


def _weigh_contexts(text: str, candidates: dict[str, _Candidate]) -> None:
    """Count, for each candidate, the words around it that tell a person from a thing."""
    for match in MENTION.finditer(text):
        word, after = match.groups()
        candidate = candidates.get(word)
        possessive = False
        if candidate is None:
            if word[-1] not in "s'’":
                continue
            base = POSSESSIVE.sub("", word)
            candidate = candidates.get(base)
            if candidate is None:
                continue
            possessive = True
        start = match.start()
        if text[start - 1].isalnum():
            continue
        if possessive:
            candidate.possessive += 1
        elif after in SPEECH_VERBS:
            candidate.speech += 1
        elif after is not None and (after in SUBJECT_VERBS or after.endswith("ed")):
            candidate.subject += 1
        elif after is not None and after[:1].isupper():
            candidate.before_name += 1
            candidate.following[after] += 1
        before = text[max(0, start - 24) : start].split()
        previous = before[-1] if before else ""
        if previous in SPEECH_VERBS or (
            previous == "the" and len(before) > 1 and before[-2] in SPEECH_VERBS
        ):
            # "said Clarke", "said the Queen".
            candidate.speech += 1
        elif previous in DETERMINERS or previous in PLACE_PREPOSITIONS:
            candidate.thing += 2
        elif previous in MOTION_PREPOSITIONS:
            candidate.thing += 1
        elif previous.rstrip(".").lower() in TITLES:
            # "Professor McGonagall": a title before a word makes it a person's name.
            candidate.subject += 1
        elif previous[:1].isupper() and previous.isalpha():
            candidate.after_name += 1


def _full_names(candidates: dict[str, _Candidate], min_count: int) -> dict[str, _Candidate]:
    """The candidates by the name to show, a first name and the surname after it as one."""
    surnames: dict[str, str] = {}
    for word, candidate in candidates.items():
        if not candidate.following or not _may_be_first_name(candidate):
            continue
        surname, together = candidate.following.most_common(1)[0]
        if surname in candidates and surname.lower() not in TITLES and together >= min_count:
            current = surnames.get(surname)
            if current is None or candidates[current].following[surname] < together:
                surnames[surname] = word
    first_names = {first: surname for surname, first in surnames.items()}
    named: dict[str, _Candidate] = {}
    for word, candidate in candidates.items():
        if word in surnames:
            continue
        surname = first_names.get(word)
        if surname is None:
            named[word] = candidate
            continue
        family = candidates[surname]
        together = candidate.following[surname]
        named[f"{word} {surname}"] = _Candidate(
            word,
            candidate.mentions + family.mentions - together,
            speech=candidate.speech + family.speech,
            possessive=candidate.possessive + family.possessive,
            subject=candidate.subject + family.subject,
            before_name=candidate.before_name - together,
            after_name=family.after_name - together,
            thing=candidate.thing + family.thing,
        )
    return named


def _may_be_first_name(candidate: _Candidate) -> bool:
    """Not a title, nor the first word of a place or a thing's name ("at Mount Weather")."""
    return candidate.word.lower() not in TITLES and not _thing_like(candidate, plural=False)


def _is_person(candidate: _Candidate, *, plural: bool) -> bool:
    mentions = max(candidate.mentions, 1)
    if candidate.word.lower() in TITLES and (candidate.before_name or not candidate.speech):
        return False
    # A word mostly followed by another name is a title or the first word of a place.
    if candidate.before_name * 2 > mentions:
        return False
    # And a word mostly after another is the end of one ("Mount Weather", "Mock Turtle").
    if candidate.after_name * 2 > mentions:
        return False
    return not _thing_like(candidate, plural=plural)


def _thing_like(candidate: _Candidate, *, plural: bool) -> bool:
    """A plural, or a word mostly after "in" or "the", is a kind of thing or a place, unless
    the text lets it speak as people do."""
    mentions = max(candidate.mentions, 1)
    return (plural or candidate.thing * 3 > mentions * 2) and candidate.speech * 5 <= mentions
