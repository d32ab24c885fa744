"""Spoiler-safe shared notes: another reader's note marked spoiler is shown only on chapters the
reader has read past; before that, a marker they can reveal one note at a time."""

import pytest
from django.test import Client
from django.urls import reverse

from annotations import services, thread_services
from annotations.chapter_layout import chapter_text
from annotations.models import Annotation
from annotations.reading import ReadingState, chapter_version
from fics.importing import import_story_file
from fics.models import ChapterRead
from groups import services as group_services
from tests.annotations.conftest import annotate
from tests.conftest import make_work

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NOTE = "Lexa betrays them in the end"
MARKER = "Spoiler hidden — reveal"


@pytest.fixture
def work(db):
    return make_work(chapters=3, paragraphs=3, title="Spoiled")


@pytest.fixture
def second(work):
    return work.chapters.get(position=2)


@pytest.fixture
def spoiler(reader, second) -> Annotation:
    """Alice's note on chapter 2, shared with everyone, marked spoiler."""
    return annotate(
        reader, second, start=0, end=9, note=NOTE, tag_names=["Betrayal"], shared=True, spoiler=True
    )


@pytest.fixture
def bob_client(other_reader) -> Client:
    client = Client()
    client.force_login(other_reader)
    return client


def has_read(reader, work, *positions: int) -> None:
    """Hand-made progress: the reader opened these chapters."""
    for position in positions:
        ChapterRead.objects.create(reader=reader, chapter=work.chapters.get(position=position))


def hidden_from(reader, annotation: Annotation) -> bool:
    return Annotation.objects.with_spoiler_hidden(reader).get(pk=annotation.pk).spoiler_hidden


def page(client: Client, chapter) -> str:
    return client.get(chapter.get_absolute_url()).content.decode()


# The rule, over hand-made progress.


def test_a_spoiler_is_hidden_until_the_reader_opens_a_later_chapter(
    reader, other_reader, work, spoiler
):
    assert hidden_from(other_reader, spoiler)  # nothing read
    has_read(other_reader, work, 1, 2)
    assert hidden_from(other_reader, spoiler)  # reading chapter 2 is not past it
    has_read(other_reader, work, 3)
    assert not hidden_from(other_reader, spoiler)


def test_skipping_ahead_reads_past_and_going_back_does_not_hide_again(other_reader, work, spoiler):
    has_read(other_reader, work, 3)
    assert not hidden_from(other_reader, spoiler)
    has_read(other_reader, work, 1)
    assert not hidden_from(other_reader, spoiler)


def test_the_author_always_sees_their_spoiler_and_nobody_has_a_plain_note_hidden(
    reader, other_reader, second, spoiler
):
    plain = annotate(reader, second, start=10, end=20, note="nothing to spoil", shared=True)
    assert not hidden_from(reader, spoiler)
    assert not hidden_from(other_reader, plain)


def test_progress_in_another_work_reads_past_nothing_here(other_reader, spoiler):
    elsewhere = make_work(chapters=5, title="Elsewhere")
    has_read(other_reader, elsewhere, 5)
    assert hidden_from(other_reader, spoiler)


def test_the_chapter_version_counts_exactly_the_spoilers_the_python_rule_hides(
    reader, other_reader, work, second, spoiler
):
    annotate(reader, second, start=10, end=20, note="plain", shared=True)
    annotate(reader, second, start=21, end=25, note="private", spoiler=True)
    state = ReadingState(reader=other_reader)

    def counted() -> int:
        return chapter_version(state, work.pk, 2).key[5]

    def hidden() -> int:
        return (
            state.visible(second)
            .with_spoiler_hidden(other_reader)
            .filter(spoiler_hidden=True)
            .count()
        )

    assert counted() == hidden() == 1
    has_read(other_reader, work, 3)
    assert counted() == hidden() == 0


# The chapter page.


def test_a_reader_not_past_the_chapter_sees_a_marker_and_no_trace_of_the_note(
    bob_client, work, second, spoiler
):
    bob_client.get(work.chapters.get(position=1).get_absolute_url())
    body = page(bob_client, second)

    assert MARKER in body
    assert "Lexa betrays" not in body and "Betrayal" not in body
    assert f'href="{reverse("annotation_reveal", args=[spoiler.pk])}"' in body
    assert f'data-annotation="{spoiler.pk}"' in body  # the highlight stays, saying nothing


