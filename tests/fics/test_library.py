"""The library: sorts, tag filters with counts, "has my annotations", reading status, untitled
files named by their file name."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fics.facets import work_facets_sync
from fics.importing import OnNewerVersion, import_story_file
from fics.models import Work, WorkFacet
from fics.parser import parse_story
from fics.progress import progress_record
from tests.annotations.conftest import annotate
from tests.conftest import make_work

pytestmark = pytest.mark.django_db

AO3_PAGE = Path(__file__).parent.parent / "parser" / "fixtures" / "ao3-work-page-saved.html"


def titles(body: str) -> list[str]:
    """The works listed, in order."""
    return re.findall(r'<td data-label="Title"><a href="[^"]+">([^<]+)</a>', body)


def library(client, **query) -> str:
    return client.get(reverse("library"), query).content.decode()


def tagged(title: str, **fields) -> Work:
    work = make_work(title=title, chapters=1, paragraphs=1)
    for name, value in fields.items():
        setattr(work, name, value)
    work.save()
    work_facets_sync(work)
    return work


@pytest.fixture
def shelf(db):
    """Three works with tags, words, authors and update times that sort them differently."""
    now = timezone.now()
    works = [
        tagged(
            "Bravo",
            author="Zed",
            word_count=300,
            fandom="The 100 (TV)",
            rating="Teen And Up Audiences",
            relationships=["Clarke/Lexa"],
            characters=["Clarke", "Lexa"],
            additional_tags=["Slow Burn"],
        ),
        tagged(
            "Alpha",
            author="Yan",
            word_count=100,
            fandom="The 100 (TV), Star Wars",
            rating="Teen And Up Audiences",
            characters=["Clarke", "Rey"],
        ),
        tagged("Charlie", author="Xu", word_count=200, fandom="Star Wars", rating="Explicit"),
    ]
    for hours, work in zip((1, 3, 2), works, strict=True):
        Work.objects.filter(pk=work.pk).update(updated=now - timedelta(hours=hours))
    return {work.title: work for work in works}


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("title", ["Alpha", "Bravo", "Charlie"]),
        ("author", ["Charlie", "Alpha", "Bravo"]),
        ("words", ["Bravo", "Charlie", "Alpha"]),
        ("updated", ["Bravo", "Charlie", "Alpha"]),
    ],
)
def test_sorts(reader_client, shelf, sort, order):
    assert titles(library(reader_client, sort=sort)) == order


def test_recently_read_comes_first_then_the_rest_by_title(reader_client, reader, shelf):
    progress_record(reader=reader, chapter=shelf["Charlie"].chapters.get(), paragraph=1)
    progress_record(reader=reader, chapter=shelf["Bravo"].chapters.get(), paragraph=1)

    assert titles(library(reader_client, sort="read")) == ["Bravo", "Charlie", "Alpha"]


def test_recently_read_follows_the_reader_alone(client, other_reader, reader, shelf):
    progress_record(reader=reader, chapter=shelf["Charlie"].chapters.get(), paragraph=1)
    client.force_login(other_reader)

    assert titles(library(client, sort="read")) == ["Alpha", "Bravo", "Charlie"]


def facet(body: str, parameter: str, value: str) -> str | None:
    """The count shown beside a tag's checkbox, or None when it is not offered."""
    pattern = (
        rf'<input type="checkbox" name="{parameter}" value="{re.escape(value)}" '
        rf'id="[^"]+"( checked)?> '
        rf'{re.escape(value)} <span class="count">\((\d+)\)</span>'
    )
    match = re.search(pattern, body)
    return match and match.group(2)


def test_facets_count_the_works_of_each_tag(reader_client, shelf):
    body = library(reader_client)

    assert facet(body, "fandom", "The 100 (TV)") == "2"
    assert facet(body, "fandom", "Star Wars") == "2"
    assert facet(body, "rating", "Teen And Up Audiences") == "2"
    assert facet(body, "rating", "Explicit") == "1"
    assert facet(body, "relationship", "Clarke/Lexa") == "1"
    assert facet(body, "character", "Clarke") == "2"
    assert facet(body, "tag", "Slow Burn") == "1"


