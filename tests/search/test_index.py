"""The index follows every write, and matches the way the search box promises: on SQLite and on
PostgreSQL alike (run the suite with DATABASE_URL for the second)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from annotations import services
from fics.importing import OnNewerVersion, import_story_file
from fics.models import Work
from search import index
from search.models import SearchDocument
from search.query import stemming_config
from search.results import Scope, find
from tests.annotations.conftest import annotate

pytestmark = pytest.mark.django_db

STORY = (
    "Chapter 1: The Shore\n\nClarke walked to the river at dawn. The water was cold and grey.\n\n"
    "Lexa was already there, waiting.\n\n"
    "Chapter 2: The Council\n\nThey spoke of the war for an hour.\n\nNobody else came.\n\n"
    "Chapter 3: Ending\n\nThe lighthouse keeper slept.\n"
)


def found(reader, text, **filters) -> list[str]:
    """What a search shows, as "kind:segment" of each hit, works in order."""
    results = find(reader=reader, text=text, **filters)
    return [
        f"{hit.document.kind}:{hit.document.segment}"
        for group in results.groups
        for hit in group.hits
    ]


@pytest.fixture
def story(reader) -> Work:
    return import_story_file(STORY.encode(), "story.txt", reader=reader).work


def test_an_import_is_searchable_at_once(reader, story):
    assert found(reader, "river dawn") == ["text:p1"]
    assert found(reader, "lighthouse") == ["text:p1"]
    assert found(reader, "Council") == ["chapter:"]


def test_bare_words_match_as_prefixes_and_by_their_stems(reader, story):
    assert found(reader, "walke") == ["text:p1"]
    assert found(reader, "walking") == ["text:p1"]
    assert found(reader, "Clar") == ["text:p1"]
    assert found(reader, "lighth") == ["text:p1"]


def test_a_prefix_needs_three_letters_and_two_are_a_word(reader, story):
    assert found(reader, "Cla") == ["text:p1"]
    # Nearly every paragraph holds a word that starts with two given letters.
    assert found(reader, "Cl") == []


def test_words_in_quotes_match_together(reader, story):
    assert found(reader, '"the river at dawn"') == ["text:p1"]
    assert found(reader, '"dawn river"') == []
    # Every term must match.
    assert found(reader, "river lighthouse") == []


def test_operators_typed_in_the_box_are_only_words(reader, story):
    # As operators, these would find the lighthouse without the river.
    assert found(reader, "lighthouse OR river") == []
    assert found(reader, "lighthouse -river") == []
    assert found(reader, "lighthouse | !river") == []
    assert found(reader, "(river)") == ["text:p1"]
    assert found(reader, "!!!") == []


def test_the_snippet_marks_the_words_and_escapes_the_rest(reader, story):
    chapter = story.chapters.get(position=1)
    annotate(reader, chapter, start=0, end=6, note="<script>alert('x')</script> lighthouse")

    results = find(reader=reader, text="alert")

    snippet = results.groups[0].hits[0].snippet
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "<mark>alert</mark>" in snippet


def test_a_removed_or_changed_chapter_stops_matching(reader, story):
    newer = STORY.replace("lighthouse keeper", "harbour master").replace("Chapter 2", "Chapter 9")
    newer = newer[: newer.index("Chapter 3")]
    import_story_file(newer.encode(), "story.txt", on_newer_version=OnNewerVersion.UPDATE)

    assert found(reader, "lighthouse") == []
    assert found(reader, "harbour") == []  # the chapter that held it is dropped
    assert found(reader, "Council") == ["chapter:"]
    assert found(reader, "river") == ["text:p1"]


def test_an_update_indexes_new_and_changed_chapters(reader, story):
    newer = STORY.replace("Nobody else came.", "Octavia came at noon.") + (
        "\nChapter 4: Epilogue\n\nA quiet harbour.\n"
    )
    import_story_file(newer.encode(), "story.txt", on_newer_version=OnNewerVersion.UPDATE)

    assert found(reader, "Octavia") == ["text:p2"]
    assert found(reader, "Nobody") == []
    assert found(reader, "harbour") == ["text:p1"]
    assert found(reader, "Epilogue") == ["chapter:"]


def test_annotations_follow_their_re_anchoring(reader, story):
    chapter = story.chapters.get(position=1)
    note = annotate(reader, chapter, start=0, end=6, note="Clarke at the water")
    newer = STORY.replace("Chapter 1: The Shore\n\n", "Chapter 1: The Shore\n\nA new opening.\n\n")
    import_story_file(newer.encode(), "story.txt", on_newer_version=OnNewerVersion.UPDATE)

    note.refresh_from_db()
    assert note.segment == "p2"
    assert found(reader, "water", scope=Scope.MINE) == ["annotation:p2"]


def test_deleting_a_work_or_chapter_takes_its_words_away(reader, story):
    chapter = story.chapters.get(position=3)
    chapter.delete()
    assert found(reader, "lighthouse") == []
    story.delete()
    assert found(reader, "river") == []
    assert not SearchDocument.objects.exists()


def test_editing_a_work_reindexes_its_details(reader, story):
    story.title = "Dawn Patrol"
    story.save()
    assert "work:" in found(reader, "patrol")


def test_annotation_create_edit_delete_restore(reader, story):
    chapter = story.chapters.get(position=2)
    note = annotate(reader, chapter, start=0, end=9, note="ominous", tag_names=["foreshadowing"])
    assert found(reader, "ominous") == ["annotation:p1"]
    assert found(reader, "foreshadow") == ["annotation:p1"]

    services.annotation_update(
        annotation=note, colour="blue", note="hopeful", shared=False, tag_names=["grief"]
    )
    assert found(reader, "ominous") == []
    assert found(reader, "foreshadow") == []
    assert found(reader, "grief hopeful") == ["annotation:p1"]

    services.annotation_delete(annotation=note)
    assert found(reader, "hopeful") == []
    services.annotation_restore(annotation=note)
    assert found(reader, "hopeful") == ["annotation:p1"]


def test_tag_rename_merge_and_delete(reader, story):
    chapter = story.chapters.get(position=2)
    first = annotate(reader, chapter, start=0, end=9, tag_names=["grief"])
    annotate(reader, chapter, start=10, end=20, tag_names=["sorrow"])
    grief = first.tags.get()

    grief.name = "mourning"
    grief.save()
    assert found(reader, "grief") == []
    assert found(reader, "mourning") == ["annotation:p1"]

    sorrow = reader.tags.get(name="sorrow")
    services.tag_merge(source=sorrow, into=grief)
    assert found(reader, "sorrow") == []
    assert len(found(reader, "mourning")) == 2

    services.tag_delete(tag=grief)
    assert found(reader, "mourning") == []


def test_others_private_notes_never_appear_shared_ones_do(reader, other_reader, story):
    chapter = story.chapters.get(position=1)
    annotate(other_reader, chapter, start=0, end=6, note="secret zebra")
    annotate(other_reader, chapter, start=7, end=13, note="public zebra", shared=True)

    assert [h for h in found(reader, "zebra")] == ["annotation:p1"]
    results = find(reader=reader, text="zebra")
    assert "public" in results.groups[0].hits[0].snippet
    assert found(reader, "secret") == []
    assert found(reader, "zebra", scope=Scope.MINE) == []


def test_filters(reader, story):
    other = import_story_file(b"A river on Naboo.\n", "other-river.txt").work
    other.fandom = "Star Wars"
    other.save()
    annotate(
        reader, story.chapters.get(position=1), start=0, end=6, note="river note", tag_names=["x"]
    )

    assert len(found(reader, "river")) >= 3
    assert found(reader, "river", work=other) == ["work:", "text:p1"]
    assert "annotation:p1" not in found(reader, "river", scope=Scope.TEXT)
    assert found(reader, "river", scope=Scope.MINE) == ["annotation:p1"]
    assert found(reader, "river", tag=reader.tags.get()) == ["annotation:p1"]
    assert [
        group.work for group in find(reader=reader, text="river", fandom="Star Wars").groups
    ] == [other]


def test_chinese_and_japanese_are_found_by_any_run_of_characters(reader):
    import_story_file(
        "第一章\n\n她走到河边，水很冷。\n\n東京の夜は静かだった。\n".encode(), "河.txt"
    )

    assert found(reader, "河边") == ["text:p1"]
    assert found(reader, "水很冷") == ["text:p1"]
    assert found(reader, "東京") == ["text:p2"]
    assert found(reader, "冷水") == []
    snippet = find(reader=reader, text="東京").groups[0].hits[0].snippet
    assert "<mark>東</mark><mark>京</mark>の夜" in snippet or "<mark>東京</mark>の夜" in snippet


def test_rebuild_gives_the_same_index(reader, story):
    annotate(reader, story.chapters.get(position=1), start=0, end=6, note="river note")
    before = sorted(SearchDocument.objects.values_list("kind", "segment", "body"))
    index.rebuild()
    assert sorted(SearchDocument.objects.values_list("kind", "segment", "body")) == before
    assert found(reader, "river", scope=Scope.MINE) == ["annotation:p1"]


def test_rebuild_command_indexes_a_library_that_had_no_index(reader, story):
    SearchDocument.objects.all().delete()
    assert found(reader, "lighthouse") == []
    out = StringIO()

    call_command("rebuild_search_index", stdout=out)

    assert found(reader, "lighthouse") == ["text:p1"]
    assert "Indexed" in out.getvalue()


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's own ways (search.backends.Postgres)"
)


@on_postgresql
def test_a_language_new_to_the_library_is_stemmed_its_way_at_once(reader):
    work = import_story_file(b"Les enfants couraient vers la mer.\n", "mer.txt").work
    work.language = "en"
    work.save()
    assert found(reader, '"courir"') == []  # English leaves "courir" and "couraient" as they are

    work.language = "fr"
    work.save()

    assert found(reader, '"courir"') == ["text:p1"]  # French stems both "cour"


@on_postgresql
def test_the_word_being_typed_finds_its_own_documents_before_words_it_begins(reader, monkeypatch):
    import_story_file(b"A silver locket.\n\nThe door's lock.\n\nA lock again.\n", "door.txt")

    monkeypatch.setattr("search.results.CANDIDATES", 2)
    assert found(reader, "lock") == ["text:p2", "text:p3"]
    monkeypatch.setattr("search.results.CANDIDATES", 3)
    assert found(reader, "lock") == ["text:p1", "text:p2", "text:p3"]


def test_the_index_stems_each_language_as_the_search_box_does():
    """The SQL that picks a work's stemming (search.index.CONFIG_SQL) and the Python that picks
    the search box's (search.query.stemming_config) agree, or a French work's words would be
    stemmed one way and looked up another."""
    languages = ["en", "en-GB", "EN-us", "English", "fr", "French", "nb-NO", "no", "enx", "", "tlh"]

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT w.language, {index.CONFIG_SQL} FROM ("
            + " UNION ALL ".join(["SELECT %s AS language"] * len(languages))
            + ") w",
            languages,
        )
        by_sql = dict(cursor.fetchall())

    assert by_sql == {language: stemming_config(language) for language in languages}
    assert by_sql["en-GB"] == "english" and by_sql["tlh"] == "simple"
