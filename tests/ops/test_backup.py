"""`manage.py backup` and `restore`: every row comes back, an existing file is kept, and a backup
taken while the app writes is one whole snapshot.

The round trips run on the suite's own test database, SQLite or PostgreSQL. They are
`transaction=True`: a restore replaces the database under any open transaction, so it refuses to
run inside one, and pytest-django's usual test wraps each test in one. The SQLite test with a
writer runs against a file database of its own in WAL mode, as the app uses it: the suite's
SQLite test database lives in memory, where the backup API never competes with another writer.
"""

import io
import os
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from annotations.models import Annotation, Tag
from fics.models import Chapter, Paragraph, Work
from tests.annotations.conftest import annotate
from tests.conftest import PROJECT_ROOT, make_work

CHAPTERS_PER_WORK, PARAGRAPHS_PER_CHAPTER = 2, 20


def make_library(reader, other_reader) -> None:
    """Two works, annotations with and without tags and notes, shared and private."""
    work = make_work(chapters=2, paragraphs=4)
    make_work(title="A Second Work", chapters=1, paragraphs=2)
    first, second = work.chapters.order_by("position")
    annotate(reader, first, start=30, end=50, note="*mine*", tag_names=["Lexa", "Grief"])
    annotate(reader, second, start=0, end=9, colour="green")
    annotate(other_reader, first, start=31, end=52, note="bob shares", shared=True)
    annotate(other_reader, second, start=2, end=20, tag_names=["Lexa"], tag_kind="character")


def every_row() -> dict[str, list[tuple]]:
    models = [get_user_model(), Work, Chapter, Paragraph, Tag, Annotation, Annotation.tags.through]
    return {model._meta.label: list(model.objects.order_by("pk").values_list()) for model in models}


def backup(path: Path, **options) -> str:
    output = io.StringIO()
    call_command("backup", path, stdout=output, **options)
    return output.getvalue()


