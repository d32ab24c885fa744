"""How often each character is named in a chapter, scene by scene.

A character is found by its name and its short forms ("Harry Potter" is also "Harry" and
"Potter"), matched case-sensitively as whole words: "Will" the character is not "will" the verb.
A short form two characters share ("Potter" for Harry and Lily Potter) names neither of them. A
guessed name that is a short form of exactly one listed character ("Harry") is that character,
not another one.

Every form is one alternative of a single compiled pattern, so a chapter is read once whatever
the number of characters. Pure Python: no Django.
"""

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SCENE_BREAK = "break"
# Words before a name that are not part of what the characters call each other.
TITLES = frozenset(
    "mr mr. mrs mrs. ms ms. miss dr dr. sir lady lord professor madam madame captain "
    "commander general king queen prince princess uncle aunt saint st st. the".split()
)


@dataclass(frozen=True)
class SceneMentions:
    """How often `name` occurs in one scene of a chapter (scenes count from 0, split by the
    chapter's scene breaks) and the paragraph (1-based position) that first names it."""

    scene: int
    name: str
    count: int
    first_paragraph: int


@dataclass(frozen=True)
class NameForms:
    """The characters counted, in order, and what each written form stands for."""

    characters: tuple[str, ...]
    forms: dict[str, str]
    pattern: re.Pattern | None

    def character_of(self, form: str) -> str:
        return self.forms[form]


def name_forms(named: Sequence[str], guessed: Sequence[str] = ()) -> NameForms:
    """The characters to count (the listed ones, then the guessed ones that are not one of
    them) and the pattern that finds any of their forms."""
    full: dict[str, str] = {}
    for name in [*named, *guessed]:
        name = " ".join(name.split())
        if name and name not in full:
            full[name] = name
    shorts: dict[str, set[str]] = {}
    for name in full:
        for short in _short_forms(name):
            shorts.setdefault(short, set()).add(name)
    forms = dict(full)
    for short, owners in shorts.items():
        if len(owners) != 1:
            continue
        (owner,) = owners
        if short in full and short != owner:
            # A guessed "Harry" beside a listed "Harry Potter": one character, the listed one.
            if short in named or owner not in named:
                continue
            del full[short]
        forms[short] = owner
    characters = tuple(full)
    forms = {form: character for form, character in forms.items() if character in full}
    return NameForms(characters, forms, _pattern(forms))


def _short_forms(name: str) -> list[str]:
    words = name.split()
    if len(words) < 2:
        return []
    return [
        word
        for word in words
        if word.casefold() not in TITLES and len(word) > 1 and word[0].isupper()
    ]


def _pattern(forms: Iterable[str]) -> re.Pattern | None:
    # Longest first, so that "Harry Potter" is one mention, not "Harry" and then nothing. A bare
    # alternation of literals: re then skips ahead by their first letters, five to ten times as
    # fast as with word edges in the pattern, which are checked on the few matches instead.
    ordered = sorted(forms, key=lambda form: (-len(form), form))
    if not ordered:
        return None
    return re.compile("|".join(re.escape(form) for form in ordered))


def _has_case(form: str) -> bool:
    return any(character.isupper() or character.islower() for character in form)


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"


def count_mentions(
    paragraphs: Iterable[tuple[int, str, str]], names: NameForms
) -> list[SceneMentions]:
    """Mentions in one chapter's story paragraphs, given as (position, kind, text) in reading
    order; a paragraph of kind "break" starts the next scene. Scenes in order, and in each the
    characters in the order of `names.characters`."""
    if names.pattern is None:
        return []
    # The chapter as one text, read in one pass; each paragraph's start says where a match is.
    texts, starts, positions, scenes = [], [], [], []
    offset = scene = 0
    for position, kind, text in paragraphs:
        if kind == SCENE_BREAK:
            scene += 1
            continue
        texts.append(text)
        starts.append(offset)
        positions.append(position)
        scenes.append(scene)
        offset += len(text) + 1
    chapter = "\n".join(texts)
    # Scripts written without spaces between words (Chinese, Japanese) have no word edges.
    edged = {form for form in names.forms if _has_case(form)}
    counts: dict[tuple[int, str], list[int]] = {}  # (scene, character) -> [count, first]
    for match in names.pattern.finditer(chapter):
        form = match.group()
        start, end = match.span()
        if form in edged and (
            (start and _is_word(chapter[start - 1]))
            or (end < len(chapter) and _is_word(chapter[end]))
        ):
            continue
        index = bisect_right(starts, start) - 1
        key = (scenes[index], names.forms[form])
        if (seen := counts.get(key)) is None:
            counts[key] = [1, positions[index]]
        else:
            seen[0] += 1
    order = {character: index for index, character in enumerate(names.characters)}
    return [
        SceneMentions(scene, character, count, first)
        for (scene, character), (count, first) in sorted(
            counts.items(), key=lambda item: (item[0][0], order[item[0][1]])
        )
    ]
