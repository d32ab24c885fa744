"""Who sees an annotation: only me, one of my groups, or everyone; and whose the chapter page
shows, chosen per work."""

import pytest
from django.urls import reverse

from annotations import services
from annotations.chapter_layout import chapter_text
from annotations.models import Annotation
from groups import services as group_services
from tests.annotations.conftest import annotate
from tests.conftest import make_work
from tests.groups.conftest import client_of

pytestmark = pytest.mark.django_db


def create(client, chapter, **fields):
    text = chapter_text(chapter, chapter.paragraphs.all()).text[30:]
    return client.post(
        reverse("annotation_create", args=[chapter.work_id, chapter.position]),
        {
            "utf16_start": 30,
            "utf16_end": 39,
            "exact": text[:9],
            "colour": "blue",
            **fields,
        },
    )


def page(user, chapter, **query) -> str:
    return client_of(user).get(chapter.get_absolute_url(), query).content.decode()


def test_a_note_written_for_a_group_is_seen_by_its_members_only(
    reader, other_reader, outsider, group, chapter
):
    response = create(
        client_of(other_reader), chapter, note="for the club", audience=f"group:{group.pk}"
    )
    assert response.status_code == 302

    note = Annotation.objects.get()
    assert (note.group, note.shared) == (group, False)
    assert "for the club" in page(reader, chapter)
    assert "for the club" not in page(outsider, chapter)


def test_a_reader_cannot_write_for_a_group_they_are_not_in(outsider, group, chapter):
    response = create(client_of(outsider), chapter, note="sneaky", audience=f"group:{group.pk}")
    assert response.status_code == 400
    assert "not in that group" in response.content.decode()
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("audience", ["", "me", "everyone"])
def test_only_me_and_everyone_keep_their_meaning(reader, other_reader, chapter, audience):
    fields = {"audience": audience} if audience else {"shared": "1"}
    create(client_of(other_reader), chapter, note="bobs words", **fields)
    seen = "bobs words" in page(reader, chapter)
    assert seen == (audience != "me")


def test_editing_moves_a_note_between_audiences(reader, other_reader, outsider, group, group_note):
    bob = client_of(other_reader)
    url = reverse("annotation_update", args=[group_note.pk])
    form = bob.get(url).content.decode()
    assert f'value="group:{group.pk}" selected' in form and "Book club" in form

    bob.post(url, {"note": "now for all", "audience": "everyone"})
    assert "now for all" in page(outsider, group_note.chapter)

    bob.post(url, {"note": "back to the club", "audience": f"group:{group.pk}"})
    assert "back to the club" not in page(outsider, group_note.chapter)
    assert "back to the club" in page(reader, group_note.chapter)


def test_the_page_shows_mine_a_group_or_everyone_remembered_per_work(
    reader, other_reader, group, group_note, chapter
):
    second_group = group_services.group_create(owner=other_reader, name="Other circle")
    everyone = annotate(other_reader, chapter, start=55, end=70, note="to all", shared=True)
    circle = annotate(
        other_reader, chapter, start=10, end=20, note="circle only", group=second_group
    )
    mine = annotate(reader, chapter, start=80, end=90, note="my own")
    other_work = make_work(title="Another")
    alice = client_of(reader)

    def shown(target_chapter=chapter) -> set[int]:
        body = alice.get(target_chapter.get_absolute_url()).content.decode()
        return {a.pk for a in (group_note, everyone, circle, mine) if f"annotation-{a.pk}" in body}

    assert shown() == {group_note.pk, everyone.pk, mine.pk}  # not in the other circle
    choose = {"work": chapter.work_id, "next": "/"}
    alice.post(reverse("reading_preferences"), {**choose, "view": "own"})
    assert shown() == {mine.pk}
    alice.post(reverse("reading_preferences"), {**choose, "view": str(group.pk)})
    assert shown() == {mine.pk, group_note.pk}
    # Another reader's group cannot be chosen, and another work keeps its own choice.
    alice.post(reverse("reading_preferences"), {**choose, "view": str(second_group.pk)})
    assert shown() == {mine.pk, group_note.pk}
    assert alice.get(other_work.chapters.first().get_absolute_url()).status_code == 200
    assert (
        'value="all" selected'
        in alice.get(other_work.chapters.first().get_absolute_url()).content.decode()
    )


def test_joining_and_leaving_change_the_cached_page_at_once(reader, outsider, group, group_note):
    chapter = group_note.chapter
    carol = client_of(outsider)
    assert "club secret" not in carol.get(chapter.get_absolute_url()).content.decode()

    group_services.group_join(invitation=group.invitations.get(), user=outsider)
    assert "club secret" in carol.get(chapter.get_absolute_url()).content.decode()

    group_services.member_remove(group=group, user=outsider)
    assert "club secret" not in carol.get(chapter.get_absolute_url()).content.decode()


def test_a_shared_note_stays_shared_when_a_group_is_not_chosen(other_reader, chapter):
    note = annotate(other_reader, chapter, start=55, end=70, shared=True)
    services.annotation_update(annotation=note, colour="blue", note="", shared=True, tag_names=[])
    assert note.audience == "everyone"