def test_a_reader_past_the_chapter_and_the_author_see_the_note(
    bob_client, reader_client, work, second, spoiler
):
    bob_client.get(work.chapters.get(position=3).get_absolute_url())
    assert NOTE in page(bob_client, second) and MARKER not in page(bob_client, second)

    own = page(reader_client, second)
    assert NOTE in own and MARKER not in own
    assert "Shared with other readers, as a spoiler" in own


def test_the_spoiler_box_sets_and_clears_the_flag(reader_client, reader, second):
    response = reader_client.post(
        reverse("annotation_create", args=[second.work_id, 2]),
        {
            "utf16_start": 0,
            "utf16_end": 9,
            "exact": "Chapter 2",
            "note": NOTE,
            "audience": "everyone",
            "spoiler": "1",
        },
    )
    assert response.status_code == 302
    annotation = Annotation.objects.get(owner=reader)
    assert annotation.spoiler and annotation.shared

    form = reader_client.get(reverse("annotation_update", args=[annotation.pk]), headers=HTMX)
    assert 'name="spoiler" value="1" aria-describedby="spoiler-' in form.content.decode()
    assert " checked>" in form.content.decode().split('name="spoiler"')[1].split("\n")[0]

    reader_client.post(
        reverse("annotation_update", args=[annotation.pk]), {"note": NOTE, "audience": "everyone"}
    )
    annotation.refresh_from_db()
    assert not annotation.spoiler


def test_the_entire_work_shows_the_highlight_but_not_the_note(bob_client, work, spoiler):
    body = bob_client.get(reverse("work_full", args=[work.pk])).content.decode()
    assert f'data-annotation="{spoiler.pk}"' in body
    assert "Lexa betrays" not in body and "Betrayal" not in body


# Revealing one note.


