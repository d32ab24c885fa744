"""Reading progress: saved as the reader reads, offered back as "Continue", private to them."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from fics.importing import OnNewerVersion, Outcome, import_story_file
from fics.models import ChapterRead, ReadingPosition
from tests.conftest import make_work

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def progress_url(work, position: int) -> str:
    return reverse("reading_progress", args=[work.pk, position])


def save_place(client, work, position: int, paragraph: int):
    return client.post(progress_url(work, position), {"paragraph": str(paragraph)})


def test_the_paragraph_reached_is_saved_and_offered_on_the_chapter(reader_client, reader, work):
    assert save_place(reader_client, work, 1, 3).status_code == 204

    place = ReadingPosition.objects.get(reader=reader, work=work)
    assert (place.chapter.position, place.paragraph) == (1, 3)
    banner = reader_client.get(progress_url(work, 1), headers=HTMX).content.decode()
    assert '<a href="#p3">Continue from ¶ 3</a>' in banner
    # Without htmx the same address takes the reader there.
    response = reader_client.get(progress_url(work, 1))
    assert response.url == reverse("chapter", args=[work.pk, 1]) + "#p3"


def test_the_chapter_page_fetches_the_banner_rather_than_caching_it(reader_client, work):
    save_place(reader_client, work, 1, 3)

    body = reader_client.get(reverse("chapter", args=[work.pk, 1])).content.decode()

    assert f'hx-get="{progress_url(work, 1)}" hx-trigger="load"' in body
    assert "Continue from" not in body
    assert f'data-progress-url="{progress_url(work, 1)}"' in body
    assert "js/reading-progress.js" in body


def test_a_chapter_just_opened_has_nothing_to_continue(reader_client, work):
    reader_client.get(reverse("chapter", args=[work.pk, 1]))

    banner = reader_client.get(progress_url(work, 1), headers=HTMX).content.decode()

    assert 'id="continue-reading"' in banner
    assert "Continue from" not in banner


def test_saving_needs_the_csrf_token_in_the_body(reader, work):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.post(progress_url(work, 1), {"paragraph": "2"}).status_code == 403

    client.get(reverse("chapter", args=[work.pk, 1]))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(progress_url(work, 1), {"paragraph": "2", "csrfmiddlewaretoken": token})

    assert response.status_code == 204
    assert ReadingPosition.objects.get(reader=reader).paragraph == 2


@pytest.mark.parametrize("paragraph", ["", "0", "-1", "two", "²", "99999999"])
def test_a_paragraph_that_is_not_one_is_refused(reader_client, work, paragraph):
    response = reader_client.post(progress_url(work, 1), {"paragraph": paragraph})

    assert response.status_code == 400
    assert not ReadingPosition.objects.exists()


def test_reopening_the_chapter_of_the_place_writes_again_only_after_a_while(
    reader_client, reader, work
):
    url = reverse("chapter", args=[work.pk, 1])
    reader_client.get(url)
    reads = ChapterRead.objects.filter(reader=reader)
    # Its text is older than any of the reads below: none of them is before a change.
    work.chapters.update(text_changed=reads.get().read_at - timedelta(days=1))

    a_minute_ago = reads.get().read_at - timedelta(minutes=1)
    reads.update(read_at=a_minute_ago)
    reader_client.get(url)
    assert reads.get().read_at == a_minute_ago

    an_hour_ago = a_minute_ago - timedelta(hours=1)
    reads.update(read_at=an_hour_ago)
    reader_client.get(url)
    assert reads.get().read_at > a_minute_ago


def test_progress_of_a_missing_chapter_is_a_404(reader_client, work):
    assert save_place(reader_client, work, 9, 1).status_code == 404


def test_opening_a_chapter_without_javascript_makes_it_the_place(reader_client, reader, work):
    save_place(reader_client, work, 1, 3)

    reader_client.get(reverse("chapter", args=[work.pk, 2]))
    place = ReadingPosition.objects.get(reader=reader)
    assert (place.chapter.position, place.paragraph) == (2, 1)

    # Back to the first chapter: the reader is where they had stopped in it.
    reader_client.get(reverse("chapter", args=[work.pk, 1]))
    place.refresh_from_db()
    assert (place.chapter.position, place.paragraph) == (1, 3)
    assert ChapterRead.objects.filter(reader=reader).count() == 2


def test_the_work_page_offers_to_continue_with_a_progress_figure(reader_client, work):
    work.chapters.update(word_count=500)
    work.word_count = 1000
    work.save()
    body = reader_client.get(reverse("work", args=[work.pk])).content.decode()
    assert "Start reading" in body and "Continue reading" not in body

    save_place(reader_client, work, 1, 2)
    body = reader_client.get(reverse("work", args=[work.pk])).content.decode()

    chapter_url = reverse("chapter", args=[work.pk, 1])
    assert f'<a class="button" href="{chapter_url}#p2">Continue reading from ¶ 2</a>' in body
    assert "Start from the beginning" in body
    assert "You have read 1 of 2 chapters (500 of 1,000 words)" in body


def test_the_library_offers_to_continue(reader_client, work):
    save_place(reader_client, work, 2, 3)

    body = reader_client.get(reverse("library")).content.decode()

    assert f'href="{reverse("chapter", args=[work.pk, 2])}#p3">Continue reading</a>' in body
    assert "1/2 ch." in body


def test_progress_is_private(reader_client, client, other_reader, work):
    save_place(reader_client, work, 2, 3)
    client.force_login(other_reader)

    work_page = client.get(reverse("work", args=[work.pk])).content.decode()
    library = client.get(reverse("library")).content.decode()
    banner = client.get(progress_url(work, 2), headers=HTMX).content.decode()
    read_first = client.get(reverse("library"), {"sort": "read"}).content.decode()
    entire = client.get(reverse("work_full", args=[work.pk])).content.decode()

    for body in (work_page, library, banner, read_first, entire):
        assert "Continue" not in body
        assert "¶ 3" not in body
        assert "you are here" not in body
    assert "Start reading" in work_page
    assert ReadingPosition.objects.filter(reader=other_reader).count() == 0
    # Bob's own reading starts from nothing, and writes only his own place.
    save_place(client, work, 1, 2)
    assert ReadingPosition.objects.get(reader__username="alice").paragraph == 3


VERSION_1 = (
    "Chapter 1\n\nClarke walked to the river at dawn.\n\nLexa was already there.\n\n"
    "Chapter 2\n\nThey spoke of the war for an hour.\n\nNobody else came.\n"
)
VERSION_2 = (
    "Chapter 1\n\nClarke walked to the river at dawn.\n\nLexa was already there.\n\n"
    "Chapter 2\n\nThey spoke of the war for an hour, and of peace.\n\nNobody else came.\n\n"
    "Chapter 3\n\nThe morning after, the camp was quiet.\n"
)


def test_an_update_marks_new_and_changed_chapters_new_since_last_read(reader_client, reader):
    work = import_story_file(VERSION_1.encode(), "river.txt", reader=reader).work
    for position in (1, 2):
        reader_client.get(reverse("chapter", args=[work.pk, position]))
    assert (
        "new since you last read" not in reader_client.get(work.get_absolute_url()).content.decode()
    )

    result = import_story_file(
        VERSION_2.encode(), "river.txt", on_newer_version=OnNewerVersion.UPDATE, reader=reader
    )
    assert result.outcome is Outcome.UPDATED

    body = reader_client.get(work.get_absolute_url()).content.decode()
    assert new_chapters(body) == ["Chapter 2", "Chapter 3"]
    assert "2 chapters new since you last read" in body
    library = reader_client.get(reverse("library")).content.decode()
    assert "2 new since you last read" in library

    # Reading the changed chapter again: only the one never read stays new.
    reader_client.get(reverse("chapter", args=[work.pk, 2]))
    body = reader_client.get(work.get_absolute_url()).content.decode()
    assert new_chapters(body) == ["Chapter 3"]


def test_a_reader_who_never_began_the_work_sees_nothing_new(
    reader_client, reader, client, other_reader
):
    work = import_story_file(VERSION_1.encode(), "river.txt", reader=reader).work
    reader_client.get(reverse("chapter", args=[work.pk, 1]))
    import_story_file(VERSION_2.encode(), "river.txt", on_newer_version=OnNewerVersion.UPDATE)
    client.force_login(other_reader)

    body = client.get(work.get_absolute_url()).content.decode()

    assert "new since you last read" not in body


def new_chapters(body: str) -> list[str]:
    """The contents entries marked new, by chapter title."""
    entry = r'<a href="[^"]+">([^<]+)</a> <span class="muted">[^<]*</span>\s*'
    return re.findall(entry + '<span class="badge badge-new">', body)


def test_deleting_a_work_takes_its_progress_with_it(reader_client, reader):
    work = make_work()
    save_place(reader_client, work, 1, 2)

    work.delete()

    assert not ReadingPosition.objects.exists() and not ChapterRead.objects.exists()


def test_a_deleted_chapter_leaves_the_work_begun_without_a_dead_link(reader_client, work):
    save_place(reader_client, work, 2, 3)

    work.chapters.get(position=2).delete()

    library = reader_client.get(reverse("library")).content.decode()
    work_page = reader_client.get(work.get_absolute_url()).content.decode()
    assert "Continue reading" not in library and 'href=""' not in library
    assert "0/2 ch." in library
    assert "Continue reading" not in work_page and "Start reading" in work_page


def test_progress_needs_a_login_and_takes_only_get_and_post(reader_client, work):
    response = Client().post(progress_url(work, 1), {"paragraph": "2"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))

    assert reader_client.put(progress_url(work, 1)).status_code == 405
    assert not ReadingPosition.objects.exists()


def entire_work(client, work, **query) -> str:
    return client.get(reverse("work_full", args=[work.pk]), query).content.decode()


def test_the_entire_work_offers_to_continue_in_a_part_not_yet_loaded(reader_client):
    work = make_work(chapters=5, paragraphs=4)
    save_place(reader_client, work, 5, 3)

    body = entire_work(reader_client, work)

    assert 'id="chapter-5"' not in body  # its part loads only as the reader scrolls
    url = reverse("work_full", args=[work.pk])
    assert f'<a href="{url}?from=5#c5-p3">Continue from chapter 5, ¶ 3</a>' in body
    assert "Part 5, where you stopped" in body
    # Followed, the link opens the entire work at that chapter, its paragraph on the page,
    # and the place stays where it was.
    there = entire_work(reader_client, work, **{"from": 5})
    assert 'id="c5-p3"' in there
    assert '<a href="#c5-p3">Continue from chapter 5, ¶ 3</a>' in there
    place = ReadingPosition.objects.get()
    assert (place.chapter.position, place.paragraph) == (5, 3)


def test_the_entire_work_continues_on_the_page_when_the_chapter_is_there(reader_client):
    work = make_work(chapters=5, paragraphs=4)
    save_place(reader_client, work, 2, 4)

    body = entire_work(reader_client, work)

    assert '<a href="#c2-p4">Continue from chapter 2, ¶ 4</a>' in body


def test_the_top_of_the_entire_work_has_nothing_to_continue(reader_client, work):
    assert "Continue from" not in entire_work(reader_client, work)

    save_place(reader_client, work, 1, 1)
    assert "Continue from" not in entire_work(reader_client, work)
    save_place(reader_client, work, 2, 1)
    assert '<a href="#c2-p1">Continue from chapter 2, ¶ 1</a>' in entire_work(reader_client, work)


def test_opening_the_entire_work_at_a_chapter_makes_it_the_place(reader_client, reader):
    """Without JavaScript, "Continue with chapter 4" at the end of a part is the reader moving
    on, as a chapter page's "next" link is; the parts htmx loads are not (the scrolling is)."""
    work = make_work(chapters=5, paragraphs=2)
    save_place(reader_client, work, 2, 2)

    entire_work(reader_client, work)
    reader_client.get(reverse("work_full", args=[work.pk]), {"from": 4}, headers=HTMX)
    place = ReadingPosition.objects.get(reader=reader)
    assert (place.chapter.position, place.paragraph) == (2, 2)

    entire_work(reader_client, work, **{"from": 4})
    place.refresh_from_db()
    assert (place.chapter.position, place.paragraph) == (4, 1)
