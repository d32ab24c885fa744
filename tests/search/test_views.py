"""The search page: access, filters, grouping, escaping, the htmx fragment and the header box."""

import pytest
from django.urls import reverse

from fics.importing import import_story_file
from tests.annotations.conftest import annotate

pytestmark = pytest.mark.django_db

STORY = (
    "Chapter 1: Arrival\n\nThe lighthouse stood on the cliff.\n\nGulls circled the lamp.\n\n"
    "Chapter 2: Storm\n\nWaves broke over the lighthouse all night.\n"
)


@pytest.fixture
def story(reader):
    return import_story_file(STORY.encode(), "keeper.txt", reader=reader).work


def search(client, **params):
    return client.get(reverse("search"), params)


def test_logged_out_readers_are_sent_to_log_in(client, story):
    response = search(client, q="lighthouse")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_post_is_refused(reader_client):
    assert reader_client.post(reverse("search"), {"q": "x"}).status_code == 405


def test_results_link_to_the_paragraph_and_the_highlight(reader_client, reader, story):
    chapter = story.chapters.get(position=2)
    note = annotate(reader, chapter, start=0, end=5, note="lighthouse again")

    page = search(reader_client, q="lighthouse").content.decode()

    assert f'href="/works/{story.pk}/chapters/1/#p1"' in page
    assert f'href="/works/{story.pk}/chapters/2/#p1"' in page
    assert f'href="/works/{story.pk}/chapters/2/?highlight={note.pk}#p1"' in page
    assert "<mark>lighthouse</mark>" in page
    assert page.count('class="search-work"') == 1


def test_several_works_are_grouped_each_under_its_title(reader_client, story):
    import_story_file(b"Another lighthouse, far away.\n", "another.txt")

    page = search(reader_client, q="lighthouse").content.decode()

    assert page.count('class="search-work"') == 2
    assert "Another" in page and "Keeper" in page


def test_a_note_with_a_script_is_shown_as_text(reader_client, reader, story):
    annotate(
        reader, story.chapters.get(position=1), start=0, end=5, note="<script>alert(1)</script>"
    )

    page = search(reader_client, q="alert").content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


def test_another_readers_private_notes_never_appear(reader_client, other_reader, story):
    annotate(other_reader, story.chapters.get(position=1), start=0, end=5, note="walrus secret")

    page = search(reader_client, q="walrus").content.decode()

    assert "secret" not in page
    assert "Nothing matches" in page


def test_filters_narrow_the_results(reader_client, reader, story):
    annotate(
        reader,
        story.chapters.get(position=1),
        start=0,
        end=5,
        note="lighthouse note",
        tag_names=["sea"],
    )
    other = import_story_file(b"Another lighthouse.\n", "another.txt").work
    tag = reader.tags.get()

    mine = search(reader_client, q="lighthouse", scope="mine").content.decode()
    assert mine.count('class="search-hit ') == mine.count("search-hit-annotation") == 1

    tagged = search(reader_client, q="lighthouse", tag=tag.pk).content.decode()
    assert tagged.count('class="search-hit ') == 1

    only = search(reader_client, q="lighthouse", work=other.pk).content.decode()
    assert only.count('class="search-work"') == 1 and "Another" in only


def test_a_tag_of_another_reader_is_refused_with_a_message(reader_client, other_reader, story):
    annotate(other_reader, story.chapters.get(position=1), start=0, end=5, tag_names=["theirs"])
    tag = other_reader.tags.get()

    response = search(reader_client, q="lighthouse", tag=tag.pk)

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_a_work_with_many_matches_links_to_all_of_them(reader_client):
    many = import_story_file("\n\n".join(["A gull."] * 5).encode(), "gulls.txt").work

    page = search(reader_client, q="gull").content.decode()

    assert page.count('class="search-hit ') == 3
    assert f"?q=gull&amp;work={many.pk}" in page
    assert "All 6 matches" in page  # the five paragraphs and the title


def test_htmx_gets_the_main_part_only(reader_client, story):
    response = reader_client.get(reverse("search"), {"q": "gulls"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="search-page"' in html
    assert "<html" not in html
    assert "<mark>Gulls</mark>" in html


def test_every_page_has_the_search_box(reader_client, story):
    page = reader_client.get(reverse("library")).content.decode()
    assert 'id="site-search-q"' in page
    chapter_page = reader_client.get(reverse("chapter", args=[story.pk, 1])).content.decode()
    assert f'name="work" value="{story.pk}"' in chapter_page


def test_paging_over_works(reader_client, story):
    for number in range(12):
        import_story_file(f"A lighthouse number {number}.\n".encode(), f"light-{number}.txt")

    first = search(reader_client, q="lighthouse").content.decode()
    second = search(reader_client, q="lighthouse", page=2).content.decode()

    assert first.count('class="search-work"') == 10
    assert second.count('class="search-work"') == 3
    assert 'rel="next"' in first


def test_the_fandom_filter_offers_a_fandom_added_since_the_last_search(reader_client, story):
    assert "Star Wars" not in search(reader_client, q="lighthouse").content.decode()
    story.fandom = "Star Wars"
    story.save()

    page = search(reader_client, q="lighthouse").content.decode()

    assert '<option value="Star Wars">Star Wars</option>' in page


def test_one_works_matches_come_in_reading_order_a_page_at_a_time(reader_client):
    gulls = "\n\n".join(f"Gull number {n}." for n in range(1, 26))
    many = import_story_file(gulls.encode(), "birds.txt").work

    first = search(reader_client, q="gull", work=many.pk).content.decode()
    second = search(reader_client, q="gull", work=many.pk, page=2).content.decode()

    assert first.count('class="search-hit ') == 20
    assert first.index('#p1"') < first.index('#p2"') < first.index('#p20"')
    assert '#p21"' not in first
    assert second.count('class="search-hit ') == 5
    assert '#p21"' in second and '#p25"' in second
