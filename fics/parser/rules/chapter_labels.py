"""Heading lines on their own: "Chapter 12", "CHAPTER XII.", "Ch. 3 - Title", "Prologue", "第一回".

Sentences that merely start with "Chapter" ("Chapter 105 will post next week, I promise.") are
not headings: after the number comes nothing, or a separator (":", ".", "-" …) and a title that
does not end like a sentence.
"""

import re

from .markdown_lines import strip_decoration

_ENGLISH_NUMBERS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundred"
)
_FRENCH_NUMBERS = (
    "un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|"
    "seize|vingt|trente|quarante|cinquante|soixante|cent"
)
_ONE_NUMBER_WORD = rf"(?:{_ENGLISH_NUMBERS}|{_FRENCH_NUMBERS})"
_NUMBER_WORD = rf"{_ONE_NUMBER_WORD}(?:[- ]{_ONE_NUMBER_WORD})*"
# Only after a label ("Capítulo primero", "Глава пятая"): alone, these are ordinary words.
_LABELLED_NUMBER_WORDS = (
    "premier|première|deuxième|second|seconde|troisième|quatrième|cinquième|"
    "primero|primer|segundo|tercero|tercer|cuarto|quinto|sexto|séptimo|octavo|noveno|décimo|"
    "uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|"
    "eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|"
    "erstes|erster|zweites|zweiter|drittes|dritter|"
    "первая|первый|вторая|второй|третья|третий|четв[её]ртая|четв[её]ртый|пятая|пятый|"
    "шестая|шестой|седьмая|седьмой|восьмая|восьмой|девятая|девятый|десятая|десятый"
)
_NUMBER = rf"(?:\d+|[IVXLCDM]+\b|{_NUMBER_WORD}\b|(?:{_LABELLED_NUMBER_WORDS})\b)"
_LABEL = (
    r"(?:chapter|chap\.?|ch\.?|part|book|volume|vol\.?|chapitre|livre|partie|tome|cap[ií]tulo|parte|"
    r"libro|kapitel|teil|buch|глава|часть|книга)"
)
_TITLE_END = r"(?<![.,;])"
_NUMBERED = re.compile(
    rf"{_LABEL}\s*(?P<number>{_NUMBER})\.?\s*(?:[:.,)\-\u2013\u2014]\s*(?P<title>.*?){_TITLE_END})?",
    re.IGNORECASE,
)
_NAMED = re.compile(
    r"(?P<name>prologue|epilogue|interlude|prólogo|epílogo|prologo|epilogo|épilogue|prolog|"
    r"epilog|пролог|эпилог)\.?"
    rf"(?:\s*[:.\-\u2013\u2014]\s*(?P<title>.*?){_TITLE_END})?",
    re.IGNORECASE,
)
_CJK = re.compile(
    r"第[0-9\uff10-\uff19\u3007零一二三四五六七八九十百千两]+[章回节節卷集部篇话話]"
    r"(?:[\s:\uff1a.、]+(?P<title>.*))?"
)
# Named parts of Chinese novels and web fiction: prologue, wedge, epilogue, afterword, extras.
_CJK_NAMED = re.compile(
    r"(?:序章|序幕|楔子|引子|尾声|尾聲|终章|終章|后记|後記|番外篇?|外传|外傳)"
    r"(?:[\s:\uff1a.、·]*(?P<title>[^。！？!?]{0,30}))?"
)
# "Un : Kiba", "One - The Beginning": only when blank lines stand around it.
_NUMBER_WORD_TITLED = re.compile(
    rf"{_NUMBER_WORD}\s*[:.\-\u2013\u2014]\s*(?P<title>\S.*?){_TITLE_END}", re.IGNORECASE
)
_FIRST_CHAPTER = re.compile(
    rf"^(?:{_LABEL}\s*)?(?:0*1|I|one|un|une|一|premier|première|primero|eins|erstes|первая|первый)\b"
    r"|^(?:prologue|prólogo|prologo|prolog|пролог)\b|^第[一1]|^(?:序章|序幕|楔子|引子)",
    re.IGNORECASE,
)
MAX_HEADING_LENGTH = 100
# The first letters of _NUMBERED's labels, of _NAMED's names, and the first characters of _CJK
# and _CJK_NAMED, case ignored as they ignore it. Most lines start with none of them: one match
# of this spares them the four patterns (asked of every line of a hard-wrapped book).
_HEADING_START = re.compile("[cpbvltkгчкeiéпэ第序楔引尾终終后後番外]", re.IGNORECASE)


def labelled_heading(text: str) -> str | None:
    """The title of a heading line that names itself a chapter, or None."""
    words = strip_decoration(text)
    if len(words) > MAX_HEADING_LENGTH or not _HEADING_START.match(words):
        return None
    numbered = _NUMBERED.fullmatch(words)
    if numbered and not numbered.group("title"):
        # "CHAPTER XII." and "Chapter 10:" read better without the dangling mark.
        return words.rstrip(" .:,)-\u2013\u2014")
    if numbered or _NAMED.fullmatch(words) or _CJK.fullmatch(words) or _CJK_NAMED.fullmatch(words):
        return words
    return None


def is_bare_number_heading(text: str) -> bool:
    """ "Chapter 3" with no title of its own: a subtitle line may follow."""
    match = _NUMBERED.fullmatch(strip_decoration(text))
    return bool(match) and not match.group("title")


def is_numbered_heading(text: str) -> bool:
    return bool(_NUMBERED.fullmatch(strip_decoration(text)))


def number_word_heading(text: str) -> str | None:
    """ "Un : Kiba": a heading only when blank lines stand around it, which the caller checks."""
    words = strip_decoration(text)
    return words if _NUMBER_WORD_TITLED.fullmatch(words) else None


def is_first_chapter_title(title: str) -> bool:
    return bool(_FIRST_CHAPTER.match(title))
