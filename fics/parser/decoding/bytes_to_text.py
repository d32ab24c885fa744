"""Bytes to clean text: find the encoding, repair mojibake, normalise line ends and spaces."""

import codecs
import re
from dataclasses import dataclass

import charset_normalizer
import ftfy

from ..model import ParseError

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_LATIN_EXTRA_LETTERS = re.compile(r"[À-ÖØ-öø-ÿŒœŠšŸŽž]")
_ASCII_LETTERS = re.compile(r"[A-Za-z]")
# Controls that never occur in a text file; a few of them mean we were given something else.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
# UTF-8 read as Windows-1252 or Latin-1 leaves a lead byte (Â, Ã, â …) before a continuation
# character. Only lines with such a pair go through ftfy, which is too slow for a whole novel.
_MOJIBAKE_LEADS = "".join(map(chr, range(0xC2, 0xF5)))
_MOJIBAKE_CONTINUATIONS = (
    "".join(map(chr, range(0x80, 0xC0)))
    + "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    + "".join(map(chr, range(0x2018, 0x201F)))
    + "\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_MOJIBAKE_HINT = re.compile(f"[{re.escape(_MOJIBAKE_LEADS)}][{re.escape(_MOJIBAKE_CONTINUATIONS)}]")
_LINE_BREAKS = "\r\u0085\u2028\u2029\u000b\u000c"
_ODD_SPACES = "\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
# Control characters too: PostgreSQL refuses NUL in text, and none of them is ever story text.
_CONTROLS = "".join(map(chr, [*range(0x09), *range(0x0E, 0x20), 0x7F]))
_INVISIBLE = _CONTROLS + "\u00ad\u200b\u2060\ufeff"
# Each character to what it becomes ("\r\n" is made "\n" first). One pass over the text finds
# them all: most files have none, and a novel is megabytes long.
_REPLACEMENTS = {
    **dict.fromkeys(_INVISIBLE, ""),
    **dict.fromkeys(_ODD_SPACES, " "),
    **dict.fromkeys(_LINE_BREAKS, "\n"),
}
_TO_REPLACE = re.compile(f"[{re.escape(''.join(_REPLACEMENTS))}]")


def _in_utf8(characters: str) -> bytes:
    """A pattern over UTF-8 that finds any of these characters (none of them ASCII): for each
    run of first bytes, the last bytes that may follow it."""
    last_bytes: dict[bytes, bytes] = {}
    for character in characters:
        encoded = character.encode()
        last_bytes[encoded[:-1]] = last_bytes.get(encoded[:-1], b"") + encoded[-1:]
    return b"|".join(
        re.escape(start) + b"[" + re.escape(ends) + b"]" for start, ends in last_bytes.items()
    )


# The hint in the text's UTF-8. Over bytes, the search tries a match only where there is a \xc3
# (the first byte of Â to ô), which re finds by memchr: 2 ms for HPMOR, where the search over
# its text takes 19 ms.
_MOJIBAKE_HINT_UTF8 = re.compile(
    b"(?:%s)(?:%s)" % (_in_utf8(_MOJIBAKE_LEADS), _in_utf8(_MOJIBAKE_CONTINUATIONS))
)


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def decode_story_bytes(data: bytes) -> DecodedText:
    if not data.strip():
        raise ParseError("The file is empty.")
    text, encoding = _decode(data)
    if len(_BINARY_CONTROLS.findall(text[:100_000])) > 2:
        raise ParseError("This looks like a binary file, not a text file.")
    # Text read as UTF-8 is its bytes: they are searched, rather than made again.
    utf8 = (
        data.removeprefix(codecs.BOM_UTF8)
        if encoding == "utf-8"
        else text.encode("utf-8", "surrogatepass")
    )
    text = normalise_text(_repair_mojibake(text, utf8))
    if not text.strip():
        raise ParseError("The file is empty.")
    return DecodedText(text, encoding)


def normalise_text(text: str) -> str:
    text = text.replace("\r\n", "\n")
    return _TO_REPLACE.sub(lambda match: _REPLACEMENTS[match.group()], text)


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.removesuffix("-sig")
            except UnicodeDecodeError:
                raise ParseError(f"The file starts like {encoding} text but is not.") from None
    if b"\x00" in data:
        raise ParseError("This looks like a binary file, not a text file.")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    cp1252 = _as_latin_cp1252(data)
    if cp1252 is not None:
        return cp1252, "cp1252"
    match = charset_normalizer.from_bytes(data).best()
    if match is None:
        raise ParseError("We could not work out how this file's text is encoded.")
    return str(match), match.encoding


def _as_latin_cp1252(data: bytes) -> str | None:
    """Windows-1252 when the text reads as a Latin-script language.

    charset_normalizer often picks a neighbouring code page (cp1250, cp1257) for short French or
    German texts, turning "à" into "ŕ"; Windows-1252 is by far the commonest legacy encoding of
    Latin-script stories. Cyrillic or Chinese bytes read as cp1252 give mostly accented letters,
    which the ratio below rejects.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    ascii_letters = len(_ASCII_LETTERS.findall(text))
    extra_letters = len(_LATIN_EXTRA_LETTERS.findall(text))
    if ascii_letters == 0 or extra_letters > 0.4 * (ascii_letters + extra_letters):
        return None
    return text


def _repair_mojibake(text: str, utf8: bytes) -> str:
    """`utf8` is the text in UTF-8."""
    if not _MOJIBAKE_HINT_UTF8.search(utf8):
        return text
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if _MOJIBAKE_HINT.search(line):
            # Keep curly quotes, full-width CJK punctuation and literal "&amp;": only mojibake goes.
            lines[number] = ftfy.fix_text(
                line,
                uncurl_quotes=False,
                fix_character_width=False,
                unescape_html=False,
                fix_line_breaks=False,
                normalization=None,
            )
    return "\n".join(lines)
