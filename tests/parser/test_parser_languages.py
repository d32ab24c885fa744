"""Chapter headings and author's-note markers in French, German, Spanish, Russian and Chinese."""

import pytest

from fics.parser import count_words, parse_story

FRENCH = """Note de l'auteur : merci à toutes celles qui ont commenté !

Chapitre 1

Elle ouvrit la porte sans frapper.

Il ne leva pas les yeux.

Chapitre 2 : Le retour

Le train avait trois heures de retard.

N/A : la suite arrive bientôt, promis.
"""

GERMAN = """Kapitel 1

Der Zug fuhr pünktlich ab.

Niemand winkte.

Kapitel Zwei

Anmerkung: Danke fürs Lesen!

Am Bahnhof wartete sie schon.

Sie sagte nichts.
"""

SPANISH = """Nota del autor: los personajes no me pertenecen.

Capítulo primero

La lluvia no paraba desde el martes.

Nadie salía de casa.

Capítulo segundo

El miércoles salió el sol.

Todos salieron a la calle.
"""

RUSSIAN = """ЧАСТЬ I

Глава 1

Поезд опаздывал на три часа.

Она ждала на перроне.

Глава 2

Примечание автора: спасибо, что читаете!

Наконец поезд пришёл.

Он вышел последним.
"""

CHINESE = """第1章 初见

那天下着雨，她没有带伞。

他把伞递给了她。

作者有话说：谢谢大家的支持！

第2章 重逢

三年后，他们在车站重逢。

她认出了那把伞。

尾声

后来他们一起走过很多地方。

番外篇其一 雨伞

那把伞一直挂在门后。
"""


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        (FRENCH, ["Chapitre 1", "Chapitre 2 : Le retour"]),
        (GERMAN, ["Kapitel 1", "Kapitel Zwei"]),
        (SPANISH, ["Capítulo primero", "Capítulo segundo"]),
        (RUSSIAN, ["Глава 1", "Глава 2"]),
        (CHINESE, ["第1章 初见", "第2章 重逢", "尾声", "番外篇其一 雨伞"]),
    ],
)
def test_chapter_headings(text, titles):
    work = parse_story(text.encode(), "story.txt")
    assert [chapter.title for chapter in work.chapters] == titles


def test_french_note_markers():
    first, second = parse_story(FRENCH.encode(), "story.txt").chapters
    assert first.notes_before == ["Note de l'auteur : merci à toutes celles qui ont commenté !"]
    assert second.notes_after == ["N/A : la suite arrive bientôt, promis."]
    assert second.paragraphs[-1].text == "Le train avait trois heures de retard."


def test_german_note_marker():
    second = parse_story(GERMAN.encode(), "story.txt").chapters[1]
    assert second.notes_before == ["Anmerkung: Danke fürs Lesen!"]
    assert second.paragraphs[0].text == "Am Bahnhof wartete sie schon."


def test_spanish_note_marker_before_the_first_chapter():
    first = parse_story(SPANISH.encode(), "story.txt").chapters[0]
    assert first.notes_before == ["Nota del autor: los personajes no me pertenecen."]
    assert first.paragraphs[0].text == "La lluvia no paraba desde el martes."


def test_russian_part_heading_and_note_marker():
    work = parse_story(RUSSIAN.encode(), "story.txt")
    assert work.language == "ru"
    assert work.chapters[1].notes_before == ["Примечание автора: спасибо, что читаете!"]
    assert work.chapters[1].paragraphs[0].text == "Наконец поезд пришёл."


def test_chinese_note_marker_and_character_counts():
    work = parse_story(CHINESE.encode(), "story.txt")
    assert work.language == "zh"
    assert work.chapters[0].notes_after == ["作者有话说：谢谢大家的支持！"]
    first = work.chapters[0].paragraphs[0].text
    assert first == "那天下着雨，她没有带伞。"
    assert count_words(first) == 10


def test_chinese_numbered_hui_headings():
    text = "第一回 宴桃园豪杰三结义\n\n滚滚长江东逝水。\n\n第二回 张翼德怒鞭督邮\n\n且说董卓。\n"
    work = parse_story(text.encode("gb18030"), "sanguo.txt")
    assert [chapter.title for chapter in work.chapters] == [
        "第一回 宴桃园豪杰三结义",
        "第二回 张翼德怒鞭督邮",
    ]


def test_markdown_number_headings():
    work = parse_story("## 1\n\n时间是什么？\n\n## 2\n\n他不知道。\n".encode(), "zh.md")
    assert [chapter.title for chapter in work.chapters] == ["1", "2"]
