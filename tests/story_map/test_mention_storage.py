"""Mentions are counted and stored when a work is imported or updated."""

import pytest

from fics.importing import import_story_file
from fics.mentions import record_mentions
from fics.models import CharacterMention
from tests.conftest import make_work

pytestmark = pytest.mark.django_db

# Clarke and Lexa recur mid-sentence, so the importer suggests them as characters.
VERSION_1 = (
    "Chapter 1\n\nThen Clarke ran. Then Lexa ran. Then Clarke fell.\n\n* * *\n\n"
    "At night Lexa slept, and Clarke kept watch.\n\n"
    "Chapter 2\n\nSo Lexa spoke, and Clarke listened, and Lexa spoke again.\n"
)
VERSION_2 = VERSION_1 + "\n\nChapter 3\n\nLexa said nothing.\n"


def stored(work) -> list[tuple]:
    return list(
        CharacterMention.objects.filter(chapter__work=work)
        .order_by("chapter__position", "scene", "name")
        .values_list("chapter__position", "scene", "name", "count", "first_paragraph")
    )


def test_an_import_stores_each_scenes_mentions():
    work = import_story_file(VERSION_1.encode(), "story.txt").work

    assert sorted(work.suggested_characters) == ["Clarke", "Lexa"]
    assert stored(work) == [
        (1, 0, "Clarke", 2, 1),
        (1, 0, "Lexa", 1, 1),
        (1, 1, "Clarke", 1, 3),
        (1, 1, "Lexa", 1, 3),
        (2, 0, "Clarke", 1, 1),
        (2, 0, "Lexa", 2, 1),
    ]


def test_an_update_counts_again():
    work = import_story_file(VERSION_1.encode(), "story.txt").work
    import_story_file(VERSION_2.encode(), "story.txt", target=work)

    assert stored(work)[-1] == (3, 0, "Lexa", 1, 1)
    assert len(stored(work)) == 7


def test_an_existing_work_is_counted_on_demand():
    work = make_work(chapters=2)
    work.characters = ["Chapter"]
    work.save()

    record_mentions(work)

    assert [(position, count) for position, _, _, count, _ in stored(work)] == [(1, 3), (2, 3)]
