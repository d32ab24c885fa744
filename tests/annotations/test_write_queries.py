"""Saving a highlight costs a fixed number of queries, however long its chapter is and however
many annotations the reader and others already have there: the round trip stays fast in a big
library (the times themselves are measured in bench/scale_bench.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.chapter_layout import chapter_text
from annotations.models import Annotation
from tests.annotations.conftest import annotate
from tests.conftest import make_work

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def queries(request) -> list[str]:
    """The statements `request` sends, but the savepoints that the test's own transaction makes
    of the write's transaction (outside a test it is one BEGIN … COMMIT)."""
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200, response.content[:300]
    return [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]


def annotated_chapter(reader, other_reader, *, paragraphs: int, annotations: int):
    """A chapter with `annotations` of the reader's (tagged) and as many shared by another."""
    work = make_work(chapters=1, paragraphs=paragraphs, title=f"{paragraphs} paragraphs")
    chapter = work.chapters.get()
    text = chapter_text(chapter, chapter.paragraphs.all()).text
    for n in range(annotations):
        start = text.index(f"paragraph {n % paragraphs + 1}.")
        annotate(reader, chapter, start=start, end=start + 9, tag_names=[f"tag {n % 3}"])
        annotate(other_reader, chapter, start=start + 4, end=start + 11, shared=True)
    return chapter, text


def create(client, chapter, text, **fields):
    start = text.index("paragraph 1.")
    url = reverse("annotation_create", args=[chapter.work_id, chapter.position])
    body = {"utf16_start": start, "utf16_end": start + 11, "exact": "paragraph 1", **fields}
    return lambda: client.post(url, body, headers=HTMX)


def edit(client, annotation, **fields):
    url = reverse("annotation_update", args=[annotation.pk])
    body = {"colour": "green", "note": "Later: *again*.", "audience": "me", **fields}
    return lambda: client.post(url, body, headers=HTMX)


@pytest.mark.parametrize(("paragraphs", "annotations"), [(5, 1), (300, 50)])
def test_saving_a_highlight_costs_the_same_queries_however_full_the_chapter(
    reader_client, reader, other_reader, paragraphs, annotations
):
    chapter, text = annotated_chapter(
        reader, other_reader, paragraphs=paragraphs, annotations=annotations
    )
    reader_client.get(chapter.get_absolute_url())  # the page the reader selects on
    # PostgreSQL replaces a note's search document, and an edited note's links to its tags, in
    # one statement each; SQLite deletes first.
    search = relink = 1 if connection.vendor == "postgresql" else 2

    created = queries(create(reader_client, chapter, text))
    # reader, chapter and work, both held (is the work's text still the one anchored on?), the
    # annotation, its search document, the list's order with the highlights near it
    assert len(created) == 5 + search, created

    tagged = queries(create(reader_client, chapter, text, tags="tag 0, brand new"))
    # and the reader's tags, the new one, the links to them, the annotation's tags for its entry
    # (where a new tag comes in their order is the database's to say), the reader's tags again
    # for the pickers
    assert len(tagged) == 10 + search, tagged

    retagged = queries(create(reader_client, chapter, text, tags="tag 0, brand new"))
    # and the reader's tags, the links to them: no tag is new, the pickers stay as they are
    assert len(retagged) == 7 + search, retagged

    annotation = Annotation.objects.filter(owner=reader).latest("pk")
    edited = queries(edit(reader_client, annotation, tags="brand new, later"))
    # reader, the annotation (with its replies' count), its row, the reader's tags, the new
    # one, its links (those it no longer has, and those it has), its search document, its tags
    # for its entry, the list's order with the highlights near it, the reader's tags for the
    # pickers
    assert len(edited) == 8 + relink + search, edited

    edited_again = queries(edit(reader_client, annotation, tags="tag 0, later"))
    # as before, but no tag is new: no tag to make, none to read for its entry or the pickers
    assert len(edited_again) == 5 + relink + search, edited_again

    deleted = queries(
        lambda: reader_client.post(reverse("annotation_delete", args=[annotation.pk]), headers=HTMX)
    )
    # reader, the annotation, its row, its search document, the list's order with the
    # highlights near it
    assert len(deleted) == 4 + search, deleted


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_saving_highlights_plans_their_statements_once(reader_client, reader, other_reader):
    """Planning a note's search document anew cost twenty times more than running it: after a
    few saves, PostgreSQL runs the plans it kept (fics.db.prepared_cursor)."""
    chapter, text = annotated_chapter(reader, other_reader, paragraphs=5, annotations=1)
    for _ in range(7):
        assert create(reader_client, chapter, text)().status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans FROM pg_prepared_statements")
        kept = dict(cursor.fetchall())
    searched = [kept[s] for s in kept if s.startswith("WITH replaced AS (DELETE FROM search_")]
    held = [kept[s] for s in kept if s.endswith("FOR KEY SHARE")]
    assert searched and searched[0] > 0, kept
    assert held and held[0] > 0, kept
