"""The tags page's strip across works, and a tag's page by work and in story or date order."""

import pytest
from django.urls import reverse

from annotations import tag_views
from tests.annotations.conftest import annotate
from tests.conftest import make_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(reader, other_reader):
    first = make_work(title="A River")
    second = make_work(title="B Stone")
    one, two = first.chapters.all()
    three = second.chapters.get(position=1)
    passages = [
        annotate(reader, two, start=0, end=9, tag_names=["Lexa"]),
        annotate(reader, one, start=0, end=9, tag_names=["Lexa"]),
        annotate(reader, three, start=0, end=9, tag_names=["Lexa"]),
        annotate(other_reader, three, start=0, end=9, tag_names=["Lexa"], shared=True),
    ]
    return first, second, passages


def test_each_tag_has_a_strip_across_my_works(reader_client, tagged):
    first, _second, passages = tagged
    lexa = passages[0].tags.get()

    page = reader_client.get(reverse("tags")).content.decode()

    tag_url = reverse("tag", args=[lexa.pk])
    assert f'<a href="{tag_url}?work={first.pk}">' in page
    assert "<title>A River: 2 passages</title>" in page
    assert "<title>B Stone: 1 passage</title>" in page


def test_a_tags_page_filtered_by_work(reader_client, tagged):
    _first, second, passages = tagged
    lexa = passages[0].tags.get()

    page = reader_client.get(reverse("tag", args=[lexa.pk]), {"work": second.pk})

    assert list(page.context["page"].object_list) == [passages[2]]
    assert f'<option value="{second.pk}" selected>' in page.content.decode()


def test_story_order_and_date_order(reader_client, tagged):
    _first, _second, passages = tagged
    lexa = passages[0].tags.get()
    url = reverse("tag", args=[lexa.pk])

    story = list(reader_client.get(url).context["page"].object_list)
    newest = list(reader_client.get(url, {"order": "date"}).context["page"].object_list)

    assert story == [passages[1], passages[0], passages[2]]
    assert newest == [passages[2], passages[1], passages[0]]


def test_pages_follow_on_across_chapters_and_works_in_either_order(
    reader_client, reader, tagged, monkeypatch
):
    first, _second, passages = tagged
    one, two = first.chapters.all()
    later_in_one = annotate(reader, one, start=20, end=29, tag_names=["Lexa"])
    later_in_two = annotate(reader, two, start=20, end=29, tag_names=["Lexa"])
    url = reverse("tag", args=[passages[0].tags.get().pk])
    monkeypatch.setattr(tag_views, "PASSAGES_PER_PAGE", 3)

    def pages(**query):
        return [
            list(reader_client.get(url, {**query, "page": n}).context["page"].object_list)
            for n in (1, 2)
        ]

    assert pages() == [[passages[1], later_in_one, passages[0]], [later_in_two, passages[2]]]
    assert pages(order="date") == [[later_in_two, later_in_one, passages[2]], passages[1::-1]]
    assert pages(work=first.pk) == [[passages[1], later_in_one, passages[0]], [later_in_two]]


def test_an_unknown_work_or_order_falls_back_to_everything_in_story_order(reader_client, tagged):
    _first, _second, passages = tagged
    lexa = passages[0].tags.get()

    response = reader_client.get(reverse("tag", args=[lexa.pk]), {"work": "999", "order": "x"})

    assert len(response.context["page"].object_list) == 3
    assert response.context["order"] == "story"


def test_the_strips_numbers_as_csv(reader_client, tagged):
    response = reader_client.get(reverse("tags_csv"))

    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == [
        "tag,kind,work,passages",
        "Lexa,other,A River,2",
        "Lexa,other,B Stone,1",
    ]
