"""Who may change a work: the reader who imported it and the staff manage it (edit its details,
delete it or its removed chapters, update it); every other reader reads and annotates it."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fics.importing import import_story_file
from fics.models import PendingUpload, Work
from tests.conftest import make_work

pytestmark = pytest.mark.django_db

MANAGERS = {"importer", "staff"}
NOT_YOURS = (
    "Only the reader who imported “The Test Work” and the library's staff may change it; "
    "you may read and annotate it."
)

VERSION_1 = "Chapter 1\n\nClarke walked to the river at dawn.\n\nLexa was already there.\n"
VERSION_2 = VERSION_1 + "\nChapter 2\n\nThey spoke of the war for an hour.\n"


def refused(response) -> bool:
    """403, with the reason the page is given to show."""
    return response.status_code == 403 and response.context["exception"] == NOT_YOURS


def sent_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def with_removed_chapter(work: Work) -> Work:
    work.chapters.filter(position=2).update(removed=True)
    return work


def test_the_work_page_offers_changes_only_to_who_manages_it(persona, imported_work):
    who, client, _ = persona
    with_removed_chapter(imported_work)

    response = client.get(imported_work.get_absolute_url())

    if who == "logged out":
        assert sent_to_login(response)
        return
    page = response.content.decode()
    assert "Start reading" in page
    assert ("Edit details" in page) is (who in MANAGERS)
    assert ("Delete this chapter and its annotations" in page) is (who in MANAGERS)
    assert "by alice" in page


def test_details_are_edited_only_by_who_manages_the_work(persona, imported_work):
    who, client, _ = persona
    url = reverse("work_edit", args=[imported_work.pk])

    shown = client.get(url)
    saved = client.post(url, {"title": "Renamed"})

    imported_work.refresh_from_db()
    if who in MANAGERS:
        assert shown.status_code == 200 and saved.status_code == 302
        assert imported_work.title == "Renamed"
        return
    assert imported_work.title == "The Test Work"
    if who == "logged out":
        assert sent_to_login(shown) and sent_to_login(saved)
    else:
        assert refused(shown) and refused(saved)


def test_a_work_is_deleted_only_by_who_manages_it(persona, imported_work):
    who, client, _ = persona

    response = client.post(reverse("work_delete", args=[imported_work.pk]), follow=True)

    assert Work.objects.exists() is (who not in MANAGERS)
    if who in MANAGERS:
        assert "“The Test Work” was removed from the library." in response.content.decode()
    elif who == "other reader":
        assert refused(response)
    else:
        assert response.redirect_chain[0][0].startswith(reverse("login"))


def test_a_removed_chapter_is_deleted_only_by_who_manages_the_work(persona, imported_work):
    who, client, _ = persona
    work = with_removed_chapter(imported_work)

    response = client.post(reverse("chapter_delete", args=[work.pk, 2]))

    assert work.chapters.filter(position=2).exists() is (who not in MANAGERS)
    if who in MANAGERS:
        assert response["Location"] == work.get_absolute_url()
    elif who == "other reader":
        assert refused(response)
    else:
        assert sent_to_login(response)


def test_a_work_is_updated_only_by_who_manages_it(persona, reader):
    who, client, user = persona
    work = import_story_file(VERSION_1.encode(), "river.txt", reader=reader).work
    Work.objects.filter(pk=work.pk).update(title="The Test Work")
    # The newer version waits for whoever uploaded it (alice's, for a request with no one).
    pending = PendingUpload.objects.create(
        owner=user or reader, name="river.txt", data=VERSION_2.encode(), work=work
    )

    response = client.post(reverse("upload_resolve", args=[pending.pk]), {"choice": "update"})

    work.refresh_from_db()
    assert (work.chapter_count == 2) is (who in MANAGERS)
    if who in MANAGERS:
        assert "updated" in response.content.decode()
    elif who == "other reader":
        assert refused(response)
        assert PendingUpload.objects.filter(pk=pending.pk).exists()
    else:
        assert sent_to_login(response)


def test_the_upload_page_offers_another_readers_work_only_as_a_new_work(
    reader, other_reader, client
):
    import_story_file(VERSION_1.encode(), "river.txt", reader=reader)
    client.force_login(other_reader)
    upload = SimpleUploadedFile("river.txt", VERSION_2.encode())

    page = client.post(reverse("upload"), {"stories": [upload]}).content.decode()

    assert "newer version of" in page
    assert "Update “" not in page
    assert "Import as a new work" in page
    assert "Another reader imported “River”: only they and the library's staff may update it." in (
        page
    )
    client.post(reverse("upload_resolve", args=[PendingUpload.objects.get().pk]), {"choice": "new"})
    assert Work.objects.get(imported_by=other_reader).chapter_count == 2


def test_an_upload_is_managed_by_who_uploaded_it(reader_client, reader):
    upload = SimpleUploadedFile("one.txt", b"A first story paragraph.\n")

    reader_client.post(reverse("upload"), {"stories": [upload]})

    assert Work.objects.get().imported_by == reader


def test_command_line_imports_and_older_works_are_managed_by_the_staff_only(
    tmp_path, reader_client, staff
):
    (tmp_path / "river.txt").write_text(VERSION_1)
    call_command("import_fics", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    older = make_work()
    staff_client = Client()
    staff_client.force_login(staff)

    for work in (Work.objects.get(source_name="river.txt"), older):
        assert work.imported_by is None
        assert reader_client.get(reverse("work_edit", args=[work.pk])).status_code == 403
        assert staff_client.get(reverse("work_edit", args=[work.pk])).status_code == 200


def test_the_command_line_may_update_any_work(tmp_path, reader):
    work = import_story_file(VERSION_1.encode(), "river.txt", reader=reader).work
    (tmp_path / "river.txt").write_text(VERSION_2)

    call_command("import_fics", str(tmp_path), "--update", stdout=StringIO(), stderr=StringIO())

    work.refresh_from_db()
    assert work.chapter_count == 2
    assert work.imported_by == reader


def test_the_works_of_a_reader_who_leaves_pass_to_the_staff(reader, other_reader, imported_work):
    reader.delete()

    imported_work.refresh_from_db()
    assert imported_work.imported_by is None
    assert not imported_work.is_managed_by(other_reader)
