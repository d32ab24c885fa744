"""Author's notes: the runs of paragraphs at the very start and end of a chapter where the author
talks to the readers rather than telling the story.

Each paragraph gets a score. A marker ("A/N:", "Disclaimer:", "I do not own …") is enough on
its own; otherwise the author must speak in the first or second person *and* about the story as
a thing written and read (readers, reviews, updates, chapters …). Dialogue never counts.
"""

import re
from collections.abc import Iterable

from .markdown_lines import is_bold_paragraph

NOTE = 3
NOTE_NEIGHBOUR = 2

_MARKER = re.compile(
    r"^\W*(?:a\s*/\s*n\b|a\.n\.|an\s*:|n\s*/\s*a\s*:|t\s*/\s*n\b|author'?s?'?\s*notes?|"
    r"authors?\s+notes?|translator'?s?\s+notes?|notes?\s*:|end\s*notes?|disclaimer|"
    r"acknowledge?ments?|p\.?\s?s\.?\s*:|beta(?:'d|\s+read\w*)?\s*(?:by)?\s*:|self-promotion|"
    # French, German, Spanish, Russian, Chinese.
    r"notes?\s+de\s+l['’]\s*aut(?:eur|eure|rice)|n\.?\s*d\.?\s*a\.?\s*:|"
    r"anmerkung(?:en)?(?:\s+de[rs]\s+autor(?:in)?)?\s*:|"
    r"notas?\s+del?\s+autora?|nota\s*:|примечани[ея](?:\s+автора)?\s*:|от\s+автора\s*:|"
    r"作者的话|作者有话说|作者有话要说|作者注|作者按)",
    re.IGNORECASE,
)
# Each alternative of the next two patterns holds one of _DISOWNING_WORDS or _AUDIENCE_WORDS
# below: a new one needs its word there, or it is never looked for.
_DISOWNING = re.compile(
    r"\b(?:i|we)\s+(?:do\s+not|don'?t|do\s+n't)\s+own\b|\bdisclaimer\b|\ball rights\b|"
    r"ne\s+m['’]appartien|no\s+me\s+pertenece|geh[öo]r\w*\s+(?:nicht\s+mir|mir\s+nicht)|"
    r"не\s+принадлеж",
    re.IGNORECASE,
)
_AUDIENCE_TALK = re.compile(
    r"\b(?:readers?|reviews?|reviewing|reviewed|reviewers?|updates?|updated|updating|chapters?|"
    r"story|stories|fics?|fanfic\w*|enjoy\w*|thanks|thank you|reading|favou?rite\w*|follows?|"
    r"followers?|feedback|comments?|kudos|beta\w*|patreon|discord|profile|next time|"
    r"let me know|hope you|sequel|one-?shot|posted?|posting|writing)\b",
    re.IGNORECASE,
)
_SPEAKER = re.compile(r"\b(?:I|I'm|I've|I'll|I'd|my|we|you|you're|y'all|please)\b", re.IGNORECASE)
_DIALOGUE = re.compile(r"^[\"“”„«»\u2018'\u2019\u2014\u2013-]")
_QUOTED = re.compile(r"[\"“„«][^\"“”„«»]*[\"”»]")
_MAX_TALK_SCORE = 3
# What every match of _DISOWNING and of _AUDIENCE_TALK holds, in lower case. Those patterns start
# with \b and ignore case, so re tries them at every position of a paragraph; most paragraphs
# hold none of these words, which str finds in C (note_score over the corpus's chapter ends:
# 65 ms, 28 ms with this).
_DISOWNING_WORDS = (
    "own",
    "disclaimer",
    "all rights",
    "appartien",
    "pertenece",
    "nicht",
    "принадлеж",
)
_AUDIENCE_WORDS = (
    "read", "review", "updat", "chapter", "story", "stori", "fic", "enjoy", "thank", "fav",
    "follow", "feedback", "comment", "kudos", "beta", "patreon", "discord", "profile",
    "next time", "let me know", "hope you", "sequel", "shot", "post", "writing",
)  # fmt: skip
# The characters that match a letter of those words, case ignored, without lower-casing to it:
# dotted and dotless I, the long s, and old forms of Cyrillic letters. A text with one of them
# is searched as it is.
_CASE_EXCEPTIONS = re.compile("[\u0130\u0131\u017f\u1c80-\u1c88]")


def note_score(text: str) -> int:
    if _DIALOGUE.match(text):
        return 0
    disowning = _may_hold(text, _DISOWNING_WORDS) and _DISOWNING.search(text)
    score = NOTE if _MARKER.match(text) or disowning else 0
    narration = _QUOTED.sub(" ", text)
    topics = (
        {match.lower() for match in _AUDIENCE_TALK.findall(narration)}
        if _may_hold(narration, _AUDIENCE_WORDS)
        else set()
    )
    # Who speaks counts only with something to speak about.
    if topics:
        score += (min(len(topics), _MAX_TALK_SCORE) + 1) if _SPEAKER.search(narration) else 1
    if is_bold_paragraph(text):
        score += NOTE_NEIGHBOUR
    return score


def _may_hold(text: str, words: tuple[str, ...]) -> bool:
    if _CASE_EXCEPTIONS.search(text):
        return True
    lowered = text.lower()
    return any(word in lowered for word in words)


def leading_note_count(texts: Iterable[str]) -> int:
    """How many paragraphs at the start are notes: a run with at least one sure note in it."""
    run = 0
    sure = False
    for text in texts:
        score = note_score(text)
        if score < NOTE_NEIGHBOUR:
            break
        run += 1
        sure = sure or score >= NOTE
    return run if sure else 0
