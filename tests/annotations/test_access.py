"""Three readers on every annotation and tag URL: the owner, another reader, and nobody."""

import pytest
from django.urls import reverse

from annotations.models import Annotation, Tag

pytestmark = pytest.mark.django_db

ANNOTATION_POSTS = ["annotation_update", "annotation_delete", "annotation_restore"]
TAG_POSTS = ["tag_edit", "tag_merge", "tag_delete"]


def test_logged_out_visitors_are_sent_to_log_in(client, own_annotation):
    tag = Tag.objects.get()
    urls = [reverse("annotation", args=[own_annotation.pk]), reverse("tags")]
    urls += [reverse("tag", args=[tag.pk]), reverse("tag_delete", args=[tag.pk])]
    for url in urls:
        assert client.get(url).url.startswith(reverse("login"))
    for name in ANNOTATION_POSTS:
        response = client.post(reverse(name, args=[own_annotation.pk]), {"note": "x"})
        assert response.url.startswith(reverse("login"))
    for name in TAG_POSTS:
        response = client.post(reverse(name, args=[tag.pk]), {"name": "x"})
        assert response.url.startswith(reverse("login"))
    chapter = own_annotation.chapter
    create = reverse("annotation_create", args=[chapter.work_id, chapter.position])
    assert client.post(create, {}).url.startswith(reverse("login"))
    assert Annotation.objects.get().note == "mine"


def test_another_readers_private_annotation_is_404_everywhere(client, other_reader, own_annotation):
    client.force_login(other_reader)
    tag = Tag.objects.get()

    assert client.get(reverse("annotation", args=[own_annotation.pk])).status_code == 404
    assert client.get(reverse("annotation_update", args=[own_annotation.pk])).status_code == 404
    for name in ANNOTATION_POSTS:
        response = client.post(reverse(name, args=[own_annotation.pk]), {"note": "hijacked"})
        assert response.status_code == 404
    for name in TAG_POSTS:
        response = client.post(reverse(name, args=[tag.pk]), {"name": "hijacked"})
        assert response.status_code == 404
    assert client.get(reverse("tag", args=[tag.pk])).status_code == 404
    assert client.get(reverse("tag_delete", args=[tag.pk])).status_code == 404

    own_annotation.refresh_from_db()
    assert (own_annotation.note, own_annotation.deleted_at) == ("mine", None)
    assert Tag.objects.get().name == "Lexa"


def test_private_annotation_never_shows_on_another_readers_pages(
    client, other_reader, own_annotation
):
    client.force_login(other_reader)
    chapter = own_annotation.chapter

    pages = [
        client.get(chapter.get_absolute_url()),
        client.get(chapter.get_absolute_url(), headers={"HX-Request": "true"}),
        client.get(reverse("tags")),
    ]

    for page in pages:
        body = page.content.decode()
        assert "mine" not in body
        assert f'data-annotation="{own_annotation.pk}"' not in body
        assert "Lexa" not in body


def test_shared_annotation_is_read_only_for_other_readers(client, reader, others_shared):
    client.force_login(reader)
    chapter = others_shared.chapter

    body = client.get(chapter.get_absolute_url()).content.decode()

    assert f'data-annotation="{others_shared.pk}"' in body
    assert "bob shares this" in body
    assert "Shared by bob" in body
    assert reverse("annotation_update", args=[others_shared.pk]) not in body
    response = client.post(reverse("annotation_delete", args=[others_shared.pk]))
    assert response.status_code == 404
    assert client.get(reverse("annotation", args=[others_shared.pk])).status_code == 302


def test_shared_annotations_hide_when_showing_mine(client, reader, others_shared, others_private):
    client.force_login(reader)
    url = others_shared.chapter.get_absolute_url()
    work = others_shared.chapter.work_id
    assert "bob&#x27;s secret" not in client.get(url).content.decode()

    choose = {"work": work, "next": url}
    client.post(reverse("reading_preferences"), {**choose, "view": "own"})
    hidden = client.get(url).content.decode()
    client.post(reverse("reading_preferences"), {**choose, "view": "all"})
    shown = client.get(url).content.decode()

    assert "bob shares this" not in hidden
    assert "bob shares this" in shown


def test_reading_preferences_never_redirect_elsewhere(reader_client):
    response = reader_client.post(
        reverse("reading_preferences"), {"toggle": "hide_shared", "next": "https://evil.example/"}
    )
    assert response.url == reverse("library")


# Merging and deleting a tag answer GET with the page that asks first.
@pytest.mark.parametrize("name", ["annotation_delete", "annotation_restore", "tag_edit"])
def test_state_changing_urls_refuse_get(reader_client, own_annotation, name):
    pk = Tag.objects.get().pk if name.startswith("tag") else own_annotation.pk
    assert reader_client.get(reverse(name, args=[pk])).status_code == 405


def test_state_changing_requests_need_the_csrf_token(reader, own_annotation):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reader)

    response = strict.post(reverse("annotation_delete", args=[own_annotation.pk]))

    assert response.status_code == 403
    assert "Please try again" in response.content.decode()
    own_annotation.refresh_from_db()
    assert own_annotation.deleted_at is None


def test_htmx_requests_from_a_logged_out_browser_load_the_login_page_whole(client, work):
    response = client.get(work.chapters.first().get_absolute_url(), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))
