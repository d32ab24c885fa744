"""What is new in my groups: the group page's recent activity and the header's badge."""

import pytest
from django.urls import reverse

from annotations import thread_services
from annotations.group_activity import has_news
from tests.annotations.conftest import annotate
from tests.conftest import make_work
from tests.groups.conftest import client_of

pytestmark = pytest.mark.django_db

BADGE = 'aria-label="new in your groups"'


def test_the_group_page_lists_what_is_new_since_my_last_visit(reader, other_reader, group_note):
    thread_services.reply_create(
        annotation=group_note, author=other_reader, text="bob adds", in_reply_to=None
    )
    alice = client_of(reader)

    first = alice.get(reverse("group", args=[group_note.group_id])).content.decode()
    again = alice.get(reverse("group", args=[group_note.group_id])).content.decode()

    assert first.count('class="activity-item activity-new"') == 2
    assert "club secret" in first and "bob adds" in first
    assert f'href="{group_note.get_absolute_url()}"' in first  # to the passage
    assert "The Test Work" in first and "bob" in first and "Tuesdays" in first
    assert 'class="activity-item activity-new"' not in again
    assert "club secret" in again


def test_the_badge_shows_until_i_open_the_group(reader, other_reader, group_note):
    alice = client_of(reader)
    assert BADGE in alice.get(reverse("library")).content.decode()
    assert BADGE not in client_of(other_reader).get(reverse("library")).content.decode()  # his own

    alice.get(reverse("group", args=[group_note.group_id]))

    assert BADGE not in alice.get(reverse("library")).content.decode()


def test_the_badge_reaches_a_cached_chapter_page_of_another_work(reader, other_reader, group):
    quiet = make_work(title="Quiet")
    chapter = quiet.chapters.get(position=1)
    alice = client_of(reader)
    alice.get(reverse("library"))
    alice.get(reverse("group", args=[group.pk]))
    assert BADGE not in alice.get(chapter.get_absolute_url()).content.decode()  # now cached

    busy = make_work(title="Busy").chapters.get(position=1)
    annotate(other_reader, busy, start=30, end=40, note="new!", group=group)

    assert BADGE in alice.get(chapter.get_absolute_url()).content.decode()
    alice.get(reverse("group", args=[group.pk]))
    assert BADGE not in alice.get(chapter.get_absolute_url()).content.decode()


def test_an_outsider_gets_no_badge(outsider, group_note):
    assert BADGE not in client_of(outsider).get(reverse("library")).content.decode()


def test_the_badge_is_one_query(reader, group_note, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert has_news(reader)
