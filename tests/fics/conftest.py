"""Who manages a work: the reader who imported it and the staff; other readers only read it.
And how the background imports run in tests: at once, or by the real worker."""

import signal
from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import make_work


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        username="librarian", password="shelf mark 3", is_staff=True
    )


@pytest.fixture
def imported_work(db, reader):
    """A work that alice (`reader`) imported: hers to manage."""
    work = make_work()
    work.imported_by = reader
    work.save(update_fields=["imported_by"])
    return work


@pytest.fixture(params=["importer", "other reader", "staff", "logged out"])
def persona(request, client, reader, other_reader, staff):
    """Each of the four people who may ask to change alice's work: who, their client and their
    account (None when logged out)."""
    user = {"importer": reader, "other reader": other_reader, "staff": staff}.get(request.param)
    if user is not None:
        client.force_login(user)
    return request.param, client, user


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
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0, stdout=StringIO())
    finally:
        # The worker installs its graceful-shutdown handlers; give pytest its own back.
        for stop, handler in handlers.items():
            signal.signal(stop, handler)
