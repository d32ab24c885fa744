"""A worker that dies mid-import (killed, out of memory, its machine gone) leaves nothing a
reader can see, what it wrote is removed, and its job is taken back: queued again when a worker
starts or the upload page asks about it, or failed with a Retry once it was stopped MAX_ATTEMPTS
times. The queue's old results and finished jobs are pruned by the worker."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fics import tasks
from fics.models import ImportJob, PendingUpload, Work
from fics.parser import parse_story
from tests.conftest import PROJECT_ROOT, make_work, run_worker

with_worker = pytest.mark.django_db(transaction=True)

STORY = b"The first paragraph of the story.\n\nThe second paragraph, still going.\n"


def long_story() -> bytes:
    """Twelve chapters of forty paragraphs: big enough that a kill lands mid-import."""
    return "\n\n".join(
        f"Chapter {n}\n\n"
        + "\n\n".join(
            f"Paragraph {p} of chapter {n}, where something happens to someone." for p in range(40)
        )
        for n in range(1, 13)
    ).encode()


def job_line(client, job: ImportJob) -> str:
    response = client.get(reverse("upload"), {"job": job.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def dead_job(owner, *, attempts: int) -> ImportJob:
    """A job as a worker killed mid-import leaves it: importing, its lease long run out, its
    task result "running"."""
    run = DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [0], "kwargs": {}},
        task_path="fics.tasks.import_upload",
        backend_name="default",
        exception_class_path="",
        traceback="",
    )
    return ImportJob.objects.create(
        owner=owner,
        name="one.txt",
        data=STORY,
        status=ImportJob.Status.IMPORTING,
        attempts=attempts,
        heartbeat=timezone.now() - timedelta(minutes=5),
        task_id=str(run.pk),
    )


@with_worker
def test_the_page_takes_back_a_job_whose_worker_died_and_a_worker_imports_it(
    reader, reader_client, database_tasks
):
    job = dead_job(reader, attempts=1)
    dead_run = job.task_id

    line = job_line(reader_client, job)

    assert "one.txt</strong>: queued again (its import was interrupted; nothing was imported)" in (
        line
    )
    assert "hx-trigger" in line
    assert DBTaskResult.objects.get(pk=dead_run).status == "FAILED"
    run_worker()
    job.refresh_from_db()
    assert (job.outcome, job.attempts, bytes(job.data)) == ("imported", 2, b"")
    assert Work.objects.get().chapters.get().paragraphs.count() == 2


@with_worker
def test_a_job_stopped_three_times_fails_and_the_reader_may_retry_it(
    reader, reader_client, database_tasks
):
    job = dead_job(reader, attempts=3)

    line = job_line(reader_client, job)

    assert (
        "one.txt</strong>: failed: the import was stopped 3 times (its worker stopped); "
        "nothing was imported"
    ) in line
    assert f'hx-post="/import/{job.pk}/retry/"' in line
    assert "hx-trigger" not in line
    assert not Work.objects.exists()

    retried = reader_client.post(reverse("upload_retry", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "one.txt</strong>: queued…" in retried.content.decode()
    run_worker()
    job.refresh_from_db()
    assert (job.outcome, job.attempts) == ("imported", 1)
    assert "Retry" not in job_line(reader_client, job)


def test_only_the_reader_who_uploaded_a_job_may_retry_it(reader, other_reader, client):
    job = dead_job(reader, attempts=3)
    tasks.recover_abandoned()
    client.force_login(other_reader)

    assert client.post(reverse("upload_retry", args=[job.pk])).status_code == 404
    assert client.get(reverse("upload_retry", args=[job.pk])).status_code == 405
    job.refresh_from_db()
    assert job.outcome == "failed"


def test_a_job_whose_worker_is_alive_is_neither_taken_back_nor_run_twice(reader, reader_client):
    job = dead_job(reader, attempts=1)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat=timezone.now())

    assert "importing…" in job_line(reader_client, job)
    tasks.import_upload.call(job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == ("importing", 1)
    assert not Work.objects.exists()


@with_worker
def test_the_worker_renews_the_lease_of_a_long_import(
    reader_client, database_tasks, monkeypatch, settings
):
    settings.IMPORT_LEASE_SECONDS = 0.4
    reader_client.post(reverse("upload"), {"stories": [SimpleUploadedFile("one.txt", STORY)]})
    taken_back: list[int] = []
    real_read = tasks.read_in_child

    def slow_read(data, name):
        time.sleep(1.2)  # three lease periods
        taken_back.append(tasks.recover_abandoned())
        return real_read(data, name)

    monkeypatch.setattr(tasks, "read_in_child", slow_read)

    run_worker()

    assert taken_back == [0]
    job = ImportJob.objects.get()
    assert (job.outcome, job.attempts) == ("imported", 1)


@with_worker
def test_the_worker_prunes_what_finished_more_than_a_day_ago(reader, database_tasks):
    old = timezone.now() - timedelta(days=2)
    work = make_work()
    for name, finished in (("old.txt", old), ("recent.txt", timezone.now())):
        ImportJob.objects.create(
            owner=reader, name=name, status="finished", outcome="failed", data=STORY
        )
        ImportJob.objects.filter(name=name).update(finished=finished)
    ImportJob.objects.create(owner=reader, name="waiting.txt", data=STORY)
    PendingUpload.objects.create(owner=reader, name="old.txt", data=STORY, work=work)
    PendingUpload.objects.update(created=old)
    PendingUpload.objects.create(owner=reader, name="recent.txt", data=STORY, work=work)
    for status, finished_at in (("SUCCESSFUL", old), ("FAILED", old), ("SUCCESSFUL", None)):
        DBTaskResult.objects.create(
            status=status,
            finished_at=finished_at or timezone.now(),
            args_kwargs={"args": [0], "kwargs": {}},
            task_path="fics.tasks.import_upload",
            backend_name="default",
            exception_class_path="",
            traceback="",
        )

    run_worker()

    assert sorted(ImportJob.objects.values_list("name", flat=True)) == ["recent.txt", "waiting.txt"]
    assert list(PendingUpload.objects.values_list("name", flat=True)) == ["recent.txt"]
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"]


# ---------------------------------------------------------------- a real worker, killed

QUEUE = """
import os, pathlib
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from fics.tasks import import_job_create
reader = get_user_model().objects.create_user("alice")
story = pathlib.Path(os.environ["STORY"])
import_job_create(owner=reader, uploaded=SimpleUploadedFile(story.name, story.read_bytes()))
"""

# The worker, importing two chapters a step, held just before the commit of its second step (the
# first one's chapters are in, hidden): it writes down what its open transaction holds, then
# waits to be killed.
STALLING_WORKER = """
import json, os, pathlib, time
from django.core.management import call_command
from django.db import connections
from fics import staging
staging.STEP_WORDS = staging.LONE_STEP_WORDS = 1000
database = connections["default"]
commit = database._commit
steps = []
def commit_after_a_stall():
    with database.cursor() as cursor:
        counts = []
        for table in ("fics_work", "fics_chapter", "fics_paragraph"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts.append(cursor.fetchone()[0])
    if counts[2]:
        steps.append(counts)
    if len(steps) == 2:
        pathlib.Path(os.environ["STALLED"]).write_text(json.dumps(counts))
        time.sleep(600)
    commit()
database._commit = commit_after_a_stall
call_command("db_worker", "--no-startup-delay", "--interval", "0.1")
"""

STATE = """
import json
from django_tasks_db.models import DBTaskResult
from fics.models import Chapter, ImportJob, Paragraph, Work
from search.models import SearchDocument
job = ImportJob.objects.get()
print(json.dumps({
    "library": Work.objects.count(),
    "rows": [Work.with_staged.count(), Chapter.objects.count(), Paragraph.objects.count()],
    "documents": SearchDocument.objects.count(),
    "job": [job.status, job.attempts, job.outcome],
    "runs": sorted(DBTaskResult.objects.values_list("status", flat=True)),
}))
"""


@pytest.fixture
def instance(tmp_path, transactional_db) -> dict[str, str]:
    """The environment of `manage.py` processes sharing one database with short leases: on
    PostgreSQL the suite's test database, on SQLite a file database of their own (the suite's
    lives in memory, out of another process's reach)."""
    environment = os.environ | {
        "MARGINALIA_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "test",
        "IMPORT_LEASE_SECONDS": "1",
    }
    if connection.vendor == "postgresql":
        url = os.environ["DATABASE_URL"]
        environment["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    else:
        environment.pop("DATABASE_URL", None)
        manage(environment, "migrate", "--no-input")
    return environment


def manage(environment: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def state(environment: dict[str, str]) -> dict:
    return json.loads(manage(environment, "shell", "--no-imports", "-c", STATE).splitlines()[-1])


def test_a_worker_killed_mid_import_leaves_nothing_seen_and_the_next_worker_imports_it(
    instance, tmp_path
):
    story = tmp_path / "long.txt"
    story.write_bytes(long_story())
    parsed = parse_story(story.read_bytes(), story.name)
    expected = [1, len(parsed.chapters), sum(len(c.paragraphs) for c in parsed.chapters)]
    assert expected == [1, 12, 480]
    instance = instance | {"STORY": str(story), "STALLED": str(tmp_path / "stalled")}
    manage(instance, "shell", "--no-imports", "-c", QUEUE)

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", STALLING_WORKER],
        cwd=PROJECT_ROOT,
        env=instance,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        stalled = Path(instance["STALLED"])
        deadline = time.monotonic() + 120
        while not stalled.exists() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stalled.exists(), worker.stderr.read() if worker.poll() is not None else "no stall"
        # Inside its second step: the work, and four chapters with their paragraphs.
        assert json.loads(stalled.read_text()) == [1, 4, 4 * 40]
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        worker.stderr.close()

    # Nothing of it reached the library, though its first step is in; the job still says
    # "importing", its run "running".
    killed = state(instance)
    assert (killed["library"], killed["rows"]) == (0, [1, 2, 2 * 40])
    assert killed["job"] == ["importing", 1, ""]
    assert killed["runs"] == ["RUNNING"]

    time.sleep(1.5)  # the lease runs out
    manage(instance, "db_worker", "--batch", "--no-startup-delay")

    # What the dead worker wrote was removed: the work is there once, whole.
    retried = state(instance)
    assert (retried["library"], retried["rows"]) == (1, expected)
    # The work, each chapter's title and each paragraph.
    assert retried["documents"] == 1 + 12 + 480
    assert retried["job"] == ["finished", 2, "imported"]
    assert retried["runs"] == ["FAILED", "SUCCESSFUL"]
