"""Project Gutenberg text: the licence header and footer are not the book."""

from fics.parser import parse_story

BOOK = """\ufeffThe Project Gutenberg eBook of The Lantern Road

This ebook is for the use of anyone anywhere in the United States and
most other parts of the world at no cost and with almost no restrictions
whatsoever.

Title: The Lantern Road

Author: Wren Hollis

Release date: May 1, 2024 [eBook #99999]

Language: French

Credits: Some Volunteers

*** START OF THE PROJECT GUTENBERG EBOOK THE LANTERN ROAD ***

Produced by Some Volunteers



CHAPITRE PREMIER.


Maren alluma la lanterne avant le coucher du soleil, comme chaque soir
depuis que son père était parti sur la route du nord.

Ilse ne disait rien. Elle regardait la flamme trembler dans le verre
et comptait les heures jusqu'au matin.

[Illustration: La lanterne]


CHAPITRE II.


Le lendemain, la route était couverte de neige.

FIN



*** END OF THE PROJECT GUTENBERG EBOOK THE LANTERN ROAD ***

Updating: editions will replace the previous one. Project Gutenberg is a
registered trademark.
"""


def test_header_fields_are_the_metadata():
    work = parse_story(BOOK.encode(), "pg99999.txt")
    assert work.source_format == "Project Gutenberg text"
    assert (work.title, work.author, work.language) == ("The Lantern Road", "Wren Hollis", "fr")


def test_licence_and_credits_are_not_story_text():
    work = parse_story(BOOK.encode(), "pg99999.txt")
    assert [chapter.title for chapter in work.chapters] == ["CHAPITRE PREMIER", "CHAPITRE II"]
    texts = [p.text for chapter in work.chapters for p in chapter.paragraphs]
    assert texts[0].startswith("Maren alluma la lanterne avant le coucher du soleil, comme chaque")
    assert texts[-1] == "Le lendemain, la route était couverte de neige."
    assert not [text for text in texts if "Gutenberg" in text or "Produced by" in text]
    assert not any(chapter.notes_before or chapter.notes_after for chapter in work.chapters)
    assert work.skipped == ["1 image skipped"]
