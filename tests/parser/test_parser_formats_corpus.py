"""Each reader against the real files of ../shared/corpus/more (see the corpus README)."""

import pytest

from tests.parser.corpus import CORPUS, parse, scene_breaks, texts

if not CORPUS.is_dir():
    pytest.skip(f"story corpus not found at {CORPUS}", allow_module_level=True)

SITE_BOILERPLATE = [
    "Archive of Our Own",
    "Posted originally on",
    "Chapter Text",
    "See the end of the chapter",
    "See the end of the work",
    "drop by the archive and comment",
    "Project Gutenberg",
    "Follow/Fav",
    "Post Review",
    "Story Width",
    "xcookie",
    "End file.",
    "TABLE OF CONTENTS",
]


@pytest.mark.parametrize(
    ("name", "source_format"),
    [
        ("ao3-oneshot-en.html", "AO3 HTML"),
        ("ao3-multichapter-en.html", "AO3 HTML"),
        ("ffn-saved-page-metropolitan-man-ch1.html", "FanFiction.net web page"),
        ("fanficfare-output-nowrap.txt", "FanFicFare text"),
        ("fanficfare-output-wrapped-crlf.txt", "FanFicFare text"),
        ("gutenberg-pride-prejudice-crlf.txt", "Project Gutenberg text"),
        ("gutenberg-alice.epub", "EPUB"),
        ("ffn-hp-markdown-multichapter-notes.md", "Markdown"),
        ("zh-fanfic-utf8-summary-extras.md", "Markdown"),
        ("hpmor-full-en.txt", "plain text"),
        ("fr-fanfictionsfr-cp1252-crlf.txt", "plain text"),
    ],
)
def test_source_format_names_the_reader(name, source_format):
    assert parse("more/" + name).source_format == source_format


@pytest.mark.parametrize(
    "name",
    [
        "ao3-oneshot-en.html",
        "ao3-multichapter-en.html",
        "ffn-saved-page-metropolitan-man-ch1.html",
        "fanficfare-output-nowrap.txt",
        "fanficfare-output-wrapped-crlf.txt",
        "gutenberg-pride-prejudice-crlf.txt",
        "gutenberg-alice.epub",
    ],
)
def test_no_site_boilerplate_in_the_story_text(name):
    work = parse("more/" + name)
    for text in texts(work):
        assert not [phrase for phrase in SITE_BOILERPLATE if phrase in text], text
        assert text == text.strip() and "\n" not in text


def test_ao3_oneshot():
    work = parse("more/ao3-oneshot-en.html")
    assert work.title == (
        "A Funeral Shroud for Laertes - A Preface to the Third Edition of A Wheel Inside a Wheel"
    )
    assert (work.author, work.rating, work.language) == ("natsinator", "General Audiences", "en")
    assert work.fandom == "Ginga Eiyuu Densetsu | Legend of the Galactic Heroes"
    assert work.warnings == ["No Archive Warnings Apply"]
    assert work.characters == ["Author - Character"]
    assert work.additional_tags == [
        "Post-Canon",
        "length: short story",
        "series: A Wheel Inside a Wheel",
    ]
    assert len(work.chapters) == 1
    story = texts(work)
    assert story[2].startswith("We refer to history as being woven: a tapestry.")
    assert story[-1].startswith("Rome’s historical nonfiction has been published")
    assert scene_breaks(work) == 1


def test_ao3_oneshot_keeps_emphasis_as_spans():
    work = parse("more/ao3-oneshot-en.html")
    paragraph = next(
        text for text in work.chapters[0].paragraphs if "third edition of" in text.text
    )
    assert "<" not in paragraph.text
    assert [paragraph.text[span.start : span.end] for span in paragraph.emphasis] == [
        "A Wheel Inside a Wheel"
    ]


def test_ao3_multichapter():
    work = parse("more/ao3-multichapter-en.html")
    assert work.title == "And the Big Wheel Keep On Turning (Neon Burning Up Above)"
    assert work.rating == "Explicit"
    assert work.warnings == ["Creator Chose Not To Use Archive Warnings"]
    assert work.relationships == [
        "Magdalena von Westfalen/Yang Wenli",
        "Wolfgang Mittermeyer/Oskar von Reuenthal/Yang Wenli",
        "Martin Bufholtz/Siegfried Kircheis",
    ]
    assert "Siegfried Kircheis" in work.characters and len(work.characters) == 6
    assert work.summary.startswith('"Deleted" scenes from A Wheel Inside a Wheel.')
    assert work.notes.startswith("Chapter 1 - Yang/Reuenthal/Mittermeyer.")
    assert work.notes.endswith("feel free to note that and I will not approve it.")
    assert work.end_notes.startswith('Title of the fic from "Tunnel of Love" by Dire Straits')
    assert [chapter.title for chapter in work.chapters] == [
        "To Make This Fort Assume the Furniture of Home",
        "But That's a Secret Everybody Knows!",
        "Gethsemane Revisited; or, The Garden of Earthly Delights",
    ]


def test_ao3_multichapter_chapter_notes_and_text():
    first, second, third = parse("more/ao3-multichapter-en.html").chapters
    assert first.notes_before[0].startswith("This chapter takes place immediately following")
    assert first.notes_before[1].startswith("This chapter is a birthday gift for Em")
    assert first.notes_after[0] == 'From "September 1, 1939" by W.H. Auden'
    assert first.notes_after[1].startswith("Faces along the bar\nCling to their average day:")
    assert first.paragraphs[0].text.startswith("As Yang left to go to the bathroom, Reuenthal")
    assert first.paragraphs[-1].text.startswith("The clearing of the fog lasted until Mittermeyer")
    assert second.notes_after[0].startswith("happy one million words of noodle logh fanfiction")
    assert third.notes_after == [
        "nvm i don't have anything constructive to say in these endnotes lol"
    ]
    assert (
        third.paragraphs[-1].text == "They were out of time: the morning was only four hours away."
    )


