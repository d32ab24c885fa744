import pytest
from django.urls import reverse

from annotations import services
from annotations.models import Annotation, Tag
from annotations.tag_views import PASSAGES_PER_PAGE, TAGS_PER_PAGE
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


def test_merge_asks_first_and_offers_only_the_readers_other_tags(
    reader_client, reader, other_reader
):
    heda = Tag.objects.create(owner=reader, name="Heda")
    Tag.objects.create(owner=reader, name="Lexa")
    Tag.objects.create(owner=other_reader, name="Bob's tag")

    page = reader_client.get(reverse("tag_merge", args=[heda.pk])).content.decode()

    assert "cannot be undone" in page
    assert ">Lexa</option>" in page and ">Heda</option>" not in page and "Bob" not in page
    assert Tag.objects.filter(name="Heda").exists()  # nothing merged by looking


def test_many_tags_and_passages_come_in_pages(reader_client, reader, chapter):
    Tag.objects.bulk_create(Tag(owner=reader, name=f"tag {n:03}") for n in range(TAGS_PER_PAGE + 3))
    lexa = Tag.objects.create(owner=reader, name="Lexa")
    for n in range(PASSAGES_PER_PAGE + 2):
        annotate(reader, chapter, start=n % 20, end=n % 20 + 5, tag_names=["Lexa"])

    tags_page = reader_client.get(reverse("tags")).content.decode()
    last_page = reader_client.get(reverse("tags"), {"page": 2}).content.decode()
    passages = reader_client.get(reverse("tag", args=[lexa.pk])).content.decode()
    more = reader_client.get(reverse("tag", args=[lexa.pk]), {"page": 2}).content.decode()

    assert tags_page.count('class="tag-row"') == TAGS_PER_PAGE
    assert last_page.count('class="tag-row"') == 4 and "Page 2 of 2" in last_page
    assert passages.count('class="passage"') == PASSAGES_PER_PAGE
    assert more.count('class="passage"') == 2


def test_new_tags_take_colours_of_their_own(reader):
    tags = services.tags_get_or_create(user=reader, names=["Lexa", "guilt", "found family"])
    more = services.tags_get_or_create(user=reader, names=["hope"])

    colours = [tag.colour for tag in tags + more]
    assert len(set(colours)) == 4
