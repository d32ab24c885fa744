"""A reading group of two (alice owns it, bob joined by a link) and carol, who is not in it."""

import pytest
from django.test import Client

from annotations.models import Annotation
from groups import services
from groups.models import ReadingGroup
from tests.annotations.conftest import annotate


@pytest.fixture
def outsider(django_user_model):
    return django_user_model.objects.create_user(username="carol", password="not in it 3")


@pytest.fixture
def chapter(work):
    return work.chapters.get(position=1)


@pytest.fixture
def group(reader, other_reader) -> ReadingGroup:
    group = services.group_create(owner=reader, name="Book club", description="Tuesdays")
    invitation = services.invitation_create(group=group, by=reader)
    services.group_join(invitation=invitation, user=other_reader)
    return group


@pytest.fixture
def group_note(group, other_reader, chapter) -> Annotation:
    """Bob's note, written for the group."""
    return annotate(other_reader, chapter, start=30, end=50, note="club secret", group=group)


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
