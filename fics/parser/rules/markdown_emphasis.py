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

# Images go, links keep their text: `![alt](picture.png)`, `[text](url "title")`.
_IMAGE_TARGET = re.compile(r"\([^)\n]*\)")
_LINK_TARGET = re.compile(r"\([^)\s]*(?:\s+\"[^\"\n]*\")?\)")
_LABEL_END = re.compile(r"[\]\n]")
# CommonMark lets a backslash escape any ASCII punctuation ("\\@name" is "@name"); a run of
# one delimiter character is read as a whole.
_MARKUP = re.compile(rf"\\(?P<escaped>[{re.escape(string.punctuation)}])|\*+|_+")
# Every piece of markup above holds one of these (an image's "![" holds its "[").
_MARKUP_CHARACTERS = "*_\\["


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
    # Most paragraphs hold no markup at all: four searches in C spare them the tokenising.
    if not any(character in text for character in _MARKUP_CHARACTERS):
        return text, ()
    text = _bracketed_as_label(text, "![", _IMAGE_TARGET, keep_label=False, empty_label=True)
    text = _bracketed_as_label(text, "[", _LINK_TARGET, keep_label=True, empty_label=False)
    tokens = _tokens(text)
    _match_delimiters([token for token in tokens if isinstance(token, _Delimiter)])
    return _render(tokens)


def plain_inline(text: str) -> str:
    return parse_inline(text)[0]


def _bracketed_as_label(
    text: str, opener: str, target: re.Pattern[str], *, keep_label: bool, empty_label: bool
) -> str:
    """Each `<opener>label](target)` replaced by its label, or by nothing.

    What re.sub with the one pattern gave, in linear time: a label ends at the first `]`, so all
    the openers before that `]` fare alike, and re.sub scanned from each of them to it.
    """
    pieces: list[str] = []
    copied = search = 0
    while (start := text.find(opener, search)) != -1:
        label = start + len(opener)
        label_end = _LABEL_END.search(text, label)
        close = label_end.start() if label_end else len(text)
        found = None
        if close < len(text) and text[close] == "]" and (empty_label or close > label):
            found = target.match(text, close + 1)
        if found is None:
            search = max(close, start + 1)
            continue
        pieces.append(text[copied:start])
        if keep_label:
            pieces.append(text[label:close])
        copied = search = found.end()
    pieces.append(text[copied:])
    return "".join(pieces)


def _tokens(text: str) -> list[str | _Delimiter]:
    tokens: list[str | _Delimiter] = []
    # Literal text since the last delimiter run, as pieces joined when the run comes.
    literal: list[str] = []
    position = 0
    for match in _MARKUP.finditer(text):
        literal.append(text[position : match.start()])
        position = match.end()
        if match.group("escaped"):
            literal.append(match.group("escaped"))
            continue
        if any(literal):
            tokens.append("".join(literal))
        literal = []
        before = text[match.start() - 1] if match.start() > 0 else " "
        after = text[match.end()] if match.end() < len(text) else " "
        tokens.append(_delimiter(match.group()[0], len(match.group()), before, after))
    literal.append(text[position:])
    if any(literal):
        tokens.append("".join(literal))
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
    # CommonMark's "openers bottom": for each kind of closer, the openers below this height are
    # known not to match it and are not searched again. Without it a paragraph of unmatched `*a`
    # and `b_` takes quadratic time.
    bottoms: dict[tuple[str, bool, int], int] = {}
    for closer in delimiters:
        if closer.can_close:
            kind = (closer.character, closer.can_open, closer.length % 3)
            while closer.remaining:
                position = _opener_for(openers, closer, bottoms.get(kind, 0))
                if position is None:
                    bottoms[kind] = len(openers)
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
                # Openers pushed from now on sit above the new top, and must be searched.
                bottoms = {other: min(bottom, len(openers)) for other, bottom in bottoms.items()}
        if closer.can_open and closer.remaining:
            openers.append(closer)


def _opener_for(openers: list[_Delimiter], closer: _Delimiter, bottom: int) -> int | None:
    for position in range(len(openers) - 1, bottom - 1, -1):
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
    # The text as pieces joined once at the end, and its length so far.
    pieces: list[str] = []
    length = 0
    spans: list[Span] = []
    # Open spans in order: (style, start); the innermost is closed first.
    open_spans: list[tuple[EmphasisStyle, int]] = []
    for token in tokens:
        if isinstance(token, str):
            pieces.append(token)
            length += len(token)
            continue
        for style in token.closes:
            for position in range(len(open_spans) - 1, -1, -1):
                if open_spans[position][0] == style:
                    spans.append((open_spans.pop(position)[1], length, style))
                    break
        pieces.append(token.character * token.remaining)
        length += token.remaining
        open_spans.extend((style, length) for style in reversed(token.opens))
    text = "".join(pieces)
    return text, tidy_emphasis(text, spans)
