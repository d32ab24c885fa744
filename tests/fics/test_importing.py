import pytest
from django.test import override_settings

from fics import importing
from fics.importing import OnNewerVersion, Outcome, import_story_file
from fics.models import Chapter, Paragraph, Work
from fics.parser import parse_story

pytestmark = pytest.mark.django_db

STORY = (
    b"First paragraph of the story.\n\nSecond paragraph, still going.\n\n\nAfter the scene break.\n"
)


def test_import_creates_work_chapters_and_paragraphs():
    result = import_story_file(STORY, "quiet-night.txt")

    assert result.outcome is Outcome.IMPORTED
    work = result.work
    assert work.title == "Quiet night"
    assert work.chapter_count == 1
    assert work.word_count == 13
    chapter = work.chapters.get()
    assert [(p.position, p.kind, p.text) for p in chapter.paragraphs.all()] == [
        (1, "text", "First paragraph of the story."),
        (2, "text", "Second paragraph, still going."),
        (3, "break", ""),
        (4, "text", "After the scene break."),
    ]


def test_same_bytes_twice_change_nothing():
    first = import_story_file(STORY, "quiet-night.txt")
    Work.objects.filter(pk=first.work.pk).update(title="Renamed by the reader")

    second = import_story_file(STORY, "another-name.txt")

    assert second.outcome is Outcome.UNCHANGED
    assert second.work.pk == first.work.pk
    assert Work.objects.get().title == "Renamed by the reader"
    assert Paragraph.objects.count() == 4


def test_new_version_of_same_file_updates_in_place_and_keeps_edited_title():
    first = import_story_file(STORY, "quiet-night.txt")
    Work.objects.filter(pk=first.work.pk).update(title="My title", author="Me")

    newer = STORY + b"\nA paragraph added later.\n"
    second = import_story_file(newer, "quiet-night.txt", on_newer_version=OnNewerVersion.UPDATE)

    assert second.outcome is Outcome.UPDATED
    assert Work.objects.count() == 1
    work = Work.objects.get()
    assert (work.title, work.author) == ("My title", "Me")
    assert work.chapters.get().paragraphs.last().text == "A paragraph added later."


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n  \t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" + bytes(range(256)) * 4, "binary"),
    ],
)
def test_unreadable_files_fail_with_a_reason_and_leave_nothing(data, reason):
    result = import_story_file(data, "broken.txt")

    assert result.outcome is Outcome.FAILED
    assert reason in result.message.lower()
    assert Work.objects.count() == Chapter.objects.count() == 0


@override_settings(MAX_UPLOAD_MB=1, MAX_UPLOAD_BYTES=1024 * 1024)
def test_file_over_the_size_limit_is_refused():
    result = import_story_file(b"word " * 300_000, "huge.txt")

    assert result.outcome is Outcome.FAILED
    assert "over the 1 MB limit" in result.message
    assert not Work.objects.exists()


def test_a_failure_midway_leaves_nothing_half_written(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "_insert_paragraphs", explode)
    with pytest.raises(RuntimeError):
        import_story_file(STORY, "quiet-night.txt")

    assert Work.objects.count() == Chapter.objects.count() == 0


def test_seed_imports_with_exact_figures(corpus):
    data = (corpus / "seeds" / "004_a076e9cb29d276f2.txt").read_bytes()

    work = import_story_file(data, "004_a076e9cb29d276f2.txt").work

    chapter = work.chapters.get()
    kinds = list(chapter.paragraphs.values_list("kind", flat=True))
    assert kinds.count("text") == 101
    assert kinds.count("break") == 5
    assert len(chapter.notes_before_paragraphs) == 2
    assert chapter.notes_after_paragraphs[0].startswith("So there's the first chapter.")
    # Author's notes stand apart from the story and out of its word count.
    story_words = sum(len(p.text.split()) for p in chapter.paragraphs.all())
    assert chapter.word_count == work.word_count == story_words


def test_ao3_characters_and_relationships_lead_the_tag_pickers_list(corpus):
    data = (corpus / "more" / "ao3-multichapter-en.html").read_bytes()

    work = import_story_file(data, "ao3-multichapter-en.html").work

    assert work.source_format == "AO3 HTML"
    assert work.rating == "Explicit"
    assert "Magdalena von Westfalen/Yang Wenli" in work.relationships
    assert work.characters[:2] == ["Magdalena von Westfalen", "Yang Wenli"]
    assert "Siegfried Kircheis" in work.characters


def test_import_is_deterministic(corpus):
    data = (corpus / "more" / "ffn-hp-markdown-multichapter-notes.md").read_bytes()

    def rows():
        work = Work.objects.get()
        return [
            (
                c.title,
                c.notes_before,
                c.notes_after,
                list(c.paragraphs.values_list("kind", "text", "emphasis")),
            )
            for c in work.chapters.all()
        ]

    import_story_file(data, "story.md")
    first = rows()
    Work.objects.all().delete()
    import_story_file(data, "story.md")

    assert rows() == first


def test_a_file_imported_meanwhile_by_someone_else_is_unchanged(monkeypatch):
    first = import_story_file(STORY, "quiet-night.txt").work
    # As if the other import committed between our check and our write.
    real_filter = Work.objects.filter
    monkeypatch.setattr(
        Work.objects,
        "filter",
        lambda *args, **kwargs: (
            Work.objects.none() if "content_hash" in kwargs else real_filter(*args, **kwargs)
        ),
    )

    result = import_story_file(STORY, "copy.txt", on_newer_version=OnNewerVersion.ADD_AS_NEW)

    assert result.outcome is Outcome.UNCHANGED
    assert result.work == first
    assert Work.objects.count() == 1


def test_guessed_names_are_kept_apart_from_the_characters_the_file_names(corpus, reader_client):
    data = (corpus / "more" / "ao3-multichapter-en.html").read_bytes()
    parsed = parse_story(data, "ao3-multichapter-en.html")
    named = set(parsed.characters) | {
        name.strip() for pair in parsed.relationships for name in pair.replace("&", "/").split("/")
    }

    work = import_story_file(data, "ao3-multichapter-en.html").work

    assert set(work.characters) == named  # what the file says, and nothing guessed
    assert work.suggested_characters
    assert not {name.casefold() for name in work.suggested_characters} & {
        name.casefold() for name in work.characters
    }
    page = reader_client.get(work.get_absolute_url()).content.decode()
    assert "<dt>Suggested characters</dt>" in page
    chapter = reader_client.get(work.chapters.first().get_absolute_url()).content.decode()
    assert f'"name": "{work.suggested_characters[0]}"' in chapter  # the tag picker offers them
