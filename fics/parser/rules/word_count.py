"""Word counts that also work for Chinese and Japanese, which put no spaces between words."""

import re

# Han ideographs and kana: each character is counted as a word, as Chinese sites count length.
_CJK_CHARACTER = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A run of non-space characters holding at least one letter or digit: "—" alone is no word.
_WORD = re.compile(r"[^\s\w]*\w\S*")


def count_words(text: str) -> int:
    cjk_characters = len(_CJK_CHARACTER.findall(text))
    if cjk_characters:
        text = _CJK_CHARACTER.sub(" ", text)
    return cjk_characters + len(_WORD.findall(text))
