"""Markdown inline markup to plain text and emphasis spans: `*x*`/`_x_` italic, `**x**`/`__x__`
bold, `***x***` both. Follows CommonMark's delimiter rules closely enough for stories: a `*` must
touch the words it emphasises, `_` never works inside a word (`snake_case`), `\\*` is a literal
star, and a delimiter that finds no partner stays in the text as written.
"""

import re
import string
import unicodedata
from dataclasses import dataclass, field

from ..model import Emphasis, EmphasisStyle
from .emphasis_spans import Span, tidy_emphasis

_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[(?P<text>[^\]\n]+)\]\([^)\s]*(?:\s+\"[^\"\n]*\")?\)")
# CommonMark lets a backslash escape any ASCII punctuation ("\\@name" is "@name").
_ESCAPABLE = set(string.punctuation)
_DELIMITERS = "*_"


@dataclass
class _Delimiter:
    character: str
    length: int
    can_open: bool
    can_close: bool
    remaining: int = 0
    # Styles of the spans this run opens and closes.
    opens: list[EmphasisStyle] = field(default_factory=list)
    closes: list[EmphasisStyle] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.remaining = self.length


def parse_inline(text: str) -> tuple[str, tuple[Emphasis, ...]]:
    text = _LINK.sub(r"\g<text>", _IMAGE.sub("", text))
    tokens = _tokens(text)
    _match_delimiters([token for token in tokens if isinstance(token, _Delimiter)])
    return _render(tokens)


def plain_inline(text: str) -> str:
    return parse_inline(text)[0]


def _tokens(text: str) -> list[str | _Delimiter]:
    tokens: list[str | _Delimiter] = []
    literal = ""
    index = 0
    while index < len(text):
        character = text[index]
        if character == "\\" and index + 1 < len(text) and text[index + 1] in _ESCAPABLE:
            literal += text[index + 1]
            index += 2
            continue
        if character not in _DELIMITERS:
            literal += character
            index += 1
            continue
        end = index
        while end < len(text) and text[end] == character:
            end += 1
        before = text[index - 1] if index > 0 else " "
        after = text[end] if end < len(text) else " "
        if literal:
            tokens.append(literal)
            literal = ""
        tokens.append(_delimiter(character, end - index, before, after))
        index = end
    if literal:
        tokens.append(literal)
    return tokens


def _delimiter(character: str, length: int, before: str, after: str) -> _Delimiter:
    left = not after.isspace() and (
        not _is_punctuation(after) or before.isspace() or _is_punctuation(before)
    )
    right = not before.isspace() and (
        not _is_punctuation(before) or after.isspace() or _is_punctuation(after)
    )
    if character == "_":
        return _Delimiter(
            character,
            length,
            can_open=left and (not right or _is_punctuation(before)),
            can_close=right and (not left or _is_punctuation(after)),
        )
    return _Delimiter(character, length, can_open=left, can_close=right)


def _is_punctuation(character: str) -> bool:
    return unicodedata.category(character)[0] in "PS"


def _match_delimiters(delimiters: list[_Delimiter]) -> None:
    openers: list[_Delimiter] = []
    for closer in delimiters:
        if closer.can_close:
            while closer.remaining:
                position = _opener_for(openers, closer)
                if position is None:
                    break
                opener = openers[position]
                used = 2 if opener.remaining >= 2 and closer.remaining >= 2 else 1
                style = EmphasisStyle.BOLD if used == 2 else EmphasisStyle.ITALIC
                opener.remaining -= used
                closer.remaining -= used
                opener.opens.append(style)
                closer.closes.append(style)
                # Runs between a matched pair can no longer match anything outside it.
                del openers[position + 1 :]
                if not opener.remaining:
                    openers.pop()
        if closer.can_open and closer.remaining:
            openers.append(closer)


def _opener_for(openers: list[_Delimiter], closer: _Delimiter) -> int | None:
    for position in range(len(openers) - 1, -1, -1):
        opener = openers[position]
        if opener.character != closer.character:
            continue
        # CommonMark's "rule of 3": `*foo**bar*` is one italic run, not a broken bold.
        both_ways = opener.can_close or closer.can_open
        lengths = opener.length + closer.length
        if both_ways and lengths % 3 == 0 and (opener.length % 3 or closer.length % 3):
            continue
        return position
    return None


def _render(tokens: list[str | _Delimiter]) -> tuple[str, tuple[Emphasis, ...]]:
    text = ""
    spans: list[Span] = []
    # Open spans in order: (style, start); the innermost is closed first.
    open_spans: list[tuple[EmphasisStyle, int]] = []
    for token in tokens:
        if isinstance(token, str):
            text += token
            continue
        for style in token.closes:
            for position in range(len(open_spans) - 1, -1, -1):
                if open_spans[position][0] == style:
                    spans.append((open_spans.pop(position)[1], len(text), style))
                    break
        text += token.character * token.remaining
        open_spans.extend((style, len(text)) for style in reversed(token.opens))
    return text, tidy_emphasis(text, spans)