def test_a_chosen_tag_filters_and_recounts_the_rest(reader_client, shelf):
    body = library(reader_client, fandom="Star Wars")

    assert titles(body) == ["Alpha", "Charlie"]
    assert ' name="fandom" value="Star Wars" id="facet-fandom-Star%20Wars" checked>' in body
    assert facet(body, "fandom", "Star Wars") == "2"
    assert facet(body, "fandom", "The 100 (TV)") == "1"
    assert facet(body, "rating", "Explicit") == "1"
    assert facet(body, "relationship", "Clarke/Lexa") is None


def test_chosen_tags_all_apply(reader_client, shelf):
    both = library(reader_client, fandom=["Star Wars", "The 100 (TV)"])
    with_character = library(reader_client, fandom="The 100 (TV)", character="Lexa")

    assert titles(both) == ["Alpha"]
    assert titles(with_character) == ["Bravo"]


def test_nothing_matching_says_so(reader_client, shelf):
    body = library(reader_client, fandom="Star Wars", relationship="Clarke/Lexa")

    assert titles(body) == []
    assert "No work matches these filters." in body


def test_has_my_annotations_counts_only_mine_and_not_deleted(
    reader_client, reader, other_reader, shelf
):
    mine = annotate(reader, shelf["Bravo"].chapters.get(), start=0, end=7)
    annotate(other_reader, shelf["Alpha"].chapters.get(), start=0, end=7)
    assert titles(library(reader_client, annotated="1")) == ["Bravo"]

    mine.deleted_at = timezone.now()
    mine.save()
    assert titles(library(reader_client, annotated="1")) == []


def test_reading_status_filters(reader_client, reader, shelf):
    progress_record(reader=reader, chapter=shelf["Alpha"].chapters.get(), paragraph=1)

    assert titles(library(reader_client, reading="begun")) == ["Alpha"]
    assert titles(library(reader_client, reading="unread")) == ["Bravo", "Charlie"]


def test_unknown_choices_fall_back_to_everything(reader_client, shelf):
    body = library(reader_client, sort="nonsense", reading="nonsense", annotated="yes")

    assert titles(body) == ["Alpha", "Bravo", "Charlie"]


