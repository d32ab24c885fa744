"""Word counts that also work for Chinese and Japanese, which put no spaces between words."""

import re

# Han ideographs and kana: each character is counted as a word, as Chinese sites count length.
_CJK_CHARACTER = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w", re.UNICODE)


def count_words(text: str) -> int:
    cjk_characters = len(_CJK_CHARACTER.findall(text))
    rest = _CJK_CHARACTER.sub(" ", text)
    return cjk_characters + sum(1 for token in rest.split() if _WORD.search(token))
