"""The orphan repair queue: suggestions, one-click placing, keeping as a note, privacy."""

import pytest
from django.urls import reverse

from annotations.models import Annotation
from fics.importing import import_story_file
from tests.annotations.conftest import annotate

pytestmark = pytest.mark.django_db

REST = (
    "Lexa was already there, waiting by the stones with her sword across her knees.\n\n"
    "Neither of them spoke for a long while, and the mist rose slowly off the water.\n"
)
VERSION_1 = "Chapter 1\n\nClarke walked to the river at dawn. The water was cold.\n\n" + REST
# The first sentence rewritten too much for re-anchoring to risk it.
VERSION_2 = (
    "Chapter 1\n\nAt first light, cold and tired, Clarke walked down to the wide river.\n\n" + REST
)
QUOTE = "Clarke walked to the river at dawn."


@pytest.fixture
def orphan(reader):
    work = import_story_file(VERSION_1.encode(), "river.txt", reader=reader).work
    annotation = annotate(reader, work.chapters.get(), start=0, end=len(QUOTE), note="dawn")
    import_story_file(VERSION_2.encode(), "river.txt", target=work)
    annotation.refresh_from_db()
    assert annotation.orphaned
    return annotation


def queue_url(annotation):
    return reverse("orphan_queue", args=[annotation.chapter.work_id])


def test_the_work_page_links_to_the_queue(reader_client, orphan):
    page = reader_client.get(orphan.chapter.work.get_absolute_url()).content.decode()

    assert queue_url(orphan) in page


def test_the_queue_suggests_the_rewritten_sentence_first(reader_client, orphan):
    response = reader_client.get(queue_url(orphan))
    places = response.context["entries"][0].places

    assert places[0].words == "Clarke walked down to the wide river."
    assert 1 <= len(places) <= 3
    assert f"score {places[0].suggestion.score}" in response.content.decode()


def test_placing_it_on_a_suggestion_takes_one_click(reader_client, orphan):
    place = reader_client.get(queue_url(orphan)).context["entries"][0].places[0]

    response = reader_client.post(
        reverse("orphan_accept", args=[orphan.pk]),
        {
            "start": place.suggestion.span.start,
            "end": place.suggestion.span.end,
            "exact": place.words,
        },
    )

    assert response.status_code == 302
    orphan.refresh_from_db()
    assert not orphan.orphaned
    assert orphan.exact == "Clarke walked down to the wide river."
    assert orphan.segment == "p1"
    assert reader_client.get(queue_url(orphan)).context["entries"] == []


def test_a_stale_suggestion_changes_nothing(reader_client, orphan):
    response = reader_client.post(
        reverse("orphan_accept", args=[orphan.pk]), {"start": 0, "end": 6, "exact": "Lexa w"}
    )

    assert response.status_code == 302
    orphan.refresh_from_db()
    assert orphan.orphaned
    follow = reader_client.get(response.url).content.decode()
    assert "The chapter changed since this suggestion was made" in follow


def test_kept_as_a_note_it_leaves_the_queue_and_stays_on_the_chapter(reader_client, orphan):
    reader_client.post(reverse("orphan_dismiss", args=[orphan.pk]))

    orphan.refresh_from_db()
    assert orphan.orphaned and orphan.orphan_dismissed and orphan.deleted_at is None
    assert reader_client.get(queue_url(orphan)).context["entries"] == []
    assert QUOTE not in reader_client.get(orphan.chapter.work.get_absolute_url()).content.decode()
    chapter_page = reader_client.get(orphan.chapter.get_absolute_url()).content.decode()
    assert f'id="orphan-{orphan.pk}"' in chapter_page


def test_another_readers_orphans_are_not_theirs_to_see_or_settle(client, other_reader, orphan):
    client.force_login(other_reader)

    assert client.get(queue_url(orphan)).context["entries"] == []
    assert client.post(reverse("orphan_dismiss", args=[orphan.pk])).status_code == 404
    accept = client.post(reverse("orphan_accept", args=[orphan.pk]), {"start": 0, "end": 1})
    assert accept.status_code == 404
    assert Annotation.objects.get(pk=orphan.pk).orphaned


def test_settling_needs_a_post(reader_client, orphan):
    assert reader_client.get(reverse("orphan_accept", args=[orphan.pk])).status_code == 405
    assert reader_client.get(reverse("orphan_dismiss", args=[orphan.pk])).status_code == 405


def test_an_orphan_kept_as_a_note_comes_back_when_its_chapter_changes_again(reader_client, orphan):
    reader_client.post(reverse("orphan_dismiss", args=[orphan.pk]))
    work = orphan.chapter.work

    import_story_file((VERSION_2 + "\nThe end.\n").encode(), "river.txt", target=work)

    orphan.refresh_from_db()
    assert orphan.orphaned and not orphan.orphan_dismissed
    assert [e.annotation for e in reader_client.get(queue_url(orphan)).context["entries"]] == [
        orphan
    ]
