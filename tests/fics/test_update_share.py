"""An update may only replace a work with a newer version of it: a file that shares too little of
its text (another story bearing the same file name) is refused, and the refusal says how much."""

import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from fics.importing import OnNewerVersion, Outcome, import_story_file, text_share
from fics.models import PendingUpload, Work

# Four sentences of six words: each is a quarter of the work.
RIVER = (
    "Chapter 1\n\nClarke walked down to the river. The water was cold and grey.\n\n"
    "Lexa was already there, waiting quietly.\n\n"
    "Chapter 2\n\nThey spoke of the long war.\n"
)
# The first sentence only, then another story.
ANOTHER_STORY = (
    "Chapter 1\n\nClarke walked down to the river. Then a dragon ate the moon whole.\n\n"
    "Chapter 2\n\nNobody in the kingdom ever noticed.\n"
)
# A typo fixed, a chapter added: what an author's next version looks like.
NEWER = (
    RIVER.replace("cold and grey", "cold and gray")
    + "\nChapter 3\n\nThe war ended at last, one spring.\n"
)
REFUSAL = "shares 25 % of its text with “River”; not updated"


def test_a_newer_version_shares_most_sentences_and_another_story_almost_none():
    old = ["Clarke walked to the river. The water was cold.", "Lexa waited."]

    assert text_share(old, ["CLARKE walked to the river!  The water was cold…", "Lexa waited"]) == 1
    assert text_share(old, [*old, "A whole new chapter."]) == 1
    assert text_share(old, ["Clarke walked to the river. The water was warm.", "Lexa waited."]) == (
        pytest.approx(7 / 11)
    )
    assert text_share(old, ["Something else entirely."]) == 0
    assert text_share([], ["Anything."]) == 1


def test_a_sentence_is_counted_as_often_as_it_still_appears():
    assert text_share(["Yes. Yes. Yes. Yes."], ["Yes."]) == 0.25


def test_a_novel_keeps_its_share_after_an_edit_and_shares_nothing_with_another(corpus):
    novel = (corpus / "more" / "hpmor-full-en.txt").read_text(encoding="utf-8").split("\n\n")
    newer = [paragraph.replace("Harry", "Harold", 1) for paragraph in novel[:100]] + novel[100:]
    other = (corpus / "more" / "gutenberg-pride-prejudice-crlf.txt").read_bytes().decode()

    kept = text_share(novel, [*newer, "A new chapter."])
    unrelated = text_share(novel, other.split("\r\n\r\n"))

    assert kept > 0.99
    assert unrelated < 0.05


@pytest.mark.django_db
def test_another_story_with_the_same_name_is_refused_with_its_share():
    work = import_story_file(RIVER.encode(), "river.txt").work

    result = import_story_file(
        ANOTHER_STORY.encode(), "river.txt", on_newer_version=OnNewerVersion.UPDATE
    )

    assert result.outcome is Outcome.NOT_UPDATED
    assert result.describe() == f"river.txt: {REFUSAL}"
    work.refresh_from_db()
    assert work.chapter_count == 2
    assert "waiting quietly" in work.chapters.get(position=1).paragraphs.last().text


@pytest.mark.django_db
def test_a_newer_version_with_a_new_chapter_and_a_typo_fix_is_accepted():
    work = import_story_file(RIVER.encode(), "river.txt").work

    result = import_story_file(NEWER.encode(), "river.txt", target=work)

    assert result.outcome is Outcome.UPDATED
    work.refresh_from_db()
    assert work.chapter_count == 3
    assert "cold and gray" in work.chapters.get(position=1).paragraphs.first().text


@pytest.mark.django_db
def test_the_command_line_refuses_it_too(tmp_path):
    import_story_file(RIVER.encode(), "river.txt")
    (tmp_path / "river.txt").write_text(ANOTHER_STORY)
    out = StringIO()

    with pytest.raises(CommandError, match=re.escape("1 file(s) share too little text")):
        call_command("import_fics", str(tmp_path), "--update", stdout=out, stderr=StringIO())

    assert f"river.txt: {REFUSAL}" in out.getvalue()
    assert Work.objects.get().chapter_count == 2


@pytest.mark.django_db
def test_the_upload_page_says_why_and_offers_a_new_work_instead(reader, reader_client):
    import_story_file(RIVER.encode(), "river.txt", reader=reader)

    page = reader_client.post(
        reverse("upload"), {"stories": [SimpleUploadedFile("river.txt", ANOTHER_STORY.encode())]}
    ).content.decode()

    assert f"river.txt</strong>: {REFUSAL}." in page
    assert "Update “" not in page
    pending = PendingUpload.objects.get()
    # Even asked for directly, the update is refused, and the file waits for a choice again.
    forced = reader_client.post(reverse("upload_resolve", args=[pending.pk]), {"choice": "update"})
    assert REFUSAL in forced.content.decode()
    assert Work.objects.get().chapter_count == 2
    waiting = PendingUpload.objects.get()
    reader_client.post(reverse("upload_resolve", args=[waiting.pk]), {"choice": "new"})
    assert Work.objects.count() == 2
    assert not PendingUpload.objects.exists()
