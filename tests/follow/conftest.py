"""FanFicFare's offline test site: http://test1.com?sid=N makes up a story without the network.

Below 1000 each sid is a fixed story of nine chapters (665 asks whether the reader is an adult,
666 does not exist, 667 fails from its second chapter on); from 1000 on the story is the one our
personal.ini describes, so that a test can make it gain chapters between two fetches.
"""

from pathlib import Path

import pytest

STORY = "http://test1.com?sid=5"
GROWING = "http://test1.com?sid=1001"


class GrowingStory:
    """The personal.ini describing test1.com?sid=1001: its chapters and its last update."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def publish(self, *chapters: str, updated: str) -> None:
        titles = ",".join(chapter.replace(",", "\\,") for chapter in chapters)
        self.path.write_text(
            "[teststory:1001]\n"
            "title:A Growing Story\n"
            "author_list:Serial Writer\n"
            f"dateUpdated:{updated}\n"
            f"chaptertitles:{titles}\n"
        )


@pytest.fixture
def growing_story(tmp_path, settings) -> GrowingStory:
    story = GrowingStory(tmp_path / "personal.ini")
    story.publish("Chapter One", "Chapter Two", updated="2025-01-01")
    settings.FANFICFARE_INI = str(story.path)
    return story
