import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.exports.collect import ExportScope, collect_export
from annotations.exports.importing import annotations_import
from annotations.exports.web_annotation import (
    ExportFileError,
    export_web_annotation,
    read_web_annotation,
)
from annotations.models import Annotation, Tag
from annotations.note_html import render_note

pytestmark = pytest.mark.django_db


def exported(work, reader, **scope) -> str:
    record = collect_export(work=work, reader=reader, scope=ExportScope(**scope))
    return export_web_annotation(record)


def snapshot(user) -> set[tuple]:
    return {
        (
            a.chapter_id,
            a.start,
            a.end,
            a.exact,
            a.colour,
            a.note,
            a.note_html,
            a.segment,
            a.spoiler,
            frozenset((t.name, t.kind) for t in a.tags.all()),
        )
        for a in Annotation.objects.filter(owner=user).prefetch_related("tags")
    }


def test_round_trip_brings_back_spans_colours_tags_notes_and_spoiler_marks(story, reader):
    Annotation.objects.filter(pk=story.mine[0].pk).update(spoiler=True)
    before = snapshot(reader)
    data = exported(story.work, reader)
    Annotation.objects.filter(owner=reader).delete()
    Tag.objects.filter(owner=reader).delete()

    report = annotations_import(user=reader, imported=read_web_annotation(data))

    assert (report.created, report.duplicates, report.problems) == (len(story.mine), 0, [])
    assert snapshot(reader) == before
    assert all(a.note_html == render_note(a.note) for a in Annotation.objects.all())


def test_importing_twice_skips_what_the_reader_already_has(story, reader):
    data = exported(story.work, reader)

    report = annotations_import(user=reader, imported=read_web_annotation(data))

    assert (report.created, report.duplicates) == (0, len(story.mine))
    assert Annotation.objects.filter(owner=reader).count() == len(story.mine)


def test_another_reader_imports_a_copy_of_their_own(story, reader, other_reader):
    data = exported(story.work, reader)

    report = annotations_import(user=other_reader, imported=read_web_annotation(data))

    assert report.created == len(story.mine)
    copies = Annotation.objects.filter(owner=other_reader, shared=False)
    assert {a.exact for a in copies} >= {a.exact for a in story.mine}
    assert Tag.objects.get(owner=other_reader, name="angst").kind == "theme"


def test_annotations_that_cannot_be_placed_are_each_reported(story, reader):
    document = json.loads(exported(story.work, reader))
    items = document["first"]["items"]
    items[0]["target"]["selector"][0]["exact"] = "words the story never had"
    items[1]["target"]["marginalia:chapter"]["position"] = 9
    items[2]["target"] = "not a target"
    Annotation.objects.filter(owner=reader).delete()

    report = annotations_import(user=reader, imported=read_web_annotation(json.dumps(document)))

    assert report.created == len(story.mine) - 3
    assert len(report.problems) == 3
    assert any("#1" in p and "no longer in the chapter" in p for p in report.problems)
    assert any("#2" in p and "has no chapter 9" in p for p in report.problems)
    assert any(p.startswith("#3: not readable") for p in report.problems)


def test_moved_words_are_found_by_their_quote(story, reader):
    document = json.loads(exported(story.work, reader, chapter=2))
    for item in document["first"]["items"]:
        item["target"]["selector"][1]["start"] += 3
        item["target"]["selector"][1]["end"] += 3
    Annotation.objects.filter(owner=reader).delete()

    annotations_import(user=reader, imported=read_web_annotation(json.dumps(document)))

    placed = Annotation.objects.get(owner=reader, chapter=story.second)
    original = story.mine[-1]
    assert (placed.start, placed.end, placed.exact) == (original.start, original.end, "Lexa smiled")


def test_a_work_not_in_the_library_reports_every_annotation(story, reader):
    document = json.loads(exported(story.work, reader))
    document["marginalia:work"].update(contentHash="0" * 64, title="Another Story")
    for number, item in enumerate(document["first"]["items"]):
        item["target"]["selector"][0]["exact"] = f"words of another story, number {number}"

    report = annotations_import(user=reader, imported=read_web_annotation(json.dumps(document)))

    assert report.work is None and report.created == 0
    assert len(report.problems) == len(story.mine)
    assert all("no work “Another Story”" in problem for problem in report.problems)


def test_the_work_is_found_by_title_and_author_when_the_file_changed(story, reader):
    document = json.loads(exported(story.work, reader))
    document["marginalia:work"]["contentHash"] = "0" * 64
    Annotation.objects.filter(owner=reader).delete()

    report = annotations_import(user=reader, imported=read_web_annotation(json.dumps(document)))

    assert report.work == story.work
    assert report.created == len(story.mine)


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfe not json", b"[1, 2]", b'{"type": "AnnotationCollection"}'],
)
def test_files_that_are_not_exports_are_refused(data):
    with pytest.raises(ExportFileError):
        read_web_annotation(data)


def test_import_page_imports_an_uploaded_export(reader_client, story, reader):
    data = exported(story.work, reader).encode()
    Annotation.objects.filter(owner=reader).delete()
    upload = SimpleUploadedFile("export.json", data, content_type="application/json")

    page = reader_client.post(reverse("import_annotations"), {"file": upload})

    assert page.status_code == 200
    assert f"Imported {len(story.mine)} annotation(s) into “Stormy Nights: A Tale”" in (
        page.content.decode()
    )
    assert Annotation.objects.filter(owner=reader).count() == len(story.mine)


def test_import_page_says_what_is_wrong_with_a_bad_file(reader_client):
    assert reader_client.get(reverse("import_annotations")).status_code == 200
    upload = SimpleUploadedFile("notes.json", b"hello", content_type="application/json")

    page = reader_client.post(reverse("import_annotations"), {"file": upload})

    assert page.status_code == 400
    assert "This is not a JSON file" in page.content.decode()


def test_the_chapter_text_is_read_under_the_chapters_lock(story, reader):
    # As annotation_create does: an update of the work cannot slip between reading the text and
    # placing the annotations on it.
    data = exported(story.work, reader)
    Annotation.objects.filter(owner=reader).delete()

    with CaptureQueriesContext(connection) as queries:
        annotations_import(user=reader, imported=read_web_annotation(data))

    statements = [query["sql"] for query in queries.captured_queries]
    # Pytest's test transaction makes the import's atomic block a savepoint.
    begin = next(i for i, sql in enumerate(statements) if sql.startswith("SAVEPOINT"))
    chapters = next(i for i, sql in enumerate(statements) if 'FROM "fics_chapter"' in sql)
    paragraphs = next(
        i
        for i, sql in enumerate(statements)
        if 'FROM "fics_paragraph" WHERE "fics_paragraph"."chapter_id"' in sql
    )
    assert begin < chapters < paragraphs
    if connection.vendor == "postgresql":
        assert "FOR KEY SHARE" in statements[chapters]
