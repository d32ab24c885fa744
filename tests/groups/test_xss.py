"""A group's name and a reply are readers' text: escaped, or sanitised, wherever they show."""

import pytest
from django.urls import reverse

from annotations import thread_services
from groups.models import ReadingGroup
from tests.groups.conftest import client_of

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def test_group_names_and_replies_never_reach_a_page_as_markup(
    reader, other_reader, outsider, group_note
):
    ReadingGroup.objects.filter(pk=group_note.group_id).update(name=PAYLOAD, description=PAYLOAD)
    thread_services.reply_create(
        annotation=group_note, author=other_reader, text=PAYLOAD, in_reply_to=None
    )
    alice, bob = client_of(reader), client_of(other_reader)
    pages = {
        "my groups": alice.get(reverse("groups")),
        "group": alice.get(reverse("group", args=[group_note.group_id])),
        "chapter": alice.get(group_note.chapter.get_absolute_url()),
        "thread": alice.get(reverse("annotation_thread", args=[group_note.pk])),
        "edit": bob.get(reverse("annotation_update", args=[group_note.pk])),
        "join": client_of(outsider).get(group_note.group.invitations.get().get_absolute_url()),
    }

    for name, response in pages.items():
        body = response.content.decode()
        assert response.status_code == 200, name
        assert "<script>alert" not in body, name
        assert "<img src=x" not in body, name
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body, name
