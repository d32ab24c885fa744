"""Creating a group, inviting by link, joining, leaving, removing and handing over."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Invitation, Membership, ReadingGroup
from tests.groups.conftest import client_of

pytestmark = pytest.mark.django_db


def members(group) -> set[str]:
    return set(group.members.values_list("username", flat=True))


def test_a_reader_creates_a_group_and_is_its_owner_and_moderator(reader_client, reader):
    response = reader_client.post(
        reverse("groups"), {"name": "  Book   club ", "description": "Tuesdays"}
    )

    group = ReadingGroup.objects.get()
    assert response.url == group.get_absolute_url()
    assert (group.name, group.owner) == ("Book club", reader)
    assert Membership.objects.get(group=group).moderator
    assert "Book club" in reader_client.get(reverse("groups")).content.decode()


def test_a_group_needs_a_name(reader_client):
    response = reader_client.post(reverse("groups"), {"name": "   "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not ReadingGroup.objects.exists()


def test_an_invitation_link_lets_a_logged_in_reader_join(reader, other_reader):
    owner = client_of(reader)
    group = ReadingGroup.objects.get(
        pk=owner.post(reverse("groups"), {"name": "Club"}).url.split("/")[2]
    )
    owner.post(reverse("invitation_create", args=[group.pk]))
    invitation = Invitation.objects.get()
    assert invitation.get_absolute_url() in owner.get(group.get_absolute_url()).content.decode()

    bob = client_of(other_reader)
    page = bob.get(invitation.get_absolute_url()).content.decode()
    assert "Join “Club”" in page
    assert members(group) == {"alice"}  # looking is not joining
    assert bob.post(invitation.get_absolute_url()).url == group.get_absolute_url()
    assert members(group) == {"alice", "bob"}


def test_logged_out_visitors_log_in_before_joining(client, group):
    invitation = group.invitations.get()
    assert client.get(invitation.get_absolute_url()).url.startswith(reverse("login"))


@pytest.mark.parametrize("spoil", ["revoked", "expired"])
def test_a_revoked_or_expired_invitation_lets_nobody_in(reader, outsider, group, spoil):
    invitation = group.invitations.get()
    if spoil == "revoked":
        response = client_of(reader).post(
            reverse("invitation_revoke", args=[group.pk, invitation.pk])
        )
        assert response.status_code == 302
    else:
        Invitation.objects.update(expires=timezone.now() - timedelta(minutes=1))
    carol = client_of(outsider)

    assert "expired or was revoked" in carol.get(invitation.get_absolute_url()).content.decode()
    carol.post(invitation.get_absolute_url())
    assert "carol" not in members(group)


def test_a_member_leaves_but_the_owner_must_hand_over_first(reader, other_reader, group):
    response = client_of(reader).post(reverse("group_leave", args=[group.pk]), follow=True)
    assert "hand it over" in response.content.decode()
    assert "alice" in members(group)

    assert client_of(other_reader).post(reverse("group_leave", args=[group.pk])).url == "/groups/"
    assert members(group) == {"alice"}


def test_the_owner_removes_a_member_and_other_members_may_not(
    reader, other_reader, outsider, group
):
    Membership.objects.create(group=group, user=outsider)
    bob = client_of(other_reader)
    assert bob.post(reverse("member_remove", args=[group.pk, outsider.pk])).status_code == 403

    client_of(reader).post(reverse("member_remove", args=[group.pk, outsider.pk]))

    assert members(group) == {"alice", "bob"}


def test_the_owner_hands_the_group_over_and_can_then_leave(reader, other_reader, group):
    alice = client_of(reader)
    alice.post(reverse("group_hand_over", args=[group.pk, other_reader.pk]))
    group.refresh_from_db()
    assert group.owner == other_reader
    assert Membership.objects.get(group=group, user=other_reader).moderator

    alice.post(reverse("group_leave", args=[group.pk]))
    assert members(group) == {"bob"}


def test_the_owner_names_moderators(reader, other_reader, group):
    alice = client_of(reader)
    alice.post(reverse("moderator_set", args=[group.pk, other_reader.pk]), {"moderator": "1"})
    assert Membership.objects.get(group=group, user=other_reader).moderator
    alice.post(reverse("moderator_set", args=[group.pk, other_reader.pk]), {"moderator": "0"})
    assert not Membership.objects.get(group=group, user=other_reader).moderator


def test_a_reader_is_in_many_groups(reader_client, reader, other_reader, group):
    reader_client.post(reverse("groups"), {"name": "Second circle"})
    page = reader_client.get(reverse("groups")).content.decode()
    assert "Book club" in page and "Second circle" in page
    assert client_of(other_reader).get(reverse("groups")).content.decode().count("<li><a") == 1
