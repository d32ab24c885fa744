"""FanFicFare's own outputs (EPUB, HTML, TXT, MOBI) of one story import as the same work: its
title, author and details from FanFicFare's title page, which is not a chapter, nor is its table
of contents. The files are made by FanFicFare itself, offline, from its test site."""

import io
import warnings
from pathlib import Path

import fanficfare
import pytest
from fanficfare import adapters, writers
from fanficfare.configurable import Configuration

from fics.parser import ParsedWork, parse_story

STORY = "http://test1.com?sid=5"
CHAPTERS = [
    "Prologue tests:[bare amp(&) qt(') amp(&) gt(>) lt(<) ATnT(AT&T) L(£) Onna(女)]",
    "Chapter 1, Xenos on Cinnabar",
    "Chapter 2, Sinmay on Kintikin",
    'Chapter 3, "Over" Cinnabar',
    "Chapter 4 & 4.5",
    "Chapter 5 < 5.4",
    "Chapter A & B < C > D",
    "Chapter 7",
    "Chapter 8",
]


def fanficfare_output(output: str) -> tuple[str, bytes]:
    """What `fanficfare --format OUTPUT URL` writes: its file name and bytes."""
    configuration = Configuration(adapters.getConfigSectionsFor(STORY), output)
    configuration.read(str(Path(fanficfare.__file__).with_name("defaults.ini")))
    writer = writers.getWriter(output, configuration, adapters.getAdapter(configuration, STORY))
    written = io.BytesIO()
    with warnings.catch_warnings():
        # Making the fixture, not reading it: FanFicFare's MOBI writer and the libraries under it
        # (html5lib's use of chardet) warn of their own internals.
        warnings.simplefilter("ignore")
        writer.writeStory(outstream=written)
    return Path(writer.getOutputFileName()).name, written.getvalue()


@pytest.fixture(scope="module")
def outputs() -> dict[str, tuple[str, bytes]]:
    return {output: fanficfare_output(output) for output in ("epub", "html", "txt", "mobi")}


def parsed(outputs, extension: str) -> ParsedWork:
    name, data = outputs[extension]
    assert name.endswith(f".{extension}")
    return parse_story(data, name)


@pytest.mark.parametrize(
    ("extension", "source_format"),
    [
        ("epub", "FanFicFare EPUB"),
        ("html", "FanFicFare HTML"),
        ("txt", "FanFicFare text"),
        ("mobi", "FanFicFare MOBI"),
    ],
)
def test_every_output_is_the_same_work(outputs, extension, source_format):
    work = parsed(outputs, extension)

    assert work.source_format == source_format
    assert (work.title, work.author) == ("Test Story Title 5", "Test Author aa")
    assert [chapter.title for chapter in work.chapters] == CHAPTERS
    assert work.rating == "Tweenie"
    assert work.warnings == ["Swearing", "Violence"]
    assert work.characters == ["Bob Smith", "Fred Smythe", "George Johnson"]
    assert work.relationships[0] == "Harry Potter & Hermione Granger"
    assert work.fandom.startswith("Furbie, Harry Potter")
    assert work.summary.startswith("Description tests:")
    assert "Series: The Great Test [5]" in work.chapters[0].notes_before
    assert "Lorem ipsum" in work.chapters[1].paragraphs[-1].text


def test_its_volatile_details_are_left_out_so_a_new_download_changes_no_chapter(outputs):
    notes = parsed(outputs, "epub").chapters[0].notes_before

    assert not [note for note in notes if note.startswith(("Packaged:", "Updated:", "Words:"))]
