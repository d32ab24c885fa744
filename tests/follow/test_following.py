"""fics.following: FanFicFare as a library, offline against its test site."""

import re

import pytest
from fanficfare.adapters import adapter_test1

from fics.following import FetchError, fetch_story, story_info
from fics.parser import parse_story
from tests.follow.conftest import GROWING, STORY


def test_a_story_is_fetched_as_an_epub_with_each_chapter_reported():
    reported = []

    story = fetch_story(STORY, progress=lambda done, total: reported.append((done, total)))

    assert reported == [(n, 9) for n in range(10)]
    assert story.info.site == "test1.com"
    assert story.info.url == STORY
    assert story.source_format == "FanFicFare: test1.com"
    assert story.epub.startswith(b"PK")
    parsed = parse_story(story.epub, story.filename)
    assert parsed.title == "Test Story Title 5"
    assert len(parsed.chapters) == 9


def test_the_index_alone_tells_the_chapter_count_and_last_update(growing_story):
    info = story_info(GROWING)

    assert (info.title, info.chapter_count, info.updated) == (
        "A Growing Story",
        2,
        "2025-01-01",
    )


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("https://example.org/story/1", "FanFicFare does not support this site"),
        ("example.org/story/1", "is not a web address"),
        ("https://archiveofourown.org/nothing", "is not the address of a story on that site"),
        ("http://test1.com?sid=666", "the site has no story at http://test1.com?sid=666"),
        ("http://test1.com?sid=665", "the site marks this story for adults"),
        ("http://test1.com?sid=668", "Marginalia does not take passwords"),
        ("http://test1.com?sid=667", "the download failed part-way"),
    ],
)
def test_a_failure_is_explained(address, message):
    with pytest.raises(FetchError, match=re.escape(message)):
        fetch_story(address)


def test_adult_content_is_fetched_only_when_the_reader_says_they_are_an_adult():
    story = fetch_story("http://test1.com?sid=665", is_adult=True)

    assert len(parse_story(story.epub, story.filename).chapters) == 9


def test_a_network_failure_half_way_fails_the_whole_fetch(monkeypatch):
    real = adapter_test1.TestSiteAdapter.getChapterText

    def fail_on_the_fourth(self, url):
        if url.endswith("chapter=4"):
            raise ConnectionError("the connection was reset")
        return real(self, url)

    monkeypatch.setattr(adapter_test1.TestSiteAdapter, "getChapterText", fail_on_the_fourth)
    with pytest.raises(FetchError, match="the connection was reset"):
        fetch_story(STORY)


def test_a_site_that_trips_its_adapter_gives_a_message_not_a_traceback(monkeypatch):
    def changed_site(self, url):
        raise AttributeError("'NoneType' object has no attribute 'find'")

    monkeypatch.setattr(adapter_test1.TestSiteAdapter, "getChapterText", changed_site)
    with pytest.raises(FetchError, match="FanFicFare could not read the story"):
        fetch_story(STORY)
