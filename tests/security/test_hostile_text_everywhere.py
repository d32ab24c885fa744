"""Text that others wrote — a story file's every field, another reader's shared note and tag, an
uploaded file's name — never reaches a page as markup: every HTML page of the app is opened with
a payload in each of those places, and none shows it unescaped."""

import pytest
from django.test import Client
from django.urls import get_resolver

from annotations.models import Tag
from fics.models import ImportJob, Work
from tests.annotations.conftest import annotate
from tests.security.test_csrf_everywhere import every_path

pytestmark = pytest.mark.django_db

PAYLOAD = '<img src=x onerror=alert(1)>"><script>alert(2)</script>'
# What would run if any of it were copied into a page unescaped.
MARKUP = ("<img src=x", "<script>alert")


def hostile_library(reader, other_reader) -> None:
    """Object 1 of every kind, each text field carrying the payload."""
    work = Work.objects.create(
        pk=1,
        title=PAYLOAD,
        author=PAYLOAD,
        fandom=PAYLOAD,
        summary=PAYLOAD,
        notes=PAYLOAD,
        end_notes=PAYLOAD,
        rating=PAYLOAD[:60],
        warnings=[PAYLOAD],
        relationships=[PAYLOAD],
        additional_tags=[PAYLOAD],
        characters=[PAYLOAD],
        suggested_characters=[PAYLOAD],
        source_name=PAYLOAD,
        content_hash="hostile",
        imported_by=reader,
    )
    chapter = work.chapters.create(
        position=1, title=PAYLOAD, notes_before=PAYLOAD, notes_after=PAYLOAD
    )
    chapter.paragraphs.create(position=1, text=f"Plain words first. {PAYLOAD} And after.")
    Tag.objects.create(pk=1, owner=reader, name=PAYLOAD[:80])
    annotate(reader, chapter, start=0, end=5, note=PAYLOAD, tag_names=[PAYLOAD[:80]])
    annotate(other_reader, chapter, start=6, end=11, note=PAYLOAD, shared=True, tag_names=[PAYLOAD])
    ImportJob.objects.create(pk=1, owner=reader, name=PAYLOAD, status="finished", outcome="failed")


def reader_pages():
    """Every page a reader opens with a GET (the admin's are the staff's own)."""
    return sorted(
        path for path in every_path(get_resolver().url_patterns) if not path.startswith("/admin/")
    )


def test_no_page_shows_others_text_as_markup(reader, other_reader):
    hostile_library(reader, other_reader)
    client = Client()
    client.force_login(reader)
    pages = [*reader_pages(), "/?q=img", "/import/?job=1", "/works/1/read/?from=1"]

    opened = {}
    for path in pages:
        answer = client.get(path)
        if answer.status_code == 200 and answer["Content-Type"].startswith("text/html"):
            opened[path] = answer.content.decode()

    # The pages that show the payload were opened, and show it as text.
    for path in ("/", "/works/1/", "/works/1/chapters/1/", "/tags/", "/tags/1/", "/import/?job=1"):
        assert path in opened
        assert "&lt;img src=x onerror=alert(1)&gt;" in opened[path], path
    unescaped = {path: [m for m in MARKUP if m in body] for path, body in opened.items()}
    assert {path: found for path, found in unescaped.items() if found} == {}
