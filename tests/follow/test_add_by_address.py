"""Add by address: the Import page and `manage.py import_fics URL` fetch a story with FanFicFare
in the background worker and import it as the same work an upload would make."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from fics.models import Chapter, ImportJob, Work
from tests.conftest import run_worker
from tests.follow.conftest import STORY

pytestmark = pytest.mark.django_db


def add(client, address: str, *, adult: bool = False, **headers):
    data = {"address": address, **({"is_adult": "on"} if adult else {})}
    return client.post(reverse("upload_address"), data, headers=headers)


def test_the_import_page_offers_to_add_by_address(reader_client):
    page = reader_client.get(reverse("upload")).content.decode()

    assert 'id="address-form"' in page
    assert 'name="address"' in page
    assert 'type="checkbox" name="is_adult"' in page


def test_a_story_added_by_address_is_imported_and_remembers_its_address(reader, reader_client):
    page = add(reader_client, STORY, HX_REQUEST="true").content.decode()

    work = Work.objects.get()
    assert f"{STORY}</strong>: imported — " in page
    assert "(9 chapters, FanFicFare: test1.com)" in page
    assert "<html" not in page
    assert (work.title, work.author) == ("Test Story Title 5", "Test Author aa")
    assert work.source_url == STORY
    assert work.source_format == "FanFicFare: test1.com"
    assert work.imported_by == reader
    assert work.characters[:3] == ["Bob Smith", "Fred Smythe", "George Johnson"]
    assert not work.chapters.filter(title="Title Page").exists()


def test_a_wrong_address_is_refused_in_the_form(reader_client):
    response = add(reader_client, "not an address at all", HX_REQUEST="true")

    assert response.headers["HX-Retarget"] == "#address-form"
    assert response.headers["HX-Reswap"] == "outerHTML"
    page = response.content.decode()
    assert 'id="address-errors"' in page
    assert not ImportJob.objects.exists()


def test_without_javascript_a_wrong_address_gets_the_page_again(reader_client):
    response = add(reader_client, "not an address at all")

    assert response.status_code == 400
    page = response.content.decode()
    assert "<html" in page
    assert 'value="not an address at all"' in page
    assert 'id="address-errors"' in page


def test_an_unsupported_site_fails_with_a_clear_message(reader_client):
    page = add(reader_client, "https://example.org/story/1").content.decode()

    assert "failed: FanFicFare does not support this site" in page
    assert not Work.objects.exists()


def test_adult_content_needs_the_readers_own_confirmation(reader_client):
    refused = add(reader_client, "http://test1.com?sid=665").content.decode()
    assert "failed: the site marks this story for adults" in refused
    assert not Work.objects.exists()

    add(reader_client, "http://test1.com?sid=665", adult=True)

    assert Work.objects.get().chapter_count == 9
    assert not ImportJob.objects.filter(is_adult=True, status="queued").exists()


def test_a_fetch_that_fails_half_way_writes_nothing(reader_client):
    page = add(reader_client, "http://test1.com?sid=667").content.decode()

    assert "failed: the download failed part-way" in page
    assert not Work.objects.exists()
    assert not Chapter.objects.exists()


def test_the_same_address_twice_points_to_the_work(reader_client):
    add(reader_client, STORY)
    page = add(reader_client, STORY).content.decode()

    assert "unchanged — " in page
    assert Work.objects.count() == 1


def test_the_job_line_shows_the_chapters_fetched(reader, reader_client):
    job = ImportJob.objects.create(
        owner=reader,
        name=STORY,
        address=STORY,
        status=ImportJob.Status.IMPORTING,
        heartbeat=timezone.now(),
        chapters_fetched=3,
        chapters_total=9,
    )

    line = reader_client.get(reverse("upload"), {"job": job.pk}, headers={"HX-Request": "true"})

    assert "importing (chapter 3 of 9)…" in line.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_worker_fetches_it_and_records_its_progress(reader, reader_client, database_tasks):
    add(reader_client, STORY)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED
    assert not Work.objects.exists()

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.outcome) == (ImportJob.Status.FINISHED, "imported")
    assert (job.chapters_fetched, job.chapters_total) == (9, 9)
    assert job.source_format == "FanFicFare: test1.com"
    assert Work.objects.get().source_url == STORY


def test_the_command_line_takes_addresses(db):
    out = StringIO()

    call_command("import_fics", STORY, stdout=out, stderr=StringIO())

    assert f"{STORY}: imported as “Test Story Title 5” (9 chapters" in out.getvalue()
    assert "FanFicFare: test1.com)" in out.getvalue()
    assert "1 addresses: 1 imported" in out.getvalue()
    assert Work.objects.get().source_url == STORY


def test_the_command_line_reports_an_address_it_cannot_fetch(db):
    out = StringIO()

    with pytest.raises(CommandError, match="could not be imported"):
        call_command("import_fics", "https://example.org/s/1", stdout=out, stderr=StringIO())

    assert "FanFicFare does not support this site" in out.getvalue()
