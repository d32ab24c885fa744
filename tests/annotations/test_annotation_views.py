import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import thread_services
from annotations.chapter_layout import chapter_text as layout_text
from annotations.chapter_source import recent_sources
from annotations.models import Annotation, Tag
from tests.annotations.conftest import annotate
from tests.conftest import make_work

pytestmark = pytest.mark.django_db


def create_url(chapter):
    return reverse("annotation_create", args=[chapter.work_id, chapter.position])


def chapter_text(chapter):
    return layout_text(chapter, chapter.paragraphs.all()).text


def test_create_answers_with_only_the_changed_paragraph_and_list_entry(reader_client, chapter):
    text = chapter_text(chapter)
    start = text.index("paragraph 2")

    response = reader_client.post(
        create_url(chapter),
        {
            "utf16_start": start,
            "utf16_end": start + 11,
            "exact": "paragraph 2",
            "colour": "green",
            "tags": "Clarke, guilt",
            "note": "So *tired*.",
        },
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    annotation = Annotation.objects.get()
    assert response.status_code == 200
    assert '<p id="p2" data-utf16=' in body and 'hx-swap-oob="true"' in body
    assert f'data-annotation="{annotation.pk}" data-first="">paragraph 2</mark>' in body
    # The other paragraphs and the rest of the panel are not sent again.
    assert 'id="p1"' not in body and 'id="p3"' not in body
    assert 'id="annotation-panel"' not in body
    assert 'hx-swap-oob="beforeend:#annotation-list"' in body
    assert f'id="annotation-{annotation.pk}"' in body and "<em>tired</em>" in body
    assert '<span id="annotation-count" class="count" hx-swap-oob="true">1</span>' in body
    assert '"name": "guilt"' in body  # the tag picker learns the new tags
    assert sorted(annotation.tags.values_list("name", flat=True)) == ["Clarke", "guilt"]
    assert (annotation.segment, annotation.colour) == ("p2", "green")


def test_a_new_entry_goes_before_the_one_that_follows_it_in_the_text(
    reader_client, reader, chapter
):
    text = chapter_text(chapter)
    later = annotate(reader, chapter, start=text.index("paragraph 3"), end=len(text) - 1)
    start = text.index("paragraph 2")

    body = reader_client.post(
        create_url(chapter),
        {"utf16_start": start, "utf16_end": start + 11, "exact": "paragraph 2"},
        headers={"HX-Request": "true"},
    ).content.decode()

    assert f'hx-swap-oob="beforebegin:#annotation-{later.pk}"' in body


def test_the_answer_does_not_grow_with_the_chapter(reader_client):
    sizes = []
    for paragraphs in (5, 500):
        work = make_work(chapters=1, paragraphs=paragraphs, title=f"{paragraphs} paragraphs")
        chapter = work.chapters.get()
        start = chapter_text(chapter).index("paragraph 2")
        response = reader_client.post(
            create_url(chapter),
            {"utf16_start": start, "utf16_end": start + 11, "exact": "paragraph 2"},
            headers={"HX-Request": "true"},
        )
        sizes.append(len(response.content))
    assert abs(sizes[0] - sizes[1]) < 40, sizes


def test_on_the_entire_work_the_answer_redraws_that_chapters_paragraph_only(reader_client, work):
    chapter = work.chapters.get(position=2)
    start = chapter_text(chapter).index("paragraph 1")

    body = reader_client.post(
        create_url(chapter),
        {"utf16_start": start, "utf16_end": start + 11, "exact": "paragraph 1", "prefix": "c2-"},
        headers={"HX-Request": "true"},
    ).content.decode()

    assert '<p id="c2-p1" data-utf16=' in body and "<mark" in body
    assert "annotation-list" not in body and "annotation-count" not in body


def test_without_javascript_a_new_annotation_goes_back_to_the_chapter(reader_client, chapter):
    start = chapter_text(chapter).index("paragraph 2")

    response = reader_client.post(
        create_url(chapter), {"utf16_start": start, "utf16_end": start + 11, "exact": "paragraph 2"}
    )

    assert response.status_code == 302 and response.url == chapter.get_absolute_url()
    assert "<mark" in reader_client.get(response.url).content.decode()


def test_a_selection_that_does_not_match_the_text_is_refused(reader_client, chapter):
    response = reader_client.post(
        create_url(chapter), {"utf16_start": 30, "utf16_end": 41, "exact": "other words"}
    )

    assert response.status_code == 400
    assert "does not match the chapter" in response.content.decode()
    assert not Annotation.objects.exists()


def test_whitespace_only_selection_is_refused(reader_client, chapter):
    text = chapter_text(chapter)
    gap = text.index("\n\n")

    response = reader_client.post(
        create_url(chapter), {"utf16_start": gap, "utf16_end": gap + 2, "exact": "\n\n"}
    )

    assert response.status_code == 400
    assert "gap between paragraphs" in response.content.decode()


def test_highlight_in_the_authors_note(reader_client, chapter):
    # The fixture's first chapter opens with "A/N: thank you for reading!".
    response = reader_client.post(
        create_url(chapter), {"utf16_start": 5, "utf16_end": 14, "exact": "thank you"}
    )

    assert response.status_code == 302
    assert Annotation.objects.get().segment == "nb1"
    body = reader_client.get(chapter.get_absolute_url()).content.decode()
    aside = body[body.index('<aside class="authors-note"') :]
    assert "<mark" in aside[: aside.index("</aside>")]


def test_edit_form_loads_on_demand(reader_client, own_annotation):
    url = reverse("annotation_update", args=[own_annotation.pk])

    fragment = reader_client.get(url, headers={"HX-Request": "true"}).content.decode()
    page = reader_client.get(url).content.decode()

    assert 'name="note"' in fragment and ">mine</textarea>" in fragment
    assert 'value="Lexa"' in fragment
    assert "<html" not in fragment
    assert "<html" in page and ">mine</textarea>" in page


def test_edit_colour_tags_note_and_sharing(reader_client, own_annotation):
    response = reader_client.post(
        reverse("annotation_update", args=[own_annotation.pk]),
        {"colour": "purple", "tags": "hope", "note": "Changed.", "shared": "1"},
    )

    assert response.status_code == 302
    own_annotation.refresh_from_db()
    assert own_annotation.colour == "purple"
    assert own_annotation.note_html == "<p>Changed.</p>"
    assert own_annotation.shared
    assert list(own_annotation.tags.values_list("name", flat=True)) == ["hope"]


def list_entry(html: str, pk: int) -> str:
    """An annotation's list entry in a page or an answer, but the per-drawing CSRF token."""
    entry = re.search(
        rf'<li class="annotation[^"]*" id="annotation-{pk}".*?id="thread-{pk}"[^>]*></div>\s*</li>',
        html,
        re.DOTALL,
    )
    assert entry, html
    masked = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", entry.group())
    return masked.replace(' hx-swap-oob="true"', "")


@pytest.mark.parametrize("names", ["Lexa, anger", "anger, brand new"])
def test_an_edit_answers_with_the_entry_the_page_then_shows(
    reader_client, reader, other_reader, chapter, names
):
    """Its tags in the list's order and its thread's count as its author sees it, whether the
    edit made a tag or not; the tag pickers are sent again only when it did."""
    annotate(reader, chapter, start=5, end=9, tag_names=["anger"])
    note = annotate(reader, chapter, start=30, end=50, tag_names=["Lexa"], shared=True)
    for text in ("first", "second"):
        answer = thread_services.reply_create(
            annotation=note, author=other_reader, text=text, in_reply_to=None
        )
    thread_services.reply_delete(reply=answer)

    response = reader_client.post(
        reverse("annotation_update", args=[note.pk]),
        {"colour": "green", "tags": names, "audience": "everyone"},
        headers={"HX-Request": "true"},
    )

    answered = list_entry(response.content.decode(), note.pk)
    assert "1 reply" in answered
    chips = re.findall(r'<li class="chip[^"]*"><a href="[^"]*">([^<]*)</a>', answered)
    assert chips == sorted(chips, key=str.casefold) and len(chips) == 2
    page = reader_client.get(chapter.get_absolute_url()).content.decode()
    assert answered == list_entry(page, note.pk)
    assert ('id="reader-tags"' in response.content.decode()) == ("brand new" in names)


def test_delete_then_undo_restores_tags_and_note(reader_client, own_annotation):
    page = own_annotation.chapter.get_absolute_url()

    deleted = reader_client.post(
        reverse("annotation_delete", args=[own_annotation.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "Annotation deleted." in deleted and "Undo" in deleted
    assert f'<div id="annotation-{own_annotation.pk}" hx-swap-oob="delete">' in deleted
    assert 'id="p1"' in deleted and "<mark" not in deleted  # its paragraph, drawn without it
    assert f'data-annotation="{own_annotation.pk}"' not in reader_client.get(page).content.decode()

    restored = reader_client.post(
        reverse("annotation_restore", args=[own_annotation.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert f'data-annotation="{own_annotation.pk}"' in restored
    assert 'hx-swap-oob="beforeend:#annotation-list"' in restored
    assert "Annotation deleted." not in restored

    body = reader_client.get(page).content.decode()
    assert f'data-annotation="{own_annotation.pk}"' in body
    restored = Annotation.objects.get()
    assert (restored.note, list(restored.tags.values_list("name", flat=True))) == ("mine", ["Lexa"])


def test_filter_by_tag_kind_and_colour(reader_client, reader, chapter):
    lexa = annotate(reader, chapter, start=30, end=40, tag_names=["Lexa"], tag_kind="character")
    guilt = annotate(reader, chapter, start=55, end=65, tag_names=["guilt"], tag_kind="theme")
    blue = annotate(reader, chapter, start=80, end=90, colour="blue")
    url = chapter.get_absolute_url()

    def shown(**query):
        body = reader_client.get(url, query).content.decode()
        return {a.pk for a in (lexa, guilt, blue) if f'data-annotation="{a.pk}"' in body}

    assert shown() == {lexa.pk, guilt.pk, blue.pk}
    assert shown(tag=Tag.objects.get(name="Lexa").pk) == {lexa.pk}
    assert shown(kind="theme") == {guilt.pk}
    assert shown(colour="blue") == {blue.pk}


def test_colour_by_tag_option(reader_client, reader, chapter):
    annotation = annotate(reader, chapter, start=30, end=40, colour="yellow", tag_names=["Lexa"])
    Tag.objects.update(colour="purple")
    url = chapter.get_absolute_url()

    reader_client.post(reverse("reading_preferences"), {"toggle": "colour_by_tag", "next": url})

    body = reader_client.get(url).content.decode()
    assert f'class="hl hl-purple" data-annotation="{annotation.pk}"' in body


@pytest.mark.parametrize("count", [0, 10, 500])
def test_chapter_page_queries_do_not_grow_with_annotations(reader_client, reader, count):
    work = make_work(chapters=1, paragraphs=60)
    chapter = work.chapters.get()
    text = chapter_text(chapter)
    for n in range(count):
        start = (n * 7) % (len(text) - 20)
        while text[start].isspace():
            start += 1
        annotate(reader, chapter, start=start, end=start + 15, tag_names=[f"tag {n % 5}"])
    reader_client.get(reverse("library"))  # as any visit would, this gives the CSRF cookie
    cache.clear()  # nothing drawn yet
    recent_sources.clear()

    with CaptureQueriesContext(connection) as drawing:
        first = reader_client.get(chapter.get_absolute_url()).content.decode()
    with CaptureQueriesContext(connection) as cached:
        again = reader_client.get(chapter.get_absolute_url()).content.decode()

    # reader, the chapter's version with the reader's place, the place saved (two upserts on a
    # first visit), chapter+work, paragraphs, annotations (with their thread counts), their
    # tags (when there are any), reader's tags, reader's groups, contents (the session comes
    # from its cache)
    assert len(drawing) == (11 if count else 10), [q["sql"] for q in drawing]
    # reader, the chapter's version with the reader's place (unchanged: not written): the page
    # comes drawn
    assert len(cached) == 2, [q["sql"] for q in cached]
    assert first.count('class="annotation"') == again.count('class="annotation"') == count
