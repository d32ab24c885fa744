"""Issue 11, item 8: a JSON export finds its work by the work's text, whatever its title now."""

import json

import pytest

from annotations.chapter_layout import chapter_text
from annotations.exports.collect import ExportScope, collect_export
from annotations.exports.importing import annotations_import
from annotations.exports.web_annotation import export_web_annotation, read_web_annotation
from annotations.models import Annotation
from fics.importing import OnNewerVersion, Outcome, import_story_file
from fics.models import Work
from tests.annotations.conftest import annotate

pytestmark = pytest.mark.django_db

SEED = "000_a26875ee43b0d3ac.txt"


@pytest.fixture
def seed_bytes(corpus) -> bytes:
    return (corpus / "seeds" / SEED).read_bytes()


@pytest.fixture
def seed_work(seed_bytes, reader) -> Work:
    result = import_story_file(seed_bytes, SEED, reader=reader)
    assert result.outcome is Outcome.IMPORTED
    return result.work


def ten_highlights(work, reader) -> list[Annotation]:
    """The opening words of ten paragraphs, as a reader would mark them."""
    chapter = work.chapters.get(position=1)
    paragraphs = [p for p in chapter.paragraphs.all() if len(p.text) > 60][:10]
    text = chapter_text(chapter, chapter.paragraphs.all()).text
    highlights = []
    for paragraph in paragraphs:
        start = text.index(paragraph.text[:50])
        highlights.append(annotate(reader, chapter, start=start, end=start + 40))
    assert len(highlights) == 10
    return highlights


def export_json(work, reader) -> str:
    return export_web_annotation(collect_export(work=work, reader=reader, scope=ExportScope()))


def rename(work, title: str) -> None:
    Work.objects.filter(pk=work.pk).update(title=title, author="Someone Else")


def test_an_export_imports_after_the_work_is_renamed(seed_work, reader):
    ten_highlights(seed_work, reader)
    data = export_json(seed_work, reader)
    rename(seed_work, "Ashes, Renamed")
    Annotation.objects.filter(owner=reader).delete()

    report = annotations_import(user=reader, imported=read_web_annotation(data))

    assert (report.work, report.created, report.problems) == (seed_work, 10, [])


def test_an_export_imports_after_the_work_is_updated_and_renamed(seed_bytes, seed_work, reader):
    # The steps: a one-word change re-imported (a new content hash), then a new title.
    ten_highlights(seed_work, reader)
    data = export_json(seed_work, reader)
    changed = seed_bytes.replace(b"pressed it against", b"pressed it firmly against")
    updated = import_story_file(
        changed, SEED, on_newer_version=OnNewerVersion.UPDATE, reader=reader
    )
    assert updated.outcome is Outcome.UPDATED
    rename(seed_work, "Ashes, Renamed")
    Annotation.objects.filter(owner=reader).delete()

    report = annotations_import(user=reader, imported=read_web_annotation(data))

    assert (report.work, report.created, report.problems) == (seed_work, 10, [])


def test_the_text_outweighs_a_title_another_work_now_has(seed_work, reader):
    # The exported title now belongs to a different work: the words decide.
    ten_highlights(seed_work, reader)
    document = json.loads(export_json(seed_work, reader))
    document["marginalia:work"]["contentHash"] = "0" * 64
    rename(seed_work, "Ashes, Renamed")
    impostor = import_story_file(
        b"Chapter 1\n\nSomething else entirely, said nobody at all.\n", "other.txt", reader=reader
    ).work
    Work.objects.filter(pk=impostor.pk).update(
        title=document["marginalia:work"]["title"], author=document["marginalia:work"]["author"]
    )
    Annotation.objects.filter(owner=reader).delete()

    report = annotations_import(user=reader, imported=read_web_annotation(json.dumps(document)))

    assert (report.work, report.created) == (seed_work, 10)
