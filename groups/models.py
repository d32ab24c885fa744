"""Reading groups: who is in which, and the invitation links that let readers in.

A group knows nothing of annotations (they name their group, `annotations.Annotation.group`),
so that this app, like `fics`, stays below the annotation pages.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

INVITATION_LIFETIME = timedelta(days=7)


class ReadingGroup(models.Model):
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True, max_length=2000)
    # The creator until they hand the group over: removes members, names moderators.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_groups"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="reading_groups"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="group_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("group", args=[self.pk])


class MembershipQuerySet(models.QuerySet):
    def group_ids_of(self, user):
        """The groups a reader is in, as a subquery."""
        return self.filter(user=user).values("group_id")


class Membership(models.Model):
    group = models.ForeignKey(ReadingGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    moderator = models.BooleanField(default=False)
    joined = models.DateTimeField(auto_now_add=True)
    # What the reader has seen of the group: newer annotations and replies are "new" to them.
    last_seen = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group", "user__username"]
        constraints = [
            models.UniqueConstraint("group", "user", name="one_membership_per_reader"),
        ]
        indexes = [models.Index(fields=["user", "group"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def default_expiry():
    return timezone.now() + INVITATION_LIFETIME


class InvitationQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires__gt=timezone.now())


class Invitation(models.Model):
    """A link that lets any logged-in reader who has it join, until it expires or is revoked."""

    group = models.ForeignKey(ReadingGroup, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(default=default_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"Invitation to {self.group}"

    def get_absolute_url(self) -> str:
        return reverse("group_join", args=[self.token])

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and self.expires > timezone.now()
