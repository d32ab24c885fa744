"""Writes on groups: one keyword-only function per action. Each raises GroupError with a
sentence for the reader when the action is not allowed; views check who may ask."""

from django.db import transaction
from django.utils import timezone

from groups.models import Invitation, Membership, ReadingGroup


class GroupError(Exception):
    pass


def group_create(*, owner, name: str, description: str = "") -> ReadingGroup:
    with transaction.atomic():
        group = ReadingGroup.objects.create(owner=owner, name=name, description=description)
        Membership.objects.create(group=group, user=owner, moderator=True)
    return group


def invitation_create(*, group: ReadingGroup, by) -> Invitation:
    return Invitation.objects.create(group=group, created_by=by)


def invitation_revoke(*, invitation: Invitation) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def group_join(*, invitation: Invitation, user) -> Membership:
    if not invitation.usable:
        raise GroupError("This invitation has expired or was revoked. Ask for a new link.")
    membership, _ = Membership.objects.get_or_create(group=invitation.group, user=user)
    return membership


def group_leave(*, membership: Membership) -> None:
    if membership.group.owner_id == membership.user_id:
        raise GroupError("You created this group: hand it over to another member before leaving.")
    membership.delete()


def member_remove(*, group: ReadingGroup, user) -> None:
    if group.owner_id == user.pk:
        raise GroupError("The group's owner cannot be removed.")
    Membership.objects.filter(group=group, user=user).delete()


def group_hand_over(*, group: ReadingGroup, to) -> None:
    """Make another member the owner (and a moderator); the old owner stays a moderator."""
    with transaction.atomic():
        membership = Membership.objects.filter(group=group, user=to).first()
        if membership is None:
            raise GroupError("Only a member can take the group over.")
        membership.moderator = True
        membership.save(update_fields=["moderator"])
        group.owner = to
        group.save(update_fields=["owner"])


def moderator_set(*, group: ReadingGroup, user, moderator: bool) -> None:
    if group.owner_id == user.pk and not moderator:
        raise GroupError("The group's owner is always a moderator.")
    Membership.objects.filter(group=group, user=user).update(moderator=moderator)


def group_seen(*, membership: Membership) -> None:
    membership.last_seen = timezone.now()
    membership.save(update_fields=["last_seen"])
