"""The chapter page is cached whole per reader: no reader may ever see a stale highlight, or one
that is not theirs to see, whatever changes between two visits."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.chapter_layout import chapter_text
from annotations.models import Tag
from fics.importing import import_story_file
from fics.models import Work
from tests.annotations.conftest import annotate

pytestmark = pytest.mark.django_db


def page(client: Client, chapter) -> str:
    return client.get(chapter.get_absolute_url()).content.decode()


@pytest.fixture
def bob_client(other_reader):
    client = Client()
    client.force_login(other_reader)
    return client


def test_every_change_to_an_annotation_shows_at_once_to_each_reader(
    reader_client, bob_client, reader, other_reader, chapter
):
    bob_note = annotate(other_reader, chapter, start=30, end=50, note="bob writes this")
    assert "bob writes this" in page(bob_client, chapter)
    assert "bob writes this" not in page(reader_client, chapter)  # private: not Alice's to see

    services.annotation_update(
        annotation=bob_note, colour="pink", note="now shared", shared=True, tag_names=["Lexa"]
    )
    alice_sees = page(reader_client, chapter)
    assert "now shared" in alice_sees and "hl-pink hl-shared" in alice_sees
    assert "bob writes this" not in alice_sees

    lexa = Tag.objects.get(owner=other_reader)
    reader_client.get(chapter.get_absolute_url())
    lexa.name = "Commander Lexa"
    lexa.save()
    services.tag_touch_annotations(tag=lexa)
    assert "Commander Lexa" in page(reader_client, chapter)

    services.annotation_update(
        annotation=bob_note, colour="pink", note="private again", shared=False, tag_names=[]
    )
    alice_sees = page(reader_client, chapter)
    assert "private again" not in alice_sees
    assert f'data-annotation="{bob_note.pk}"' not in alice_sees

    services.annotation_delete(annotation=bob_note)
    assert f'data-annotation="{bob_note.pk}"' not in page(bob_client, chapter)
    services.annotation_restore(annotation=bob_note)
    assert f'data-annotation="{bob_note.pk}"' in page(bob_client, chapter)


def test_tag_merge_and_delete_show_at_once(reader_client, reader, chapter):
    annotate(reader, chapter, start=30, end=50, tag_names=["Lexa"])
    heda = Tag.objects.create(owner=reader, name="Heda")
    assert ">Lexa</a>" in page(reader_client, chapter)

    services.tag_merge(source=Tag.objects.get(name="Lexa"), into=heda)
    assert ">Heda</a>" in page(reader_client, chapter)

    services.tag_delete(tag=heda)
    assert ">Heda</a>" not in page(reader_client, chapter)


def test_an_update_of_the_work_moves_the_highlights_drawn_before(reader_client, reader, corpus):
    seed = (corpus / "seeds" / "000_a26875ee43b0d3ac.txt").read_bytes()
    work = import_story_file(seed, "seed.txt").work
    chapter = work.chapters.get()
    text = chapter_text(chapter, chapter.paragraphs.all()).text
    start = text.index("Clarke whispered")
    annotation = annotate(reader, chapter, start=start, end=start + 16)
    before = page(reader_client, chapter)
    assert f'data-annotation="{annotation.pk}" data-first="">Clarke whispered</mark>' in before

    edited = seed.replace(b"Clarke whispered", b"Clarke said, and whispered", 1)
    import_story_file(edited, "seed.txt", target=Work.objects.get(), reader=reader)

    after = page(reader_client, chapter)
    annotation.refresh_from_db()
    assert annotation.orphaned or "Clarke said, and whispered" in after
    assert "Clarke whispered" not in after.split('id="annotation-panel"')[0]


def test_filters_and_toggles_are_part_of_what_is_cached(reader_client, reader, chapter):
    annotate(reader, chapter, start=30, end=40, colour="blue")
    pink = annotate(reader, chapter, start=55, end=65, colour="pink")

    assert page(reader_client, chapter).count('class="annotation"') == 2
    filtered = reader_client.get(chapter.get_absolute_url(), {"colour": "pink"}).content.decode()
    assert filtered.count('class="annotation"') == 1 and f"annotation-{pink.pk}" in filtered
    assert page(reader_client, chapter).count('class="annotation"') == 2


def test_each_page_carries_a_csrf_token_that_its_forms_can_use(reader, other_reader, chapter):
    annotate(reader, chapter, start=30, end=40, shared=True)
    for person in (reader, other_reader):
        client = Client(enforce_csrf_checks=True)
        client.force_login(person)
        body = page(client, chapter)
        assert "<!--csrf-token-->" not in body
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)

        response = client.post(
            reverse("reading_preferences"),
            {"toggle": "hide_shared", "next": "/", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302


def test_a_change_from_an_expired_session_says_nothing_was_saved(client, chapter):
    response = client.post(
        reverse("annotation_create", args=[chapter.work_id, 1]),
        {"utf16_start": 0, "utf16_end": 5, "exact": "Chapt"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 401
    assert "nothing was saved" in response.content.decode()


def test_deleting_a_removed_chapter_takes_it_out_of_every_cached_page(reader_client, reader):
    two = b"Chapter 1\n\nThe first one, long enough.\n\nChapter 2\n\nThe second one, long enough.\n"
    one = b"Chapter 1\n\nThe first one, long enough.\n"
    work = import_story_file(two, "two.txt", reader=reader).work
    import_story_file(one, "two.txt", target=work, reader=reader)
    first = work.chapters.get(position=1)
    assert '<option value="2"' in page(reader_client, first)

    reader_client.post(reverse("chapter_delete", args=[work.pk, 2]))

    assert not work.chapters.filter(position=2).exists()
    assert '<option value="2"' not in page(reader_client, first)
