"""Scene-break marker lines: `***`, `* * *`, `~~~~`, `- - -`, `o-o-o`, `oOo`, `-x-`, `#` …"""

import re

_MAX_MARKER_LENGTH = 40
# Short lines made only of ornament symbols, possibly spaced out, with o/x used as beads
# between them ("o-o-o", "-o0o-", "-x-", "~*~").
_ORNAMENTS = "*~#=_-\u2013\u2014+•·\u00d7§"
_BEADS = "oOxX0 "
_SYMBOL_LINE = re.compile(
    rf"(?=.*[{re.escape(_ORNAMENTS)}])[{re.escape(_ORNAMENTS + _BEADS)}]{{1,{_MAX_MARKER_LENGTH}}}"
)
# Beads alone ("oOo", "xXx"); a capitalised word such as "Ooo" is a sound, not a marker.
_BEAD_LINE = re.compile(r"(?!O[o0]+$|X[x]+$)(?:[oO0]{3,9}|[xX]{3,9})")
# What a marker of either kind starts with. Asked of every paragraph and heading line (70,000 in
# the corpus), nearly all of which start with a letter or a quote: a test of the first character
# spares them both patterns.
_MARKER_START = frozenset(_ORNAMENTS + _BEADS)


def is_scene_break_marker(text: str) -> bool:
    # The length first: the symbol pattern's look-ahead would scan every long paragraph.
    return (
        len(text) <= _MAX_MARKER_LENGTH
        and text[:1] in _MARKER_START
        and bool(_SYMBOL_LINE.fullmatch(text) or _BEAD_LINE.fullmatch(text))
    )
