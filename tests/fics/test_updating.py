"""Re-importing a newer version of a work: nothing changes until the reader says so, and then
every annotation survives — re-anchored, or kept as an orphan."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from annotations.models import Annotation
from fics.importing import OnNewerVersion, Outcome, earlier_version, import_story_file
from fics.models import PendingUpload, Work
from fics.parser import ParsedWork
from tests.annotations.conftest import annotate

pytestmark = pytest.mark.django_db

VERSION_1 = (
    "Chapter 1\n\nClarke walked to the river at dawn. The water was cold and grey.\n\n"
    "Lexa was already there, waiting.\n\n"
    "Chapter 2\n\nThey spoke of the war for an hour.\n\nNobody else came.\n\n"
    "Chapter 3\n\nThe end of the first version.\n"
)
VERSION_2 = (
    "Chapter 1\n\nA new opening paragraph, added later.\n\n"
    "Clarke walked to the river at dawn. The water was cold and gray.\n\n"
    "Lexa was already there, waiting.\n\n"
    "Chapter 2\n\nThey spoke of the war for an hour.\n\nNobody else came.\n"
)


def quote_at(annotation):
    annotation.refresh_from_db()
    return annotation.exact


@pytest.fixture
def version_1(reader):
    work = import_story_file(VERSION_1.encode(), "river.txt", reader=reader).work
    first, second, third = work.chapters.all()
    text = "Clarke walked to the river at dawn. The water was cold and grey.\n\nLexa was"
    moved = annotate(reader, first, start=0, end=6, note="Clarke")
    fuzzy = annotate(reader, first, start=36, end=64, note="the water")
    kept = annotate(reader, second, start=0, end=22, note="war talk")
    removed = annotate(reader, third, start=4, end=7, note="the end")
    assert text.startswith(moved.exact)
    return work, {"moved": moved, "fuzzy": fuzzy, "kept": kept, "removed": removed}


def test_a_newer_version_waits_for_the_reader(version_1):
    work, _ = version_1

    result = import_story_file(VERSION_2.encode(), "river.txt")

    assert result.outcome is Outcome.NEWER_VERSION
    assert result.work == work
    assert work.chapters.get(position=1).paragraphs.count() == 2


def test_update_reanchors_every_annotation_and_keeps_removed_chapters(version_1):
    work, annotations = version_1

    result = import_story_file(
        VERSION_2.encode(), "river.txt", on_newer_version=OnNewerVersion.UPDATE
    )

    assert result.outcome is Outcome.UPDATED
    assert dict(result.reanchored) == {"moved": 1, "fuzzy": 1, "kept": 2}
    assert quote_at(annotations["moved"]) == "Clarke"
    assert quote_at(annotations["fuzzy"]).endswith("cold and gray.")
    assert quote_at(annotations["kept"]) == "They spoke of the war"
    third = work.chapters.get(position=3)
    assert third.removed
    assert quote_at(annotations["removed"]) == "end"
    assert Annotation.objects.count() == 4
    work.refresh_from_db()
    assert work.chapter_count == 2
    assert "2 kept in place, 1 moved, 1 fuzzy-matched, 0 orphaned" in result.describe()


def test_words_that_are_gone_leave_an_orphan_listed_on_the_work(reader, reader_client):
    work = import_story_file(VERSION_1.encode(), "river.txt").work
    chapter = work.chapters.get(position=1)
    gone = annotate(reader, chapter, start=66, end=98, note="Lexa waits")
    assert gone.exact == "Lexa was already there, waiting."
    rewritten = VERSION_1.replace("Lexa was already there, waiting.", "Nobody was there at all.")

    result = import_story_file(rewritten.encode(), "river.txt", target=work)

    assert result.reanchored["orphaned"] == 1
    gone.refresh_from_db()
    assert gone.orphaned and gone.note == "Lexa waits"
    page = reader_client.get(work.get_absolute_url()).content.decode()
    assert "Annotations no longer in the text" in page
    assert "Lexa was already there, waiting." in page


def test_an_orphan_is_reattached_to_a_new_selection(reader, reader_client):
    work = import_story_file(VERSION_1.encode(), "river.txt").work
    chapter = work.chapters.get(position=1)
    gone = annotate(reader, chapter, start=66, end=98, note="Lexa waits")
    rewritten = VERSION_1.replace("Lexa was already there, waiting.", "Nobody was there at all.")
    import_story_file(rewritten.encode(), "river.txt", target=work)

    chapter_page = reader_client.get(chapter.get_absolute_url()).content.decode()
    assert "Re-attach to the selection" in chapter_page
    response = reader_client.post(
        reverse("annotation_reattach", args=[gone.pk]),
        {"utf16_start": 66, "utf16_end": 89, "exact": "Nobody was there at all"},
    )

    assert response.status_code == 302
    gone.refresh_from_db()
    assert not gone.orphaned
    assert (gone.exact, gone.note) == ("Nobody was there at all", "Lexa waits")


def test_same_title_and_author_is_recognised_as_a_newer_version(db):
    work = import_story_file(b"Some text.\n", "first-name.txt").work
    Work.objects.filter(pk=work.pk).update(title="River", author="Someone")
    renamed = ParsedWork(title="river", author="SOMEONE", chapters=[])
    anonymous = ParsedWork(title="River", author="", chapters=[])

    assert earlier_version("other-name.txt", renamed) == work
    assert earlier_version("other-name.txt", anonymous) is None
    assert earlier_version("first-name.txt", anonymous) == work


def test_browser_asks_then_updates(reader_client, version_1):
    _, annotations = version_1
    upload = SimpleUploadedFile("river.txt", VERSION_2.encode())

    asked = reader_client.post(reverse("upload"), {"stories": [upload]}).content.decode()

    assert "newer version" in asked and "Update “" in asked
    pending = PendingUpload.objects.get()
    done = reader_client.post(
        reverse("upload_resolve", args=[pending.pk]),
        {"choice": "update"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "updated" in done and "1 fuzzy-matched" in done
    assert not PendingUpload.objects.exists()
    assert Work.objects.count() == 1
    assert quote_at(annotations["fuzzy"]).endswith("gray.")


def test_browser_can_add_it_as_a_new_work_instead(reader_client, version_1):
    upload = SimpleUploadedFile("river.txt", VERSION_2.encode())
    reader_client.post(reverse("upload"), {"stories": [upload]})

    reader_client.post(
        reverse("upload_resolve", args=[PendingUpload.objects.get().pk]), {"choice": "new"}
    )

    assert Work.objects.count() == 2


def test_another_readers_pending_upload_is_404(client, other_reader, version_1):
    reader_client_upload = SimpleUploadedFile("river.txt", VERSION_2.encode())
    pending = PendingUpload.objects.create(
        owner=version_1[0].chapters.first().annotations.first().owner,
        name="river.txt",
        data=reader_client_upload.read(),
        work=version_1[0],
    )
    client.force_login(other_reader)

    assert client.post(reverse("upload_resolve", args=[pending.pk])).status_code == 404


def test_command_line_needs_update_flag(tmp_path, version_1):
    (tmp_path / "river.txt").write_text(VERSION_2)
    out = StringIO()

    call_command("import_fics", str(tmp_path), stdout=out, stderr=StringIO())
    call_command("import_fics", str(tmp_path), "--update", stdout=out, stderr=StringIO())

    lines = out.getvalue()
    assert "river.txt: newer version of" in lines
    assert "run again with --update" in lines
    assert "river.txt: updated as" in lines
    assert "annotations 2 kept in place, 1 moved, 1 fuzzy-matched, 0 orphaned" in lines


def test_removed_chapter_is_deleted_only_when_asked(reader_client, version_1):
    work, annotations = version_1
    import_story_file(VERSION_2.encode(), "river.txt", target=work)

    page = reader_client.get(work.get_absolute_url()).content.decode()
    assert "not in the latest version" in page
    assert reader_client.post(reverse("chapter_delete", args=[work.pk, 1])).status_code == 404

    reader_client.post(reverse("chapter_delete", args=[work.pk, 3]))

    assert not work.chapters.filter(position=3).exists()
    assert not Annotation.objects.filter(pk=annotations["removed"].pk).exists()


def test_an_update_of_a_work_deleted_meanwhile_fails_with_a_message(version_1):
    work, _ = version_1
    Work.objects.filter(pk=work.pk).delete()

    result = import_story_file(VERSION_2.encode(), "river.txt", target=work)

    assert result.describe() == "river.txt: failed: “River” was deleted meanwhile"
    assert not Work.objects.exists()
