"""The story map pages: who is counted, the shared toggle, CSV, and the passages behind a cell."""

import pytest
from django.test import Client
from django.urls import reverse

from fics.importing import import_story_file
from tests.annotations.conftest import annotate

pytestmark = pytest.mark.django_db

# Clarke and Lexa recur mid-sentence: the importer suggests them and counts their mentions.
STORY = (
    "Chapter 1\n\nThen Clarke ran. Then Lexa ran. Then Clarke fell.\n\n* * *\n\n"
    "At night Lexa slept, and Clarke kept watch.\n\n"
    "Chapter 2\n\nSo Lexa spoke, and Clarke listened, and Lexa spoke again.\n"
)


@pytest.fixture
def story(db):
    return import_story_file(STORY.encode(), "story.txt").work


@pytest.fixture
def passages(story, reader, other_reader):
    first, second = story.chapters.all()
    return {
        "mine": annotate(reader, first, start=5, end=11, tag_names=["Lexa", "guilt"]),
        "mine_2": annotate(reader, second, start=3, end=7, tag_names=["Lexa"]),
        "private": annotate(other_reader, first, start=0, end=4, tag_names=["Lexa", "secret"]),
        "shared": annotate(other_reader, second, start=0, end=2, tag_names=["Lexa"], shared=True),
    }


def map_url(story, query=""):
    return reverse("story_map", args=[story.pk]) + query


def csv_rows(response) -> list[str]:
    return response.content.decode().splitlines()


def test_the_work_page_links_to_its_story_map(reader_client, story):
    response = reader_client.get(story.get_absolute_url())

    assert map_url(story) in response.content.decode()


def test_the_map_counts_my_passages_and_the_texts_mentions(reader_client, story, passages):
    response = reader_client.get(map_url(story))
    page = response.content.decode()

    assert response.status_code == 200
    assert "my passages: 2" in page  # Lexa, one in each chapter
    assert "mentions: 4" in page  # Lexa named 2 + 2 times
    assert "secret" not in page
    chapter_1 = reverse("chapter", args=[story.pk, 1])
    lexa = passages["mine"].tags.get(name="Lexa")
    assert f'href="{chapter_1}?tag={lexa.pk}"' in page
    assert "shared passages:" not in page


def test_another_readers_private_passages_are_never_counted(reader_client, story, passages):
    rows = csv_rows(
        reader_client.get(reverse("story_map_csv", args=[story.pk, "map"]) + "?shared=1")
    )

    header = rows[0].split(",")
    assert "secret (my passages)" not in header and "secret (shared passages)" not in header
    column = dict(zip(header, zip(*(row.split(",") for row in rows[1:]), strict=True), strict=True))
    assert column["Lexa (my passages)"] == ("1", "1")
    assert column["Lexa (shared passages)"] == ("0", "1")


def test_the_shared_toggle_adds_other_readers_shared_passages_apart(reader_client, story, passages):
    page = reader_client.get(map_url(story, "?shared=1")).content.decode()

    assert "shared passages: 1" in page
    assert "my passages: 2" in page
    assert 'aria-pressed="true"' in page


def test_csv_of_the_map_and_of_each_matrix(reader_client, story, passages):
    map_csv = reader_client.get(reverse("story_map_csv", args=[story.pk, "map"]))
    characters = reader_client.get(reverse("story_map_csv", args=[story.pk, "characters"]))
    tags = reader_client.get(reverse("story_map_csv", args=[story.pk, "tags"]))

    assert map_csv["Content-Type"].startswith("text/csv")
    assert "attachment" in map_csv["Content-Disposition"]
    assert csv_rows(map_csv)[1].startswith("1,Chapter 1,")
    # Both named in both scenes of chapter 1 and in chapter 2's one scene.
    assert "Clarke,Lexa,3,2," in csv_rows(characters)
    assert csv_rows(tags) == [
        "a,b,passages,relationship",
        "Lexa,Lexa,2,",
        "Lexa,guilt,1,",
        "guilt,guilt,1,",
    ]


def test_an_unknown_chart_is_404(reader_client, story):
    assert (
        reader_client.get(reverse("story_map_csv", args=[story.pk, "secrets"])).status_code == 404
    )


def test_the_scenes_two_characters_share(reader_client, story):
    together = reverse("story_map_together", args=[story.pk])
    page = reader_client.get(together, {"a": "Clarke", "b": "Lexa"}).content.decode()

    chapter_1 = reverse("chapter", args=[story.pk, 1])
    assert f'href="{chapter_1}#p3">Chapter 1, scene 2</a>' in page
    assert page.count("scene 1</a>") == 2


def test_the_passages_two_of_my_tags_share(reader_client, story, passages):
    tags = {tag.name: tag.pk for tag in passages["mine"].tags.all()}
    together = reverse("story_map_together", args=[story.pk])
    page = reader_client.get(together, {"tag": [tags["Lexa"], tags["guilt"]]}).content.decode()

    assert passages["mine"].get_absolute_url() in page
    assert passages["mine_2"].get_absolute_url() not in page


def test_another_readers_tag_is_404(reader_client, story, passages):
    secret = passages["private"].tags.get(name="secret")
    together = reverse("story_map_together", args=[story.pk])

    assert reader_client.get(together, {"tag": [secret.pk]}).status_code == 404


@pytest.mark.parametrize("name", ["story_map", "story_map_together"])
def test_pages_need_a_login_and_refuse_posts(reader_client, story, name):
    url = reverse(name, args=[story.pk])

    assert Client().get(url).status_code == 302
    assert reader_client.post(url).status_code == 405


def test_a_work_with_nothing_to_map_says_so(reader_client, db):
    work = import_story_file(b"Just a line.\n", "plain.txt").work

    page = reader_client.get(map_url(work)).content.decode()
    assert "Nothing to map yet" in page
