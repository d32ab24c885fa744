"""The scale bench's search index is the one the app would have built: the same documents,
the same vectors, though each distinct paragraph text is read only once."""

import pytest
from django.db import connection

from bench.search_bench import fill_search_index
from fics.importing import import_story_file
from search.models import SearchDocument
from tests.annotations.conftest import annotate

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the scale bench runs on PostgreSQL"
    ),
]

# Paragraphs that repeat, as the bench's pool makes them, and ones the index must prepare:
# a snippet marker, an HTML-looking sign, Chinese.
STORY = (
    "Chapter 1: The Shore\n\nClarke walked to the river at dawn.\n\n"
    "Lexa <waited> by the \ue000water\ue001.\n\nClarke walked to the river at dawn.\n\n"
    "Chapter 2: 河\n\n她走到河边，水很冷。\n\nClarke walked to the river at dawn.\n"
)


def index_rows() -> list[tuple]:
    """Every document with its vector as text; ids aside, which differ between fills."""
    fields = ["kind", "work", "chapter", "annotation", "segment", "owner", "shared", "config"]
    rows = SearchDocument.objects.order_by("pk").values_list(*fields, "body", "vector")
    return sorted((*row[:-1], str(row[-1])) for row in rows)


def test_the_fill_writes_what_the_app_writes(reader):
    work = import_story_file(STORY.encode(), "shore.txt", reader=reader).work
    tagged = annotate(reader, work.chapters.get(position=1), start=0, end=6, note="a *note*")
    tagged.tags.create(owner=reader, name="dawn")
    by_the_app = index_rows()
    assert len([row for row in by_the_app if row[0] == "text"]) == 5

    fill_search_index()

    assert index_rows() == by_the_app
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'search_document'::regclass "
            "AND tgenabled = 'D'"
        )
        assert cursor.fetchone() == (0,)  # every trigger, the app's and the keys', back on
