"""What a reader's browser posts for a highlight is checked before anything is saved, and the
page is told in words what was wrong (annotate.js shows the text of a 400)."""

import pytest
from django.urls import reverse

from annotations.models import Annotation
from tests.annotations.test_annotation_views import chapter_text, create_url

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def selection(chapter, **fields) -> dict:
    start = chapter_text(chapter).index("paragraph 2")
    return {"utf16_start": start, "utf16_end": start + 11, "exact": "paragraph 2", **fields}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"utf16_start": "twelve"}, "Selection start: Enter a whole number."),
        ({"utf16_end": "-4"}, "Selection end: Ensure this value is greater than or equal to 0."),
        ({"exact": ""}, "Selected text: This field is required."),
        ({"note": "a\x00b"}, "Note: Null characters are not allowed."),
        (
            {"tags": "x" * 2001},
            "Tags: Ensure this value has at most 2000 characters (it has 2001).",
        ),
        ({"colour": "plaid"}, "Select a valid choice. plaid is not one of the available choices."),
        ({"audience": "the world"}, "Who sees it: Choose only me, one of your groups or everyone."),
    ],
)
def test_a_malformed_highlight_is_refused_with_what_was_wrong(
    reader_client, chapter, fields, message
):
    response = reader_client.post(create_url(chapter), selection(chapter, **fields), headers=HTMX)

    assert response.status_code == 400
    assert response.content.decode() == message
    assert not Annotation.objects.exists()


def test_ticked_boxes_share_the_note_and_mark_it_a_spoiler(reader_client, chapter):
    posted = selection(chapter, shared="on", spoiler="true", tags=" Clarke , , guilt ")

    assert reader_client.post(create_url(chapter), posted, headers=HTMX).status_code == 200

    annotation = Annotation.objects.get()
    assert (annotation.shared, annotation.spoiler, annotation.group) == (True, True, None)
    assert sorted(annotation.tags.values_list("name", flat=True)) == ["Clarke", "guilt"]


def test_an_edit_with_unticked_boxes_makes_the_note_private_again(reader_client, own_annotation):
    own_annotation.shared = own_annotation.spoiler = True
    own_annotation.save()
    url = reverse("annotation_update", args=[own_annotation.pk])

    response = reader_client.post(url, {"note": "mine", "shared": "false"}, headers=HTMX)

    assert response.status_code == 200
    own_annotation.refresh_from_db()
    assert (own_annotation.shared, own_annotation.spoiler) == (False, False)


@pytest.mark.parametrize("unticked", ["", "false", "False", "0"])
def test_a_box_sent_unticked_keeps_the_note_private(reader_client, chapter, unticked):
    posted = selection(chapter, shared=unticked, spoiler=unticked)

    assert reader_client.post(create_url(chapter), posted, headers=HTMX).status_code == 200

    annotation = Annotation.objects.get()
    assert (annotation.shared, annotation.spoiler) == (False, False)


def test_the_audience_is_read_without_the_spaces_around_it(reader_client, chapter):
    posted = selection(chapter, audience=" everyone\n")

    assert reader_client.post(create_url(chapter), posted, headers=HTMX).status_code == 200

    assert Annotation.objects.get().shared
