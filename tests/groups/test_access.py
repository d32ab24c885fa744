"""Four readers on every URL a group's annotations and replies reach: the author (bob), another
member (alice, who owns the group), a reader outside it (carol), and nobody logged in."""

import pytest
from django.urls import reverse

from annotations import thread_services
from annotations.exports.formats import FORMATS
from annotations.models import Annotation, Reply
from groups.models import Membership
from tests.annotations.conftest import annotate
from tests.exports.helpers import epub_text
from tests.groups.conftest import client_of

pytestmark = pytest.mark.django_db

TRACES = ["club secret", "alice answers", "Book club", "ClubTag", "Tuesdays"]


@pytest.fixture
def scene(reader, group, group_note):
    """Bob's group note carries his tag, and Alice answered it."""
    group_note.tags.create(owner=group_note.owner, name="ClubTag")
    reply = thread_services.reply_create(
        annotation=group_note, author=reader, text="alice answers", in_reply_to=None
    )
    return group_note, reply


def reading_pages(client, note: Annotation) -> dict[str, str]:
    """Every page and fragment that could show the note, its thread or its group."""
    chapter, work = note.chapter, note.chapter.work
    urls = {
        "chapter": chapter.get_absolute_url(),
        "work": work.get_absolute_url(),
        "entire work": reverse("work_full", args=[work.pk]),
        "library": reverse("library"),
        "tags": reverse("tags"),
        "groups": reverse("groups"),
        "export form": reverse("export", args=[work.pk]),
    }
    pages = {name: client.get(url) for name, url in urls.items()}
    pages["chapter fragment"] = client.get(urls["chapter"], headers={"HX-Request": "true"})
    for key in FORMATS:
        query = {"scope": "work", "format": key, "include_shared": "on", "include_replies": "on"}
        pages[f"export {key}"] = client.get(reverse("export_download", args=[work.pk]), query)
    return {
        name: epub_text(page.content)
        if page.get("Content-Type") == "application/epub+zip"
        else page.content.decode()
        for name, page in pages.items()
    }


def test_an_outsider_never_sees_a_trace_of_the_group(outsider, scene):
    note, reply = scene
    carol = client_of(outsider)

    for name, body in reading_pages(carol, note).items():
        for trace in TRACES:
            assert trace not in body, f"{trace!r} on {name}"
        assert f"annotation-{note.pk}" not in body, name

    gets = [
        reverse("group", args=[note.group_id]),
        reverse("annotation", args=[note.pk]),
        reverse("annotation_thread", args=[note.pk]),
        reverse("annotation_update", args=[note.pk]),
    ]
    for url in gets:
        assert carol.get(url).status_code == 404, url
    posts = [
        reverse("reply_create", args=[note.pk]),
        reverse("annotation_hide", args=[note.pk]),
        reverse("reply_update", args=[reply.pk]),
        reverse("reply_delete", args=[reply.pk]),
        reverse("reply_hide", args=[reply.pk]),
        reverse("invitation_create", args=[note.group_id]),
        reverse("group_leave", args=[note.group_id]),
        reverse("member_remove", args=[note.group_id, reply.author_id]),
        reverse("group_hand_over", args=[note.group_id, outsider.pk]),
        reverse("moderator_set", args=[note.group_id, outsider.pk]),
    ]
    for url in posts:
        assert carol.post(url, {"text": "x", "note": "x", "moderator": "1"}).status_code == 404
    assert Reply.objects.count() == 1
    assert not Membership.objects.filter(user=outsider).exists()


def test_logged_out_visitors_are_sent_to_log_in(client, scene):
    note, reply = scene
    gets = [
        reverse("groups"),
        reverse("group", args=[note.group_id]),
        reverse("annotation_thread", args=[note.pk]),
        reverse("group_join", args=[note.group.invitations.get().token]),
    ]
    posts = [
        reverse("reply_create", args=[note.pk]),
        reverse("annotation_hide", args=[note.pk]),
        reverse("reply_update", args=[reply.pk]),
        reverse("reply_delete", args=[reply.pk]),
        reverse("reply_hide", args=[reply.pk]),
        reverse("invitation_create", args=[note.group_id]),
        reverse("group_leave", args=[note.group_id]),
    ]
    for url in gets:
        assert client.get(url).url.startswith(reverse("login")), url
    for url in posts:
        assert client.post(url, {"text": "x"}).url.startswith(reverse("login")), url


def test_members_see_the_note_and_its_thread_everywhere_it_is_shown(reader, scene):
    note, _ = scene
    alice = client_of(reader)
    pages = reading_pages(alice, note)

    assert "club secret" in pages["chapter"]
    assert "bob in Book club" in pages["chapter"]
    assert "1 reply" in pages["chapter"]
    assert "club secret" in pages["export md"]
    assert (
        "alice answers" in alice.get(reverse("annotation_thread", args=[note.pk])).content.decode()
    )


def test_only_its_author_changes_a_reply(other_reader, scene):
    _, reply = scene
    bob = client_of(other_reader)
    assert (
        bob.post(reverse("reply_update", args=[reply.pk]), {"text": "bob was here"}).status_code
        == 403
    )
    assert bob.post(reverse("reply_delete", args=[reply.pk])).status_code == 403
    reply.refresh_from_db()
    assert (reply.text, reply.deleted_at) == ("alice answers", None)


def test_only_a_moderator_hides(reader, other_reader, scene):
    note, reply = scene
    bob = client_of(other_reader)  # a member, not a moderator
    assert bob.post(reverse("reply_hide", args=[reply.pk]), {"note": "no"}).status_code == 403
    own = annotate(reader, note.chapter, start=55, end=70, group=note.group)
    assert bob.post(reverse("annotation_hide", args=[own.pk]), {"note": "no"}).status_code == 403
    assert not Annotation.objects.filter(hidden_at__isnull=False).exists()


def test_a_reader_who_leaves_the_group_stops_seeing_it(other_reader, reader, scene, group):
    note, _ = scene
    own = annotate(reader, note.chapter, start=55, end=70, group=group)
    bob = client_of(other_reader)
    assert f"annotation-{own.pk}" in bob.get(note.chapter.get_absolute_url()).content.decode()

    bob.post(reverse("group_leave", args=[group.pk]))

    page = bob.get(note.chapter.get_absolute_url()).content.decode()
    assert f"annotation-{own.pk}" not in page
    assert "club secret" in page  # his own stays his
    assert bob.get(reverse("annotation_thread", args=[own.pk])).status_code == 404


def test_a_group_note_is_found_by_members_and_by_nobody_else(group_note, reader, outsider):
    def found_by(user) -> bool:
        page = client_of(user).get(reverse("search"), {"q": "club secret"}).content.decode()
        return "Nothing matches" not in page

    assert found_by(reader)
    assert not found_by(outsider)
