import json
import re

import pytest

from annotations.exports.collect import ExportScope, collect_export
from annotations.exports.web_annotation import export_web_annotation
from annotations.models import Annotation

pytestmark = pytest.mark.django_db

DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def assert_web_annotation_collection(document: dict) -> list[dict]:
    """The shape the W3C Web Annotation Data Model asks for, as far as we use it; returns the
    annotations."""
    context = document["@context"]
    assert context[0] == "http://www.w3.org/ns/anno.jsonld"
    assert context[1]["marginalia"].startswith("https://")
    assert document["type"] == "AnnotationCollection"
    assert isinstance(document["id"], str) and ":" in document["id"]
    assert isinstance(document["label"], str)
    for key in ("title", "author", "contentHash"):
        assert isinstance(document["marginalia:work"][key], str)
    if document["total"] == 0:
        assert "first" not in document
        return []
    page = document["first"]
    assert page["type"] == "AnnotationPage"
    assert page["partOf"] == document["id"]
    assert page["startIndex"] == 0
    items = page["items"]
    assert len(items) == document["total"]
    for item in items:
        assert item["type"] == "Annotation"
        assert isinstance(item["id"], str) and ":" in item["id"]
        assert item["motivation"] in {"highlighting", "tagging", "commenting"}
        assert item["creator"]["type"] == "Person"
        assert DATE.match(item["created"]) and DATE.match(item["modified"])
        target = item["target"]
        assert isinstance(target["source"], str)
        quote, position = target["selector"]
        assert quote["type"] == "TextQuoteSelector"
        assert all(isinstance(quote[key], str) for key in ("exact", "prefix", "suffix"))
        assert position["type"] == "TextPositionSelector"
        assert 0 <= position["start"] < position["end"]
        assert isinstance(target["marginalia:chapter"]["position"], int)
        for body in item.get("body", []):
            assert body["type"] == "TextualBody"
            assert body["purpose"] in {"tagging", "commenting"}
            assert isinstance(body["value"], str)
            if body["purpose"] == "tagging":
                assert body["marginalia:tagKind"] in {"character", "theme", "other"}
            else:
                assert body["format"] == "text/markdown"
    return items


def test_json_is_a_web_annotation_collection_of_the_readers_annotations(story, reader):
    spoiler = story.mine[1]
    Annotation.objects.filter(pk=spoiler.pk).update(spoiler=True)
    record = collect_export(work=story.work, reader=reader, scope=ExportScope())
    items = assert_web_annotation_collection(json.loads(export_web_annotation(record)))

    by_exact = {item["target"]["selector"][0]["exact"]: item for item in items}
    assert set(by_exact) == {a.exact for a in story.mine}
    for annotation in story.mine:
        item = by_exact[annotation.exact]
        quote, position = item["target"]["selector"]
        assert (position["start"], position["end"]) == (annotation.start, annotation.end)
        assert (quote["prefix"], quote["suffix"]) == (annotation.prefix, annotation.suffix)
        assert item["marginalia:colour"] == annotation.colour
        assert item["marginalia:spoiler"] is (annotation.pk == spoiler.pk)
        bodies = item.get("body", [])
        tags = {(b["value"], b["marginalia:tagKind"]) for b in bodies if b["purpose"] == "tagging"}
        assert tags == {(t.name, t.kind) for t in annotation.tags.all()}
        notes = [b["value"] for b in bodies if b["purpose"] == "commenting"]
        assert notes == ([annotation.note] if annotation.note else [])
        assert item["target"]["source"] == (
            f"urn:marginalia:work:{story.work.content_hash}:chapter:{annotation.chapter.position}"
        )


def test_json_uses_web_addresses_when_it_knows_the_site(story, reader):
    record = collect_export(
        work=story.work, reader=reader, scope=ExportScope(chapter=2), base_url="https://m.example/"
    )
    document = json.loads(export_web_annotation(record))
    items = assert_web_annotation_collection(document)

    assert document["marginalia:onlyChapter"] == 2
    assert [item["target"]["source"] for item in items] == [
        f"https://m.example/works/{story.work.pk}/chapters/2/"
    ]
    assert items[0]["id"] == f"https://m.example/annotations/{story.mine[-1].pk}/"


def test_an_empty_export_is_still_a_valid_collection(story, other_reader):
    record = collect_export(work=story.work, reader=other_reader, scope=ExportScope(colour="pink"))

    assert assert_web_annotation_collection(json.loads(export_web_annotation(record))) == []


def test_json_keeps_other_readers_private_annotations_out(story, reader):
    record = collect_export(work=story.work, reader=reader, scope=ExportScope(include_shared=True))
    text = export_web_annotation(record)

    assert "bob's secret" not in text
    assert "bob shares this" in text