def test_ffn_saved_page():
    work = parse("more/ffn-saved-page-metropolitan-man-ch1.html")
    assert (work.title, work.author, work.fandom) == (
        "The Metropolitan Man",
        "alexanderwales",
        "Superman",
    )
    assert (work.rating, work.language) == ("M", "en")
    assert work.summary.startswith("The year is 1934, and Superman has arrived in Metropolis.")
    assert work.characters == ["L. Luthor", "Lois L.", "Clark K./Kal-El/Superman"]
    (chapter,) = work.chapters
    assert chapter.title == "Chapter 1: Literally Incredible"
    assert chapter.notes_before == [
        "Author's Note: This story is rated M for adult language and themes, "
        "including discussion of sexual violence."
    ]
    assert chapter.paragraphs[0].text == (
        "Lex Luthor had been lounging in the Skylight Club when he'd first heard of Superman."
    )
    assert chapter.paragraphs[-1].text.endswith("I think it's time to clean house.\"")
    assert scene_breaks(work) == 2


@pytest.mark.parametrize(
    "name", ["fanficfare-output-nowrap.txt", "fanficfare-output-wrapped-crlf.txt"]
)
def test_fanficfare_header_becomes_metadata(name):
    work = parse("more/" + name)
    assert work.rating == "Tweenie"
    assert work.warnings == ["Swearing", "Violence"]
    assert work.characters == ["Bob Smith", "Fred Smythe", "George Johnson"]
    assert work.relationships == [
        "Harry Potter & Hermione Granger",
        "Harry Potter/Ginny Weasley",
        "Harry Potter/Ginny Weasley/Albus Dumbledore",
    ]
    assert work.fandom.endswith(
        "Once Upon a Time (TV), Puella Magi Madoka Magica/魔法少女まどか★マギカ"
    )
    assert work.summary.endswith('"Better than it sounds!" A span! "My first fic"')
    notes = work.chapters[0].notes_before
    assert not any(note.startswith(("Rating:", "Characters:", "Category:")) for note in notes)
    assert any(note.startswith("Story URL: http://test1.com?sid=") for note in notes)


@pytest.mark.parametrize(
    "name", ["fanficfare-output-nowrap.txt", "fanficfare-output-wrapped-crlf.txt"]
)
def test_fanficfare_end_file_is_not_story_text(name):
    work = parse("more/" + name)
    last = work.chapters[-1]
    assert last.title == "Chapter 8"
    assert last.paragraphs[-1].text.startswith('"Lorem ipsum dolor sit amet", consectetur')
    assert "End file." not in texts(work)


def test_gutenberg_text_metadata_from_the_title_page():
    work = parse("more/gutenberg-pride-prejudice-crlf.txt")
    assert (work.title, work.author, work.language) == ("Pride and Prejudice", "Jane Austen", "en")
    assert len(work.chapters) == 61
    assert work.skipped == ["162 images skipped"]


def test_gutenberg_text_leaves_out_captions_and_the_printers_imprint():
    work = parse("more/gutenberg-pride-prejudice-crlf.txt")
    story = texts(work)
    assert not [text for text in story if "Copyright 1894" in text or "Illustration" in text]
    assert not [text for text in story if text == "]"]
    assert story[-1].startswith("With the Gardiners they were always on the most intimate terms.")
    assert not [text for text in story if "CHISWICK PRESS" in text]


def test_gutenberg_epub():
    work = parse("more/gutenberg-alice.epub")
    assert (work.title, work.author, work.language) == (
        "Alice's Adventures in Wonderland",
        "Lewis Carroll",
        "en",
    )
    assert "Fantasy fiction" in work.additional_tags
    titles = [chapter.title for chapter in work.chapters]
    assert len(titles) == 12
    assert titles[0] == "CHAPTER I. Down the Rabbit-Hole"
    assert titles[-1] == "CHAPTER XII. Alice’s Evidence"
    first = work.chapters[0].paragraphs
    assert first[0].text.startswith(
        "Alice was beginning to get very tired of sitting by her sister"
    )
    assert first[-1].text == "So she set to work, and very soon finished off the cake."
    assert (
        work.chapters[-1]
        .paragraphs[-2]
        .text.startswith(
            "Lastly, she pictured to herself how this same little sister of hers would"
        )
    )
    assert work.skipped == ["1 image skipped"]


def test_gutenberg_epub_italics_are_spans():
    paragraph = parse("more/gutenberg-alice.epub").chapters[0].paragraphs[2]
    assert paragraph.text.startswith("There was nothing so very remarkable in that;")
    assert [paragraph.text[span.start : span.end] for span in paragraph.emphasis][:3] == [
        "very",
        "very",
        "took a watch out of its waistcoat-pocket",
    ]


def test_markdown_corpus_keeps_emphasis_without_asterisks():
    work = parse("more/ffn-hp-markdown-multichapter-notes.md")
    first = work.chapters[0].paragraphs[0]
    assert first.text == "July 8, 1899"
    assert {span.style for span in first.emphasis} == {"em", "strong"}
    # One stray "*" stays: the author's `*Barmy … barmy. "*I` closes nothing (as in CommonMark).
    assert not [text for text in texts(work) if "**" in text]
    assert not [note for note in work.chapters[0].notes_before if "**" in note]
