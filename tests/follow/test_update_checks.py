"""Check for updates: a followed work is fetched again and goes through the update path (new
chapters appended, changed ones replaced with their annotations moved), from its page and from
`manage.py update_works`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from fanficfare.adapters import adapter_test1

from annotations.models import Annotation
from fics import following
from fics.follow_tasks import import_address
from fics.models import Work
from tests.annotations.conftest import annotate
from tests.follow.conftest import GROWING

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(growing_story, reader) -> Work:
    result, _ = import_address(GROWING, reader=reader)
    assert result.work.chapter_count == 2
    return result.work


def check(client, work: Work, **data):
    return client.post(reverse("work_check_updates", args=[work.pk]), data, follow=True)


def test_the_work_page_offers_a_check_to_the_reader_who_follows_it(followed, reader_client):
    page = reader_client.get(followed.get_absolute_url()).content.decode()

    assert reverse("work_check_updates", args=[followed.pk]) in page
    assert "Check for updates" in page


def test_a_work_from_a_file_has_no_check(reader_client, work):
    page = reader_client.get(work.get_absolute_url()).content.decode()

    assert "Check for updates" not in page


def test_new_chapters_are_appended_and_annotations_follow(
    followed, growing_story, reader, reader_client
):
    first = followed.chapters.get(position=1)
    note = annotate(reader, first, start=0, end=11, note="the first words")
    growing_story.publish("Chapter One", "Chapter Two", "Chapter Three", updated="2025-02-01")

    page = check(reader_client, followed).content.decode()

    followed.refresh_from_db()
    assert followed.chapter_count == 3
    assert list(followed.chapters.values_list("title", flat=True)) == [
        "Chapter One",
        "Chapter Two",
        "Chapter Three",
    ]
    assert followed.source_updated == "2025-02-01"
    assert f"{GROWING}</strong>: updated — " in page
    assert "(3 chapters, FanFicFare: test1.com)" in page
    assert Annotation.objects.get(pk=note.pk).chapter == first


def test_only_the_new_chapter_is_fetched_and_the_others_are_left_alone(
    followed, growing_story, reader_client, monkeypatch
):
    before = {chapter.pk: chapter.paragraphs.first().text for chapter in followed.chapters.all()}
    fetched = []
    real = adapter_test1.TestSiteAdapter.getChapterText

    def counted(self, url):
        fetched.append(url)
        return real(self, url)

    monkeypatch.setattr(adapter_test1.TestSiteAdapter, "getChapterText", counted)
    growing_story.publish("Chapter One", "Chapter Two", "Chapter Three", updated="2025-02-01")

    check(reader_client, followed)

    assert fetched == [f"{GROWING}&chapter=3"]
    after = {chapter.pk: chapter.paragraphs.first().text for chapter in followed.chapters.all()}
    assert {pk: text for pk, text in after.items() if pk in before} == before
    assert len(after) == 3


def test_nothing_is_fetched_when_the_site_reports_no_change(followed, reader_client, monkeypatch):
    def no_fetch(*args, **kwargs):
        raise AssertionError("no chapter should be fetched")

    monkeypatch.setattr("fics.follow_tasks.fetch_story", no_fetch)
    page = check(reader_client, followed).content.decode()

    assert "unchanged — " in page
    followed.refresh_from_db()
    assert followed.chapter_count == 2


def test_an_update_that_fails_half_way_changes_nothing(
    followed, growing_story, reader_client, monkeypatch
):
    before = (followed.content_hash, list(followed.chapters.values_list("pk", "title")))
    growing_story.publish("Chapter One", "Chapter Two", "Chapter Three", updated="2025-02-01")
    real = adapter_test1.TestSiteAdapter.getChapterText

    def fail_on_the_third(self, url):
        if url.endswith("chapter=3"):
            raise ConnectionError("the connection was reset")
        return real(self, url)

    monkeypatch.setattr(adapter_test1.TestSiteAdapter, "getChapterText", fail_on_the_third)
    page = check(reader_client, followed).content.decode()

    assert "failed: the download failed part-way" in page
    followed.refresh_from_db()
    after = (followed.content_hash, list(followed.chapters.values_list("pk", "title")))
    assert after == before
    assert followed.source_updated == "2025-01-01"


def test_only_the_reader_who_follows_it_may_check(followed, other_reader, client):
    client.force_login(other_reader)

    assert check(client, followed).status_code == 403
    assert "Check for updates" not in client.get(followed.get_absolute_url()).content.decode()


def test_checking_is_a_post(followed, reader_client):
    url = reverse("work_check_updates", args=[followed.pk])

    assert reader_client.get(url).status_code == 405


def test_update_works_updates_every_followed_work(followed, growing_story, work):
    growing_story.publish("Chapter One", "Chapter Two", "Chapter Three", updated="2025-02-01")
    out = StringIO()

    call_command("update_works", "--all", stdout=out)

    followed.refresh_from_db()
    assert followed.chapter_count == 3
    assert f"{followed.pk}: {GROWING}: updated as “A Growing Story” (3 chapters" in out.getvalue()
    assert str(work.pk) + ":" not in out.getvalue()


def test_update_works_by_id_says_when_nothing_changed(followed):
    out = StringIO()

    call_command("update_works", str(followed.pk), stdout=out)

    assert "no new or changed chapters on test1.com" in out.getvalue()


def test_update_works_needs_works_to_update(followed, work):
    with pytest.raises(CommandError, match="or --all"):
        call_command("update_works", stdout=StringIO())
    with pytest.raises(CommandError, match=f"No work added by its address with id {work.pk}"):
        call_command("update_works", str(work.pk), stdout=StringIO())


def test_update_works_reports_a_site_that_fails(followed, monkeypatch):
    def unreachable(*args, **kwargs):
        raise following.FetchError("the site could not be reached")

    monkeypatch.setattr("fics.follow_tasks.story_info", unreachable)
    out = StringIO()

    with pytest.raises(CommandError, match="1 work"):
        call_command("update_works", "--all", stdout=out)
    assert "failed: the site could not be reached" in out.getvalue()
