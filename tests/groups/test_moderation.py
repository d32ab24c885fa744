"""A group's moderators hide an annotation or a reply from the group; its author keeps it,
with the note why."""

import pytest
from django.urls import reverse

from annotations import thread_services
from groups import services as group_services
from tests.annotations.conftest import annotate
from tests.groups.conftest import client_of

pytestmark = pytest.mark.django_db


def test_a_moderator_hides_an_annotation_and_its_author_keeps_it(reader, other_reader, group_note):
    alice, bob = client_of(reader), client_of(other_reader)
    chapter_url = group_note.chapter.get_absolute_url()
    assert "club secret" in alice.get(chapter_url).content.decode()  # cached now

    response = alice.post(
        reverse("annotation_hide", args=[group_note.pk]),
        {"note": "spoilers"},
        headers={"HX-Request": "true"},
    )

    assert f'id="annotation-{group_note.pk}" hx-swap-oob="delete"' in response.content.decode()
    assert "club secret" not in alice.get(chapter_url).content.decode()
    assert (
        "club secret"
        not in alice.get(reverse("group", args=[group_note.group_id])).content.decode()
    )
    own = bob.get(chapter_url).content.decode()
    assert "club secret" in own
    assert "Hidden from the group by a moderator: spoilers" in own


def test_a_moderator_hides_a_reply(reader, other_reader, group_note):
    answer = thread_services.reply_create(
        annotation=group_note, author=other_reader, text="rude words", in_reply_to=None
    )
    alice = client_of(reader)
    thread_url = reverse("annotation_thread", args=[group_note.pk])
    assert "Hide from the group" in alice.get(thread_url).content.decode()

    alice.post(reverse("reply_hide", args=[answer.pk]), {"note": "be kind"})

    assert "rude words" not in alice.get(thread_url).content.decode()
    assert "Reply</a>" in alice.get(group_note.chapter.get_absolute_url()).content.decode()
    bobs = client_of(other_reader).get(thread_url).content.decode()
    assert "rude words" in bobs and "Hidden from the group by a moderator: be kind" in bobs


def test_a_promoted_member_moderates(reader, other_reader, group, chapter):
    note = annotate(reader, chapter, start=55, end=70, note="alice's aside", group=group)
    bob = client_of(other_reader)
    hide = reverse("annotation_hide", args=[note.pk])
    assert bob.post(hide, {"note": "no"}).status_code == 403

    group_services.moderator_set(group=group, user=other_reader, moderator=True)

    assert bob.post(hide, {"note": "off topic"}).status_code == 302
    note.refresh_from_db()
    assert (note.hidden_note, note.hidden_at is not None) == ("off topic", True)


def test_nothing_shared_with_everyone_can_be_hidden_by_a_group(
    reader, other_reader, group, chapter
):
    note = annotate(other_reader, chapter, start=55, end=70, note="for all", shared=True)
    response = client_of(reader).post(reverse("annotation_hide", args=[note.pk]), {"note": "x"})
    assert response.status_code == 403
