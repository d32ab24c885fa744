"""Shared fixtures: readers (personas), a small work, and where the shared test corpus lives."""

import signal
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from annotations.chapter_source import recent_sources
from fics.models import Chapter, Paragraph, Work

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return CORPUS


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user(username="alice", password="correct horse 1")


@pytest.fixture
def other_reader(django_user_model):
    return django_user_model.objects.create_user(username="bob", password="battery staple 2")


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


def make_work(*, chapters: int = 2, paragraphs: int = 3, title: str = "The Test Work") -> Work:
    """A work whose paragraph texts say where they are: 'Chapter 2, paragraph 3.'"""
    work = Work.objects.create(
        title=title, author="A. Writer", content_hash=title, chapter_count=chapters
    )
    for position in range(1, chapters + 1):
        chapter = Chapter.objects.create(
            work=work,
            position=position,
            title=f"Part {position}",
            notes_before="A/N: thank you for reading!" if position == 1 else "",
        )
        Paragraph.objects.bulk_create(
            Paragraph(chapter=chapter, position=n, text=f"Chapter {position}, paragraph {n}.")
            for n in range(1, paragraphs + 1)
        )
    return work


@pytest.fixture
def work(db) -> Work:
    return make_work()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing drawn: ids are reused once a test's rows are rolled back."""
    cache.clear()
    recent_sources.clear()


IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background imports run as they are queued, so that a test sees their outcome at once;
    tests of the worker itself ask for `database_tasks`."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


def run_worker() -> None:
    """The django-tasks-db worker, once through the queue, as `manage.py db_worker` runs it."""
    handlers = {stop: signal.getsignal(stop) for stop in (signal.SIGINT, signal.SIGTERM)}
    try:
        # Until the queue is empty: a batch worker leaves as soon as it once finds none ready,
        # which on a loaded machine can come before a task the live server just queued shows.
        for _ in range(3):
            call_command(
                "db_worker", "--batch", "--no-startup-delay", verbosity=0, stdout=StringIO()
            )
            if not DBTaskResult.objects.ready().exists():
                break
    finally:
        # The worker installs its graceful-shutdown handlers; give pytest its own back.
        for stop, handler in handlers.items():
            signal.signal(stop, handler)