def restore(path: Path) -> None:
    call_command("restore", path, interactive=False, stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_a_restore_brings_back_every_row_of_the_backup(reader, other_reader, tmp_path):
    make_library(reader, other_reader)
    before = every_row()
    path = tmp_path / "marginalia.backup"

    assert "Backed up the database" in backup(path)
    Work.objects.all().delete()
    Tag.objects.all().delete()
    make_work(title="Written after the backup")
    restore(path)

    assert every_row() == before
    assert all(before.values())
    annotation = Annotation.objects.get(note="bob shares")
    assert annotation.shared
    assert annotation.note_html
    assert sorted(Annotation.objects.get(note="*mine*").tags.values_list("name", flat=True)) == [
        "Grief",
        "Lexa",
    ]
    # The ids go on after the restored ones, not after those written since the backup.
    assert make_work(title="New").pk == max(pk for pk, *_ in before["fics.Work"]) + 1


@pytest.mark.django_db(transaction=True)
def test_an_existing_file_is_overwritten_only_with_force(tmp_path, work):
    path = tmp_path / "marginalia.backup"
    path.write_bytes(b"an older backup")

    with pytest.raises(CommandError, match="already exists: use --force"):
        backup(path)
    assert path.read_bytes() == b"an older backup"

    backup(path, force=True)
    Work.objects.all().delete()
    restore(path)
    assert Work.objects.get().title == work.title
    assert not list(tmp_path.glob(".marginalia.backup.*")), "no partial file is left behind"


@pytest.mark.django_db(transaction=True)
def test_a_file_that_is_no_backup_is_refused_and_nothing_changes(tmp_path, work):
    path = tmp_path / "not-a-backup"
    path.write_bytes(b"SQLite format 3\x00 and then nothing useful" * 100)

    with pytest.raises(CommandError):
        restore(path)
    assert Work.objects.get().title == work.title
    with pytest.raises(CommandError, match="No such backup file"):
        restore(tmp_path / "missing")


@pytest.mark.django_db
def test_a_restore_refuses_to_run_inside_a_transaction(tmp_path):
    path = tmp_path / "marginalia.backup"
    path.write_bytes(b"refused before it is read")
    with pytest.raises(CommandError, match="inside a transaction"):
        restore(path)


def write_works_until(stop: threading.Event) -> int:
    """Works, each with all its chapters and paragraphs in one transaction, until told to stop."""
    count = 0
    while not stop.is_set():
        with transaction.atomic():
            make_work(
                title=f"Concurrent {count}",
                chapters=CHAPTERS_PER_WORK,
                paragraphs=PARAGRAPHS_PER_CHAPTER,
            )
        count += 1
    return count


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_taken_while_another_thread_writes_is_one_snapshot(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL (set DATABASE_URL)")
    stop = threading.Event()
    written = []

    def writer():
        try:
            written.append(write_works_until(stop))
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while not Work.objects.exists():
            time.sleep(0.01)
        backup(tmp_path / "during.backup")
    finally:
        stop.set()
        thread.join()
    restore(tmp_path / "during.backup")

    works = Work.objects.count()
    assert 0 < works < written[0]
    assert Chapter.objects.count() == works * CHAPTERS_PER_WORK
    assert Paragraph.objects.count() == works * CHAPTERS_PER_WORK * PARAGRAPHS_PER_CHAPTER


# The rest runs `manage.py` in other processes against an SQLite file database of its own, in
# WAL mode as the app runs: whichever database the suite itself uses.

WRITER = f"""
import os, pathlib
from django.db import transaction
from tests.conftest import make_work
stop = pathlib.Path(os.environ["STOP_FILE"])
count = 0
while not stop.exists():
    with transaction.atomic():
        make_work(title=f"Concurrent {{count}}", chapters={CHAPTERS_PER_WORK},
                  paragraphs={PARAGRAPHS_PER_CHAPTER})
    count += 1
print(count)
"""


def manage(data_dir: Path, *arguments: str, **popen) -> subprocess.CompletedProcess:
    environment = os.environ | {"MARGINALIA_DATA_DIR": str(data_dir), "SECRET_KEY": "test"}
    environment.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        **popen,
    )


def shape_of(database: Path) -> tuple[int, int, int]:
    """(works, chapters, paragraphs), after checking the file is a sound SQLite database."""
    with closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        return tuple(
            db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("fics_work", "fics_chapter", "fics_paragraph")
        )


@pytest.fixture(scope="module")
def sqlite_instance(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("instance")
    migrated = manage(data_dir, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    return data_dir


def test_an_sqlite_backup_taken_while_another_process_writes_is_one_snapshot(sqlite_instance):
    data_dir = sqlite_instance
    stop = data_dir / "stop-writing"
    environment = os.environ | {
        "MARGINALIA_DATA_DIR": str(data_dir),
        "SECRET_KEY": "test",
        "STOP_FILE": str(stop),
    }
    environment.pop("DATABASE_URL", None)
    writer = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", WRITER],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while shape_of(data_dir / "marginalia.sqlite3")[0] < 3:
            time.sleep(0.05)
        backups = [data_dir / f"during-{n}.sqlite3" for n in range(3)]
        for path in backups:
            result = manage(data_dir, "backup", str(path))
            assert result.returncode == 0, result.stderr
    finally:
        stop.touch()
        output, errors = writer.communicate(timeout=60)
    assert writer.returncode == 0, errors

    shapes = [shape_of(path) for path in backups]
    for works, chapters, paragraphs in shapes:
        assert chapters == works * CHAPTERS_PER_WORK
        assert paragraphs == works * CHAPTERS_PER_WORK * PARAGRAPHS_PER_CHAPTER
    assert shapes[0][0] < int(output), "the writer went on writing after the first backup"

    # Put back into the live file: the database is the first backup's again.
    restored = manage(data_dir, "restore", "--no-input", str(backups[0]))
    assert restored.returncode == 0, restored.stderr
    assert shape_of(data_dir / "marginalia.sqlite3") == shapes[0]


def test_the_commands_fail_with_a_message_and_status_1(sqlite_instance):
    existing = sqlite_instance / "existing.sqlite3"
    existing.write_bytes(b"keep me")

    refused = manage(sqlite_instance, "backup", str(existing))
    damaged = manage(sqlite_instance, "restore", "--no-input", str(existing))

    assert refused.returncode == 1
    assert "already exists: use --force to overwrite it" in refused.stderr
    assert existing.read_bytes() == b"keep me"
    assert damaged.returncode == 1
    assert "is not a usable SQLite database" in damaged.stderr
