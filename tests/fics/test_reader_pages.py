import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.reader_views import CHAPTERS_PER_PART
from fics.models import Work
from fics.views import WORKS_PER_PAGE
from tests.annotations.conftest import annotate
from tests.conftest import make_work

pytestmark = pytest.mark.django_db


def test_pages_need_a_login(client, work):
    for url in [
        reverse("library"),
        reverse("work", args=[work.pk]),
        reverse("chapter", args=[work.pk, 1]),
        reverse("work_full", args=[work.pk]),
        reverse("upload"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_library_lists_works_finds_and_sorts(reader_client):
    make_work(title="Zebra Crossing")
    make_work(title="Apple Orchard")

    page = reader_client.get(reverse("library")).content.decode()
    assert page.index("Apple Orchard") < page.index("Zebra Crossing")

    recent = reader_client.get(reverse("library"), {"sort": "recent"}).content.decode()
    assert recent.index("Apple Orchard") < recent.index("Zebra Crossing")

    found = reader_client.get(reverse("library"), {"q": "orch"}).content.decode()
    assert "Apple Orchard" in found
    assert "Zebra Crossing" not in found


def test_a_large_library_comes_in_pages_that_keep_the_search_and_sort(reader_client):
    Work.objects.bulk_create(
        Work(title=f"Story {n:03}", content_hash=f"hash {n}") for n in range(WORKS_PER_PAGE + 7)
    )

    first = reader_client.get(reverse("library"), {"q": "story", "sort": "title"})
    second = reader_client.get(reverse("library"), {"q": "story", "sort": "title", "page": 2})

    first_body, second_body = first.content.decode(), second.content.decode()
    assert first_body.count('<td data-label="Title">') == WORKS_PER_PAGE
    assert "Story 000" in first_body and "Story 050" not in first_body
    assert second_body.count('<td data-label="Title">') == 7 and "Story 056" in second_body
    assert 'href="?q=story&amp;sort=title&amp;page=2"' in first_body  # works without JavaScript
    assert "Page 2 of 2" in second_body


def test_library_search_over_htmx_returns_only_the_list(reader_client):
    make_work(title="Apple Orchard")

    response = reader_client.get(reverse("library"), {"q": "apple"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert 'id="work-list"' in body
    assert "Apple Orchard" in body
    assert "<html" not in body


def test_work_page_shows_contents_and_links(reader_client, work):
    body = reader_client.get(reverse("work", args=[work.pk])).content.decode()

    assert "The Test Work" in body
    assert "by A. Writer" in body
    assert reverse("chapter", args=[work.pk, 2]) in body
    assert "Read entire work" in body


def test_chapter_markup_is_semantic(reader_client, work):
    chapter = work.chapters.get(position=1)
    para = chapter.paragraphs.get(position=2)
    para.kind, para.text = "break", ""
    para.save()

    body = reader_client.get(reverse("chapter", args=[work.pk, 1])).content.decode()

    article = body[body.index("<article") : body.index("</article>")]
    assert re.search(r'<p id="p1"[^>]*>Chapter 1, paragraph 1.</p>', article)
    assert '<hr class="scene-break"' in article
    assert re.search(r'<p id="p3"[^>]*>Chapter 1, paragraph 3.</p>', article)
    # The author's note is kept, collapsible, and outside the story text.
    assert "A/N: thank you for reading!" not in article
    assert "<aside" in body and "<details open>" in body
    assert 'rel="next"' in body and 'rel="prev"' not in body


def test_chapter_text_is_escaped(reader_client, work):
    para = work.chapters.get(position=1).paragraphs.get(position=1)
    para.text = '<script>alert("x")</script>'
    para.save()

    body = reader_client.get(reverse("chapter", args=[work.pk, 1])).content.decode()

    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body


def test_missing_chapter_is_a_friendly_404(reader_client, work):
    response = reader_client.get(reverse("chapter", args=[work.pk, 99]))

    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_chapter_picker_works_without_javascript(reader_client, work):
    response = reader_client.get(reverse("chapter_jump", args=[work.pk]), {"n": "2"})

    assert response.status_code == 302
    assert response.url == reverse("chapter", args=[work.pk, 2])


@pytest.mark.parametrize("paragraphs", [3, 300])
def test_chapter_page_query_count_does_not_grow_with_paragraphs(reader_client, paragraphs):
    work = make_work(chapters=3, paragraphs=paragraphs)
    url = reverse("chapter", args=[work.pk, 2])

    with CaptureQueriesContext(connection) as queries:
        assert reader_client.get(url).status_code == 200
    # reader, the chapter's version with the reader's place, the place saved (two upserts on a
    # first visit), chapter with its work, paragraphs, annotations, reader's tags, reader's
    # groups, contents (the session comes from its cache)
    assert len(queries) == 10, [q["sql"] for q in queries]


@pytest.mark.parametrize("chapters", [1, 20])
def test_entire_work_comes_a_few_chapters_at_a_time(reader_client, chapters):
    work = make_work(chapters=chapters, paragraphs=5)
    url = reverse("work_full", args=[work.pk])

    with CaptureQueriesContext(connection) as queries:
        body = reader_client.get(url).content.decode()

    shown = min(chapters, CHAPTERS_PER_PART)
    # reader, work, its chapters, reader's tags, reader's groups, news in them, the reader's
    # place; then per chapter shown: paragraphs, annotations, reader's tags (the session comes
    # from its cache)
    assert len(queries) == 7 + 3 * shown, [q["sql"] for q in queries]
    assert body.count('<section class="full-chapter"') == shown
    assert ('hx-trigger="revealed"' in body) == (chapters > shown)


def test_entire_work_continues_where_the_last_part_ended(reader_client):
    work = make_work(chapters=5, paragraphs=2)
    url = reverse("work_full", args=[work.pk])

    first = reader_client.get(url).content.decode()
    rest = reader_client.get(url, {"from": 4}, headers={"HX-Request": "true"}).content.decode()

    assert f'href="{url}?from=4"' in first  # works without JavaScript too
    assert "<html" not in rest
    assert 'id="chapter-4"' in rest and 'id="chapter-5"' in rest and 'id="chapter-3"' not in rest
    # Paragraph ids stay unique across the chapters of one page.
    assert 'id="c4-p1"' in rest and 'id="c5-p1"' in rest
    assert "Continue with chapter" not in rest


def test_work_details_can_be_edited(reader_client, imported_work):
    work = imported_work
    response = reader_client.post(
        reverse("work_edit", args=[work.pk]),
        {
            "title": "A Better Title",
            "author": "Someone",
            "fandom": "The 100",
            "language": "en",
            "summary": "",
            "notes": "",
        },
    )

    assert response.status_code == 302
    work.refresh_from_db()
    assert (work.title, work.author, work.fandom) == ("A Better Title", "Someone", "The 100")


def test_blank_title_is_refused_with_a_message(reader_client, imported_work):
    work = imported_work
    response = reader_client.post(reverse("work_edit", args=[work.pk]), {"title": "  "})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    work.refresh_from_db()
    assert work.title == "The Test Work"


def test_upload_several_files_reports_each_outcome(reader_client):
    files = [
        SimpleUploadedFile("one.txt", b"A first story paragraph.\n\nAnd a second one.\n"),
        SimpleUploadedFile("empty.txt", b""),
    ]

    response = reader_client.post(reverse("upload"), {"stories": files})

    body = response.content.decode()
    assert response.status_code == 200
    assert "one.txt</strong>: imported" in body
    assert "empty.txt</strong>: failed" in body
    assert Work.objects.count() == 1


def test_upload_over_htmx_returns_the_results_fragment(reader_client):
    files = [SimpleUploadedFile("one.txt", b"A first story paragraph.\n")]

    response = reader_client.post(
        reverse("upload"), {"stories": files}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert 'id="import-results"' in body
    assert "<html" not in body


def test_upload_without_files_explains(reader_client):
    response = reader_client.post(reverse("upload"), {})

    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_state_changing_views_refuse_get(reader_client, work):
    assert reader_client.get(reverse("work_delete", args=[work.pk])).status_code == 405
    assert Work.objects.filter(pk=work.pk).exists()


def test_source_emphasis_is_shown_but_the_text_stays_plain(reader_client, work):
    paragraph = work.chapters.get(position=1).paragraphs.get(position=1)
    paragraph.emphasis = [[0, 7, "em"], [11, 20, "strong"]]
    paragraph.save()

    body = reader_client.get(reverse("chapter", args=[work.pk, 1])).content.decode()

    assert "<em>Chapter</em> 1, <strong>paragraph</strong> 1." in body
    assert paragraph.text == "Chapter 1, paragraph 1."


def test_a_work_with_another_readers_annotations_is_not_deleted(
    reader_client, other_reader, imported_work
):
    work = imported_work
    annotate(other_reader, work.chapters.first(), start=30, end=40, note="bob's")

    response = reader_client.post(reverse("work_delete", args=[work.pk]), follow=True)

    assert Work.objects.filter(pk=work.pk).exists()
    assert "Other readers have annotations here" in response.content.decode()


def test_own_annotations_do_not_stop_a_work_being_deleted(reader_client, reader, imported_work):
    work = imported_work
    annotate(reader, work.chapters.first(), start=30, end=40)

    reader_client.post(reverse("work_delete", args=[work.pk]))

    assert not Work.objects.exists()


def test_controls_are_named_by_what_they_show_and_each_navigation_apart(reader_client, work):
    """What screen-reader users say aloud (a control's name) starts from what sighted users see,
    and the two chapter navigations of a page are told apart."""
    page = reader_client.get(reverse("chapter", args=[work.pk, 1])).content.decode()

    for visible in ("A−", "A+"):
        label = re.search(rf'aria-label="([^"]*)"[^>]*>{re.escape(visible)}</button>', page)
        assert label and visible in label.group(1)
    assert re.search(r'<summary aria-label="alice[^"]*">alice</summary>', page)
    navigations = re.findall(r'<nav class="pager" aria-label="([^"]+)"', page)
    assert len(navigations) == 2 and len(set(navigations)) == 2