def test_revealing_swaps_in_that_one_note(bob_client, reader, second, spoiler):
    other = annotate(reader, second, start=10, end=20, note="another secret", shared=True)
    services.annotation_update(
        annotation=other,
        colour="blue",
        note="another secret",
        shared=True,
        tag_names=[],
        spoiler=True,
    )
    response = bob_client.get(reverse("annotation_reveal", args=[spoiler.pk]), headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="annotation-{spoiler.pk}"' in body and NOTE in body and "Betrayal" in body
    assert "another secret" not in body and "<html" not in body
    assert MARKER in page(bob_client, second)  # the page itself still hides both


def test_without_javascript_revealing_opens_the_notes_own_page(bob_client, spoiler):
    response = bob_client.get(reverse("annotation_reveal", args=[spoiler.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("annotation_thread", args=[spoiler.pk])
    assert NOTE in bob_client.get(response["Location"]).content.decode()


def test_nobody_reveals_a_note_they_may_not_see(bob_client, reader, second):
    private = annotate(reader, second, start=0, end=9, note="mine alone", spoiler=True)
    for pk in (private.pk, private.pk + 1000):
        url = reverse("annotation_reveal", args=[pk])
        assert bob_client.get(url, headers=HTMX).status_code == 404
        assert bob_client.get(url).status_code == 404
    assert bob_client.post(reverse("annotation_reveal", args=[private.pk])).status_code == 405
    assert Client().get(reverse("annotation_reveal", args=[private.pk])).status_code == 302


# The cached page.


def test_the_cached_page_follows_the_readers_progress_and_never_serves_another_readers_state(
    bob_client, reader_client, other_reader, django_user_model, work, second, spoiler
):
    carol = django_user_model.objects.create_user(username="carol", password="past it all 4")
    carol_client = Client()
    carol_client.force_login(carol)
    carol_client.get(work.chapters.get(position=3).get_absolute_url())
    for _ in range(2):  # the second visit of each is served from the cache
        assert NOTE in page(reader_client, second)
        assert NOTE in page(carol_client, second)
        assert NOTE not in page(bob_client, second) and MARKER in page(bob_client, second)

    bob_client.get(work.chapters.get(position=3).get_absolute_url())
    assert NOTE in page(bob_client, second) and MARKER not in page(bob_client, second)

    # Unmarked, then marked again: the page follows the author's choice at once.
    services.annotation_update(
        annotation=spoiler, colour="yellow", note=NOTE, shared=True, tag_names=[], spoiler=False
    )
    ChapterRead.objects.filter(reader=other_reader, chapter__position=3).delete()
    assert NOTE in page(bob_client, second)
    services.annotation_update(
        annotation=spoiler, colour="yellow", note=NOTE, shared=True, tag_names=[], spoiler=True
    )
    assert NOTE not in page(bob_client, second) and MARKER in page(bob_client, second)


def test_progress_changes_the_cache_key_only_of_chapters_with_hidden_spoilers(
    other_reader, reader, work, spoiler
):
    state = ReadingState(reader=other_reader)
    first = work.chapters.get(position=1)
    annotate(reader, first, start=0, end=9, note="plain", shared=True)
    before = {position: chapter_version(state, work.pk, position).key for position in (1, 2)}
    has_read(other_reader, work, 3)
    assert chapter_version(state, work.pk, 1).key == before[1]
    assert chapter_version(state, work.pk, 2).key != before[2]


def test_a_group_spoiler_is_hidden_from_members_not_past_it(reader, other_reader, second):
    group = group_services.group_create(owner=reader, name="Slow readers", description="")
    invitation = group_services.invitation_create(group=group, by=reader)
    group_services.group_join(invitation=invitation, user=other_reader)
    note = annotate(reader, second, start=0, end=9, note=NOTE, group=group, spoiler=True)
    reply = thread_services.reply_create(
        annotation=note, author=reader, text="and then she leaves", in_reply_to=None
    )
    client = Client()
    client.force_login(other_reader)

    body = client.get(reverse("group", args=[group.pk])).content.decode()
    assert MARKER in body
    for trace in ("Lexa betrays", "“Chapter 2”", "she leaves"):
        assert trace not in body

    has_read(other_reader, second.work, 3)
    body = client.get(reverse("group", args=[group.pk])).content.decode()
    assert NOTE in body and reply.text in body and MARKER not in body


# Everywhere else another reader's shared notes are listed.


def test_search_finds_a_spoiler_only_once_past_its_chapter(bob_client, other_reader, work, spoiler):
    def found(words: str) -> str:
        return bob_client.get(reverse("search"), {"q": words}).content.decode()

    story = "Chapter 1\n\nNobody betrays the keeper of the lighthouse.\n"
    text = import_story_file(story.encode(), "keeper.txt").work

    assert f"highlight={spoiler.pk}" not in found("betrays")
    assert f"/works/{text.pk}/chapters/1/#p1" in found("betrays")  # story text still found
    has_read(other_reader, work, 3)
    assert f"highlight={spoiler.pk}" in found("betrays")


def test_exports_leave_out_spoilers_the_reader_has_not_read_past(
    bob_client, other_reader, work, spoiler
):
    def exported() -> str:
        query = {"scope": "work", "format": "md", "include_shared": "on"}
        return bob_client.get(reverse("export_download", args=[work.pk]), query).content.decode()

    assert "Lexa betrays" not in exported() and "Betrayal" not in exported()
    has_read(other_reader, work, 3)
    assert "Lexa betrays" in exported()


def test_the_story_maps_shared_counts_leave_out_spoilers_not_read_past(
    bob_client, other_reader, work, spoiler
):
    def map_csv() -> str:
        url = reverse("story_map_csv", args=[work.pk, "map"]) + "?shared=1"
        return bob_client.get(url).content.decode()

    assert "Betrayal" not in map_csv()
    has_read(other_reader, work, 3)
    assert "Betrayal (shared passages)" in map_csv()


def test_colouring_by_tag_keeps_a_hidden_spoilers_tag_colour_out_of_a_highlights_answer(
    bob_client, second, spoiler
):
    """Bob colours highlights by tag and highlights over Alice's hidden spoiler: the answer
    redraws her highlight in its own colour, not in that of the tag that would give it away."""
    spoiler.tags.update(colour="purple")
    url = second.get_absolute_url()
    bob_client.post(reverse("reading_preferences"), {"toggle": "colour_by_tag", "next": url})
    text = chapter_text(second, second.paragraphs.all()).text

    answer = bob_client.post(
        reverse("annotation_create", args=[second.work_id, second.position]),
        {"utf16_start": 2, "utf16_end": 12, "exact": text[2:12]},
        headers=HTMX,
    )

    body = answer.content.decode()
    assert answer.status_code == 200
    assert f'data-annotation="{spoiler.pk}"' in body
    assert "hl-purple" not in body