def test_htmx_gets_the_results_with_their_facets(reader_client, shelf):
    response = reader_client.get(
        reverse("library"), {"fandom": "Star Wars"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert 'id="library-results"' in body and 'id="work-list"' in body
    assert "<html" not in body
    assert facet(body, "fandom", "Star Wars") == "2"


def test_the_form_works_without_javascript(reader_client, shelf):
    body = library(reader_client, fandom="Star Wars")

    form = body[body.index('<form id="library-form"') :]
    assert form.startswith(
        f'<form id="library-form" class="library-filter" method="get" action="{reverse("library")}"'
    )
    assert '<button type="submit">Show</button>' in form


def test_imports_and_edits_keep_the_facets_in_step(reader_client, reader):
    story = (
        b"---\ntitle: Quiet Night\nauthor: Someone\nfandom: Star Wars\ncharacters: [Rey, Finn]\n"
        b"---\n\nIt was a quiet night on the base.\n\nRey could not sleep.\n"
    )
    work = import_story_file(story, "quiet.md", reader=reader).work
    assert set(work.facets.values_list("kind", "value")) >= {
        ("fandom", "Star Wars"),
        ("character", "Rey"),
        ("character", "Finn"),
    }

    reader_client.post(
        reverse("work_edit", args=[work.pk]),
        {"title": "Quiet Night", "author": "Someone", "fandom": "Star Trek", "language": "en"},
    )

    fandoms = WorkFacet.objects.filter(work=work, kind="fandom")
    assert list(fandoms.values_list("value", flat=True)) == ["Star Trek"]


RAW = b"It was a quiet night on the base.\n\nRey could not sleep, and walked to the hangar.\n"


def test_a_file_without_a_title_is_shown_by_its_file_name(reader_client, reader):
    work = import_story_file(RAW, "000_a26875ee43b0d3ac.txt", reader=reader).work

    body = library(reader_client)
    work_page = reader_client.get(work.get_absolute_url()).content.decode()

    assert titles(body) == ["Untitled — 000_a26875ee43b0d3ac.txt"]
    assert "000 a26875ee43b0d3ac" not in body
    edit_url = reverse("work_edit", args=[work.pk])
    assert f'<a class="small name-it" href="{edit_url}">Name it</a>' in body
    assert "<h1>Untitled — 000_a26875ee43b0d3ac.txt</h1>" in work_page
    assert f'<a href="{edit_url}">Name this work</a>' in work_page


def test_naming_an_untitled_work(reader_client, reader):
    work = import_story_file(RAW, "000_a26875ee43b0d3ac.txt", reader=reader).work
    form = reader_client.get(reverse("work_edit", args=[work.pk])).content.decode()
    assert "<h1>Name this work</h1>" in form
    assert 'name="title" value=' not in form  # asks for a title, offers no file name

    reader_client.post(reverse("work_edit", args=[work.pk]), {"title": "Night Watch"})

    work.refresh_from_db()
    assert (work.title, work.is_untitled, work.display_title) == (
        "Night Watch",
        False,
        "Night Watch",
    )
    assert titles(library(reader_client)) == ["Night Watch"]


def test_other_readers_see_the_untitled_name_without_the_link(client, other_reader, reader):
    import_story_file(RAW, "000_a26875ee43b0d3ac.txt", reader=reader)
    client.force_login(other_reader)

    body = library(client)

    assert titles(body) == ["Untitled — 000_a26875ee43b0d3ac.txt"]
    assert "Name it" not in body


def test_a_title_the_file_gives_is_never_untitled():
    """An AO3-style name that reads as the title: the file's own title counts."""
    titled = parse_story(b"Quiet Night\n\n" + RAW, "Quiet_Night.txt")
    untitled = parse_story(RAW, "Quiet_Night.txt")

    assert (titled.title, titled.untitled) == ("Quiet Night", False)
    assert (untitled.title, untitled.untitled) == ("Quiet Night", True)


def test_an_update_names_an_untitled_work_with_the_title_it_brings(reader):
    work = import_story_file(RAW, "000_a26875ee43b0d3ac.txt", reader=reader).work

    newer = b"Night Watch\n\n" + RAW + b"\nA paragraph added later.\n"
    import_story_file(newer, "000_a26875ee43b0d3ac.txt", on_newer_version=OnNewerVersion.UPDATE)

    work.refresh_from_db()
    assert (work.title, work.is_untitled) == ("Night Watch", False)


def test_complete_or_in_progress_as_the_file_says(reader_client, reader):
    page = AO3_PAGE.read_bytes()
    assert b'<dd class="chapters">2/2</dd>' in page
    finished = import_story_file(page, "finished.html", reader=reader).work
    ongoing = page.replace(b"2/2", b"1/?")
    unfinished = import_story_file(
        ongoing, "ongoing.html", on_newer_version=OnNewerVersion.ADD_AS_NEW
    ).work
    make_work(title="No stats")
    assert (finished.complete, unfinished.complete) == (True, False)

    body = library(reader_client)
    assert facet(body, "status", "Complete") == "1"
    assert facet(body, "status", "In progress") == "1"
    assert titles(library(reader_client, status="In progress")) == [unfinished.display_title]
    work_page = reader_client.get(finished.get_absolute_url()).content.decode()
    assert " · complete" in work_page


def test_fanficfare_status_says_whether_it_is_complete(corpus):
    story = (corpus / "more" / "fanficfare-output-nowrap.txt").read_bytes()
    assert b"Status: Completed" in story

    ongoing = parse_story(story.replace(b"Status: Completed", b"Status: In-Progress"), "f.txt")

    assert (parse_story(story, "f.txt").complete, ongoing.complete) == (True, False)
    assert ongoing.source_format == "FanFicFare text"


def test_counts_follow_an_edit_at_once(reader_client, reader, shelf):
    work = shelf["Charlie"]
    work.imported_by = reader
    work.save()
    assert facet(library(reader_client), "fandom", "Star Wars") == "2"

    reader_client.post(reverse("work_edit", args=[work.pk]), {"title": "Charlie", "fandom": "Dune"})

    body = library(reader_client)
    assert facet(body, "fandom", "Star Wars") == "1"
    assert facet(body, "fandom", "Dune") == "1"


def test_counts_of_my_annotated_works_are_mine_alone(
    reader_client, reader, client, other_reader, shelf
):
    annotate(reader, shelf["Bravo"].chapters.get(), start=0, end=7)
    mine = library(reader_client, annotated="1")
    client.force_login(other_reader)

    theirs = client.get(reverse("library"), {"annotated": "1"}).content.decode()

    assert facet(mine, "relationship", "Clarke/Lexa") == "1"
    assert titles(theirs) == [] and facet(theirs, "relationship", "Clarke/Lexa") is None


@pytest.fixture
def cast(db):
    """Twelve characters: five in two works, seven in one; two of those fall out of the top ten."""
    names = [f"Character {n:02}" for n in range(1, 13)]
    crowded = tagged("Crowded", characters=names)
    tagged("Quiet", characters=names[:5])
    return crowded


def test_a_kind_with_more_than_ten_tags_lists_them_all_when_asked(reader_client, cast):
    top = library(reader_client)
    assert facet(top, "character", "Character 05") == "2"
    assert facet(top, "character", "Character 10") == "1"
    assert facet(top, "character", "Character 11") is None
    assert f'id="facet-character-toggle" href="{reverse("library")}?more=character"' in top
    assert ">Show all 12</a>" in top

    whole = library(reader_client, more="character")

    assert facet(whole, "character", "Character 11") == "1"
    assert facet(whole, "character", "Character 12") == "1"
    assert facet(whole, "character", "Character 01") == "2"
    assert '<input type="hidden" name="more" value="character">' in whole
    assert f'id="facet-character-toggle" href="{reverse("library")}"' in whole
    assert ">Show fewer</a>" in whole


def test_show_all_keeps_the_query_and_ticking_keeps_the_list_whole(reader_client, cast):
    body = library(reader_client, q="o", sort="words", fandom="", more=["character", "nonsense"])

    show_fewer = f'id="facet-character-toggle" href="{reverse("library")}?q=o&amp;sort=words"'
    assert show_fewer in body
    chosen = library(reader_client, more="character", character="Character 11")
    assert titles(chosen) == ["Crowded"]
    assert facet(chosen, "character", "Character 12") == "1"
    assert ' value="Character 11" id="facet-character-Character%2011" checked>' in chosen


def test_a_chosen_tag_outside_the_top_ten_is_listed_with_its_count(reader_client, cast):
    body = library(reader_client, character="Character 12")

    assert titles(body) == ["Crowded"]
    assert facet(body, "character", "Character 12") == "1"
    assert ' value="Character 12" id="facet-character-Character%2012" checked>' in body


def test_htmx_gets_the_whole_list_in_the_results(reader_client, cast):
    response = reader_client.get(
        reverse("library"), {"more": "character"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert "<html" not in body
    assert 'id="facet-character"' in body
    assert facet(body, "character", "Character 12") == "1"


def test_a_kind_with_ten_tags_or_fewer_offers_nothing_more(reader_client, shelf):
    body = library(reader_client)

    assert "Show all" not in body and "more=" not in body


def test_the_whole_library_counts_its_works_once(reader_client, shelf):
    library(reader_client)  # draws the filters, kept for every reader

    with CaptureQueriesContext(connection) as queries:
        body = library(reader_client)

    # the reader; the library's version, whose count of works is the list's; the page of works;
    # the reader's places in them; news in their groups (the filters come from the cache)
    assert len(queries) == 5, [q["sql"] for q in queries]
    assert sum("COUNT(" in q["sql"] for q in queries) == 1
    assert "3 works" in body and titles(body) == ["Alpha", "Bravo", "Charlie"]
