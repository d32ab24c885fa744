import pytest
from django.urls import reverse

from annotations.models import Annotation, Tag
from tests.annotations.conftest import annotate
from tests.conftest import make_work

pytestmark = pytest.mark.django_db


def test_tags_page_groups_by_kind_with_counts(reader_client, reader, chapter):
    annotate(reader, chapter, start=30, end=40, tag_names=["Lexa"], tag_kind="character")
    annotate(reader, chapter, start=55, end=65, tag_names=["Lexa", "guilt"], tag_kind="theme")
    Tag.objects.filter(name="guilt").update(kind="theme")

    body = reader_client.get(reverse("tags")).content.decode()

    chip = '">{}</a>'.format
    assert body.index("Characters") < body.index(chip("Lexa")) < body.index("Themes")
    assert body.index("Themes") < body.index(chip("guilt"))
    assert "2 passages" in body and "1 passage" in body


def test_tag_page_lists_passages_across_works_in_reading_order(reader_client, reader):
    first = make_work(title="A First Work")
    second = make_work(title="B Second Work")
    late = annotate(reader, first.chapters.get(position=2), start=30, end=40, tag_names=["Lexa"])
    early = annotate(
        reader, first.chapters.get(position=1), start=55, end=65, tag_names=["Lexa"], note="**x**"
    )
    other = annotate(reader, second.chapters.get(position=1), start=30, end=40, tag_names=["lexa"])

    body = reader_client.get(reverse("tag", args=[Tag.objects.get().pk])).content.decode()

    positions = [
        body.index(a.get_absolute_url().replace("&", "&amp;")) for a in (early, late, other)
    ]
    assert positions == sorted(positions)
    assert body.index("A First Work") < body.index("B Second Work")
    assert "<strong>x</strong>" in body
    assert f"?highlight={early.pk}#p2" in early.get_absolute_url()


def test_rename_recolour_and_change_kind(reader_client, own_annotation):
    tag = Tag.objects.get()

    reader_client.post(
        reverse("tag_edit", args=[tag.pk]),
        {"name": "Commander Lexa", "kind": "character", "colour": "green"},
    )

    tag.refresh_from_db()
    assert (tag.name, tag.kind, tag.colour) == ("Commander Lexa", "character", "green")


def test_renaming_onto_an_existing_name_asks_to_merge(reader_client, reader, chapter):
    annotate(reader, chapter, start=30, end=40, tag_names=["Lexa", "Heda"])
    heda = Tag.objects.get(name="Heda")

    reader_client.post(
        reverse("tag_edit", args=[heda.pk]), {"name": "lexa", "kind": "other", "colour": "blue"}
    )

    response = reader_client.get(reverse("tags"))
    assert "merge them instead" in response.content.decode()
    assert Tag.objects.filter(name="Heda").exists()


def test_merge_moves_every_passage_and_keeps_annotations(reader_client, reader, chapter):
    both = annotate(reader, chapter, start=30, end=40, tag_names=["Lexa", "Heda"])
    only_heda = annotate(reader, chapter, start=55, end=65, tag_names=["Heda"])
    lexa, heda = Tag.objects.get(name="Lexa"), Tag.objects.get(name="Heda")

    reader_client.post(reverse("tag_merge", args=[heda.pk]), {"into": lexa.pk})

    assert list(Tag.objects.values_list("name", flat=True)) == ["Lexa"]
    assert set(lexa.annotations.all()) == {both, only_heda}


def test_cannot_merge_into_another_readers_tag(reader_client, other_reader, own_annotation):
    theirs = Tag.objects.create(owner=other_reader, name="Theirs")

    reader_client.post(
        reverse("tag_merge", args=[Tag.objects.get(name="Lexa").pk]), {"into": theirs.pk}
    )

    assert Tag.objects.filter(name="Lexa").exists()
    assert not theirs.annotations.exists()


def test_delete_asks_first_and_never_deletes_annotations(reader_client, own_annotation):
    tag = Tag.objects.get()

    confirm = reader_client.get(reverse("tag_delete", args=[tag.pk])).content.decode()
    assert "1 passage carries this tag" in confirm
    assert Tag.objects.exists()

    reader_client.post(reverse("tag_delete", args=[tag.pk]))

    assert not Tag.objects.exists()
    assert Annotation.objects.get().note == "mine"


def test_tags_with_accented_capitals_are_found_again(reader, chapter):
    annotate(reader, chapter, start=30, end=40, tag_names=["Élise", "Weiß"])

    annotate(reader, chapter, start=55, end=65, tag_names=["élise", "WEISS"])

    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Weiß", "Élise"]
    assert all(tag.annotations.count() == 2 for tag in Tag.objects.all())
