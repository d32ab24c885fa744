"""Uploads are imported in the background: the page queues each file and follows its job until
the outcome is there; each file is read in a child process under memory and CPU-time limits, so
that a hostile file fails alone and an interrupted import is run again."""

import os
import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from fics import tasks
from fics.models import Chapter, ImportJob, Work
from fics.parser import ParseError
from tests.conftest import run_worker

pytestmark = pytest.mark.django_db

STORY = b"The first paragraph of the story.\n\nThe second paragraph, still going.\n"
# Eleven megabytes in one paragraph: reading it takes far more than the 16 MB the tests allow.
HOSTILE = b"Lorem ipsum dolor sit amet. " * 400_000


def upload(client, *files: tuple[str, bytes], **headers):
    stories = [SimpleUploadedFile(name, data) for name, data in files]
    return client.post(reverse("upload"), {"stories": stories}, headers=headers)


def job_line(client, job: ImportJob) -> str:
    """The line the upload page polls for one job."""
    response = client.get(reverse("upload"), {"job": job.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


# The worker closes the connections Django would close after a request, which ends a test's
# transaction: its tests commit for real.
with_worker = pytest.mark.django_db(transaction=True)


@with_worker
def test_the_page_queues_the_file_and_shows_the_outcome_once_the_worker_ran(
    reader, reader_client, database_tasks
):
    page = upload(reader_client, ("one.txt", STORY), HX_REQUEST="true").content.decode()

    job = ImportJob.objects.get()
    assert "one.txt</strong>: queued…" in page
    assert f'hx-get="/import/?job={job.pk}" hx-trigger="every 1s"' in page
    assert not Work.objects.exists()

    run_worker()

    line = job_line(reader_client, job)
    assert "one.txt</strong>: imported — " in line
    assert "hx-trigger" not in line
    assert "<html" not in line
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FINISHED
    assert bytes(job.data) == b""
    assert Work.objects.get().imported_by == reader


@with_worker
def test_without_javascript_the_page_offers_to_check_again(reader_client, database_tasks):
    page = upload(reader_client, ("one.txt", STORY)).content.decode()
    job = ImportJob.objects.get()

    assert f'<a href="/import/?job={job.pk}" class="small">Check again</a>' in page
    run_worker()
    again = reader_client.get(reverse("upload"), {"job": job.pk}).content.decode()
    assert "<html" in again
    assert "one.txt</strong>: imported — " in again


def test_a_finished_job_is_not_imported_again(reader_client):
    upload(reader_client, ("one.txt", STORY))
    job = ImportJob.objects.get()
    Work.objects.all().delete()

    tasks.import_upload.call(job.pk)

    assert not Work.objects.exists()
    job.refresh_from_db()
    assert (job.outcome, job.attempts) == ("imported", 1)


def test_a_file_that_needs_too_much_memory_fails_alone(reader_client, settings):
    settings.IMPORT_MEMORY_LIMIT_MB = 16

    page = upload(reader_client, ("hostile.txt", HOSTILE), ("one.txt", STORY)).content.decode()

    assert (
        "hostile.txt</strong>: failed: the file needed more than 16 MB of memory to read; "
        "nothing was imported"
    ) in page
    assert "one.txt</strong>: imported — " in page
    assert Work.objects.get().source_name == "one.txt"
    assert Chapter.objects.count() == 1
    assert not ImportJob.objects.exclude(data=b"").exists()


def test_a_file_that_takes_too_long_to_read_fails(reader_client, settings, monkeypatch):
    settings.IMPORT_CPU_LIMIT_SECONDS = 1

    def spin(data, name):
        while True:
            pass

    monkeypatch.setattr(tasks, "read_story", spin)

    page = upload(reader_client, ("slow.txt", STORY)).content.decode()

    assert (
        "slow.txt</strong>: failed: reading the file took more than 1 s of processor time; "
        "nothing was imported"
    ) in page
    assert not Work.objects.exists()


def killed_the_first_time(flag):
    """A reader whose first child is killed (SIGKILL) halfway, as the kernel's out-of-memory
    killer or an operator would; the flag file outlives the child, so the next one reads."""
    real_read = tasks.read_story

    def read(data, name):
        if not flag.exists():
            flag.touch()
            real_read(data, name)
            os.kill(os.getpid(), signal.SIGKILL)
        return real_read(data, name)

    return read


@with_worker
def test_a_child_killed_mid_import_leaves_nothing_and_the_worker_runs_it_again(
    reader_client, database_tasks, monkeypatch, tmp_path
):
    monkeypatch.setattr(tasks, "read_story", killed_the_first_time(tmp_path / "killed"))
    upload(reader_client, ("one.txt", STORY))
    job = ImportJob.objects.get()
    seen: list[tuple[str, int, bool]] = []
    real_read = tasks.read_in_child

    def read_and_look(data, name):
        try:
            return real_read(data, name)
        finally:
            job.refresh_from_db()
            seen.append((job.status, job.attempts, Work.objects.exists()))

    monkeypatch.setattr(tasks, "read_in_child", read_and_look)

    run_worker()

    # The killed child left nothing; the job went back in the queue and the worker ran it again.
    assert seen == [("importing", 1, False), ("importing", 2, False)]
    assert DBTaskResult.objects.count() == 2
    job.refresh_from_db()
    assert (job.outcome, job.attempts) == ("imported", 2)
    assert Work.objects.get().chapters.get().paragraphs.count() == 2


def test_a_child_killed_every_time_fails_after_three_attempts(reader_client, monkeypatch):
    def killed(data, name):
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(tasks, "read_story", killed)

    page = upload(reader_client, ("one.txt", STORY)).content.decode()

    assert (
        "one.txt</strong>: failed: the import was stopped 3 times (SIGKILL); nothing was imported"
    ) in page
    assert not Work.objects.exists()


def test_a_readers_job_is_hidden_from_everyone_else(reader_client, other_reader):
    upload(reader_client, ("one.txt", STORY))
    job = ImportJob.objects.get()
    stranger = Client()
    stranger.force_login(other_reader)

    assert reader_client.get(reverse("upload"), {"job": job.pk}).status_code == 200
    assert stranger.get(reverse("upload"), {"job": job.pk}).status_code == 404
    assert stranger.get(reverse("upload"), {"job": "x"}).status_code == 404
    assert Client().get(reverse("upload"), {"job": job.pk}).status_code == 302


def test_old_outcomes_are_forgotten_on_the_next_upload(reader_client):
    upload(reader_client, ("one.txt", STORY))
    ImportJob.objects.update(finished=ImportJob.objects.get().finished.replace(year=2000))

    upload(reader_client, ("two.txt", STORY + b"\nA third paragraph.\n"))

    assert list(ImportJob.objects.values_list("name", flat=True)) == ["two.txt"]


def test_a_file_over_the_size_limit_is_refused_unread(reader_client, settings):
    settings.MAX_UPLOAD_MB, settings.MAX_UPLOAD_BYTES = 1, 1024 * 1024

    page = upload(reader_client, ("huge.txt", b"word " * 300_000)).content.decode()

    assert "huge.txt</strong>: failed: the file is 1.4 MB, over the 1 MB limit" in page
    assert bytes(ImportJob.objects.get().data) == b""
    assert not Work.objects.exists()


def test_an_import_that_fails_unexpectedly_says_so_and_leaves_nothing(reader_client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tasks, "import_story_file", broken)

    page = upload(reader_client, ("one.txt", STORY)).content.decode()

    assert "one.txt</strong>: failed: the import failed unexpectedly; nothing was imported" in page
    assert bytes(ImportJob.objects.get().data) == b""
    assert not Work.objects.exists()


def test_the_file_is_read_at_a_lower_cpu_priority_than_the_worker(reader_client, monkeypatch):
    def report_niceness(data, name):
        raise ParseError(f"read at niceness {os.nice(0)}")

    monkeypatch.setattr(tasks, "read_story", report_niceness)

    page = upload(reader_client, ("one.txt", STORY)).content.decode()

    assert f"one.txt</strong>: failed: read at niceness {os.nice(0) + 10}" in page
