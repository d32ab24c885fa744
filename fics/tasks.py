"""Uploaded files are imported in the background (django.tasks; with django-tasks-db, the worker
is `manage.py db_worker`), so that a large file holds no web worker and no request times out.

Each file is first read in a child process under memory and processor-time limits: parsing is
where a hostile file (a decompression bomb, a pathological layout) would spend them, and a child
that runs out fails alone, with a message, while the worker goes on. The child runs at a lower
CPU priority, so that readers' requests on the same machine come first, and hands what it read
back to the worker, which imports it with fics.importing, as from the command line.

A worker may itself die mid-import (killed, out of memory, its machine gone): a new work is
hidden until the last of its transactions (fics.staging), so nothing of the file is in the
library, but its job would say "importing" forever. While it imports, the worker renews the
job's lease; a job whose lease ran out is taken back (recover_abandoned) when a worker starts,
every lease period while one runs, and when the upload page asks how the job goes: queued
again, or failed with a Retry after MAX_ATTEMPTS. The worker also removes what the dead one
wrote (fics.staging.discard_abandoned).
"""

import multiprocessing
import os
import resource
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from multiprocessing.connection import Connection

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.tasks import TaskResultStatus, task, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from fics.importing import (
    ImportResult,
    OnNewerVersion,
    Outcome,
    import_story_file,
    size_limit_error,
)
from fics.models import ImportJob, PendingUpload
from fics.parser import ParseError
from fics.preparing import PreparedWork, read_story

# Newer versions never chosen for, outcomes long shown, and the queue's finished results, go
# after this long (prune_finished_imports).
FINISHED_IMPORTS_KEPT = timedelta(days=1)

# A child stopped by one of these was stopped from outside (a shutdown, Ctrl-C, the kernel's
# out-of-memory killer): the file is not to blame, and the job runs again, this many times in all.
INTERRUPTIONS = {signal.SIGKILL, signal.SIGTERM, signal.SIGINT}
MAX_ATTEMPTS = 3
MB = 1024 * 1024
# Reading a file is background work: on a busy machine readers' requests go first.
CHILD_NICENESS = 10


class ReadingInterrupted(Exception):
    """The child reading a file was stopped from outside before it could say how it went."""


def import_job_create(*, owner, uploaded: UploadedFile) -> ImportJob:
    """A queued import of an uploaded file; one over the size limit is refused unread."""
    if too_large := size_limit_error(uploaded.size):
        return ImportJob.objects.create(
            owner=owner,
            name=uploaded.name,
            status=ImportJob.Status.FINISHED,
            outcome=Outcome.FAILED,
            message=too_large,
            finished=timezone.now(),
        )
    return _enqueue(ImportJob(owner=owner, name=uploaded.name, data=uploaded.read()))


def import_job_resolve(*, pending: PendingUpload, update: bool) -> ImportJob:
    """A queued import of a newer version the reader chose for: update its work, or add it as
    a new one. Whether the reader may update it is the caller's to check."""
    job = ImportJob(owner=pending.owner, name=pending.name, data=bytes(pending.data))
    if update:
        job.on_newer_version, job.target = OnNewerVersion.UPDATE, pending.work
    else:
        job.on_newer_version = OnNewerVersion.ADD_AS_NEW
    with transaction.atomic():
        pending.delete()
        return _enqueue(job)


def import_job_retry(*, job: ImportJob) -> ImportJob:
    """Queue again a job that failed through no fault of its file (ImportJob.may_retry), as if
    it had just been uploaded."""
    with transaction.atomic():
        retried = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.FINISHED).update(
            status=ImportJob.Status.QUEUED, attempts=0, outcome="", message="", finished=None
        )
        if retried:
            _queue(job)
    return job


def _enqueue(job: ImportJob) -> ImportJob:
    # With the database backend the task's row commits with the job's: a worker never finds
    # one without the other.
    with transaction.atomic():
        job.save()
        _queue(job)
    return job


def _queue(job: ImportJob) -> None:
    """Enqueue a run of the job (a download when it has an address, else its file); within the
    caller's transaction, which saved it as queued."""
    if job.address:
        # Imported here: fics.follow_tasks builds on this module.
        from fics.follow_tasks import fetch_and_import

        result = fetch_and_import.enqueue(job.pk)
    else:
        result = import_upload.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))


def result_of(job: ImportJob) -> ImportResult | None:
    """A finished job's outcome, as the import gave it; None until it finishes."""
    if not job.is_finished:
        return None
    return ImportResult(
        job.name,
        Outcome(job.outcome),
        job.work,
        message=job.message,
        source_format=job.source_format,
        reanchored=Counter(job.reanchored),
        skipped=tuple(job.skipped),
    )


@task
def import_upload(job_id: int) -> None:
    """Import one job's file. Safe to run twice: a finished job is left as it is, and so is one
    that another worker is importing (its lease is alive)."""
    job = claim(job_id)
    if job is None:
        return
    with _lease(job_id):
        _run(job)


def claim(job_id: int, **among) -> ImportJob | None:
    """Take the job (one matching `among`) for this worker: a queued one, or one whose worker
    died (its lease ran out). None when it finished or another worker holds it."""
    claimed = (
        _claimable()
        .filter(pk=job_id, **among)
        .update(
            status=ImportJob.Status.IMPORTING,
            attempts=F("attempts") + 1,
            heartbeat=timezone.now(),
        )
    )
    return ImportJob.objects.select_related("owner", "target").get(pk=job_id) if claimed else None


def _run(job: ImportJob) -> None:
    data = bytes(job.data)
    try:
        prepared = read_in_child(data, job.name)
    except ReadingInterrupted as interruption:
        if job.attempts < MAX_ATTEMPTS:
            with transaction.atomic():
                ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
                _queue(job)
            return
        _give_up(job, f"{interruption}")
        return
    if isinstance(prepared, str):
        _finish(job, ImportResult(job.name, Outcome.FAILED, message=prepared), data)
        return
    try:
        result = _import(job, data, prepared)
    except Exception:
        # Its transaction rolled back; the reader is told, the worker records why.
        failed = "the import failed unexpectedly; nothing was imported"
        _finish(job, ImportResult(job.name, Outcome.FAILED, message=failed), data)
        raise
    _finish(job, result, data)


def _claimable():
    """Jobs a worker may start: queued ones, and those whose worker died (the lease ran out)."""
    expired = timezone.now() - timedelta(seconds=settings.IMPORT_LEASE_SECONDS)
    return ImportJob.objects.filter(
        Q(status=ImportJob.Status.QUEUED)
        | Q(status=ImportJob.Status.IMPORTING, heartbeat__lt=expired)
        | Q(status=ImportJob.Status.IMPORTING, heartbeat__isnull=True)
    )


@contextmanager
def _lease(job_id: int) -> Iterator[None]:
    """Renew the job's lease, from a thread of its own, four times a lease period while the
    import runs: parsing and inserting hold the worker's own thread for as long as they take."""
    if connection.in_atomic_block:
        # Run inside a caller's transaction (ImmediateBackend): no other connection can see the
        # job as claimed, nor take it back, before that transaction ends.
        yield
        return
    stop = threading.Event()

    def renew() -> None:
        try:
            while not stop.wait(settings.IMPORT_LEASE_SECONDS / 4):
                # A busy database: the next renewal comes well before the lease ends.
                with suppress(DatabaseError):
                    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.IMPORTING).update(
                        heartbeat=timezone.now()
                    )
        finally:
            connection.close()  # this thread's own

    renewer = threading.Thread(target=renew, name=f"import-{job_id}-lease", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()


def recover_abandoned(**among) -> int:
    """Take back the jobs (those matching `among`, else all) whose worker died mid-import: each
    is queued again, or after MAX_ATTEMPTS runs fails with a Retry. Nothing of it is in the
    library: what it wrote of a new work is hidden, and removed by the worker
    (fics.staging.discard_abandoned) or the next import of the same file. The count taken
    back."""
    abandoned = _claimable().filter(status=ImportJob.Status.IMPORTING, **among)
    recovered = 0
    for job in abandoned.only("pk", "attempts", "task_id", "name", "address"):
        with transaction.atomic():
            # Another worker or page may have taken it back a moment ago: only one does.
            if not abandoned.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED):
                continue
            _close_dead_run(job.task_id)
            if job.attempts < MAX_ATTEMPTS:
                _queue(job)
            else:
                _give_up(job, "its worker stopped")
        recovered += 1
    return recovered


def _close_dead_run(task_id: str) -> None:
    """Mark a dead worker's task result failed: it would say "running" forever, and only
    finished results are pruned."""
    if task_id and isinstance(task_backends["default"], DatabaseBackend):
        DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="fics.tasks.WorkerDied",
            traceback="The worker running this import stopped before it finished.",
        )


def _give_up(job: ImportJob, why: str) -> None:
    """Fail a job stopped from outside every time; its bytes stay for the reader's Retry."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FINISHED,
        finished=timezone.now(),
        outcome=Outcome.FAILED,
        message=(f"the import was stopped {job.attempts} times ({why}); nothing was imported"),
    )


def prune_finished_imports() -> None:
    """Forget what finished more than FINISHED_IMPORTS_KEPT ago: import outcomes (and the
    bytes of any that failed), newer versions never chosen for, and the task queue's results
    (django-tasks-db's own prune_db_task_results)."""
    old = timezone.now() - FINISHED_IMPORTS_KEPT
    ImportJob.objects.filter(finished__lt=old).delete()
    PendingUpload.objects.filter(created__lt=old).delete()
    if isinstance(task_backends["default"], DatabaseBackend):
        call_command(
            "prune_db_task_results",
            "--queue-name=*",
            f"--min-age-days={FINISHED_IMPORTS_KEPT.days}",
            verbosity=0,
        )


def _import(job: ImportJob, data: bytes, prepared: PreparedWork) -> ImportResult:
    if job.on_newer_version == OnNewerVersion.UPDATE:
        if job.target is None:
            return ImportResult(job.name, Outcome.FAILED, message="the work was deleted meanwhile")
        return import_story_file(
            data, job.name, target=job.target, reader=job.owner, prepared=prepared
        )
    return import_story_file(
        data,
        job.name,
        on_newer_version=OnNewerVersion(job.on_newer_version),
        reader=job.owner,
        prepared=prepared,
    )


def _finish(job: ImportJob, result: ImportResult, data: bytes) -> None:
    """Record the outcome and let go of the bytes, unless they wait for the reader's choice."""
    with transaction.atomic():
        finished = (
            ImportJob.objects.filter(pk=job.pk)
            .exclude(status=ImportJob.Status.FINISHED)
            .update(
                status=ImportJob.Status.FINISHED,
                finished=timezone.now(),
                data=b"",
                outcome=result.outcome,
                message=result.message,
                work=result.work,
                source_format=result.source_format,
                reanchored=dict(result.reanchored),
                skipped=list(result.skipped),
            )
        )
        # Another run of the same job finished first: its outcome stands.
        if finished and result.outcome in (Outcome.NEWER_VERSION, Outcome.NOT_UPDATED):
            pending = PendingUpload.objects.create(
                owner=job.owner, name=job.name, data=data, work=result.work
            )
            ImportJob.objects.filter(pk=job.pk).update(pending=pending)


def read_in_child(data: bytes, name: str) -> PreparedWork | str:
    """Read the file (fics.preparing.read_story: parse it, work out its rows) in a child process
    under IMPORT_MEMORY_LIMIT_MB and IMPORT_CPU_LIMIT_SECONDS: what it read, else why it could
    not be read.

    Forked, so the child starts with the parser loaded and the bytes in hand; it never uses the
    database connections it inherits, and leaves through os._exit without closing them.
    """
    memory_mb = settings.IMPORT_MEMORY_LIMIT_MB
    cpu_seconds = settings.IMPORT_CPU_LIMIT_SECONDS
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_read, args=(data, name, memory_mb, cpu_seconds, sender), daemon=True
    )
    child.start()
    sender.close()
    try:
        answer = receiver.recv()
    except EOFError:
        answer = None  # it ended without a word
    finally:
        receiver.close()
        child.join()
    if isinstance(answer, PreparedWork):
        return answer
    if answer == _OUT_OF_MEMORY:
        return (
            f"the file needed more than {_amount(memory_mb)} of memory to read; "
            "nothing was imported"
        )
    if answer is not None:
        return answer
    stopped_by = signal.Signals(-child.exitcode) if child.exitcode < 0 else None
    if stopped_by == signal.SIGXCPU:
        return (
            f"reading the file took more than {cpu_seconds} s of processor time; "
            "nothing was imported"
        )
    if stopped_by in INTERRUPTIONS:
        raise ReadingInterrupted(f"{stopped_by.name}")
    how = stopped_by.name if stopped_by else f"exit status {child.exitcode}"
    return f"the file could not be read (the reader stopped with {how}); nothing was imported"


# What the child sends when it runs out of memory: the message itself is built by the parent,
# as the child has little memory left to build it with.
_OUT_OF_MEMORY = "\0out of memory"


def _read(data: bytes, name: str, memory_mb: int, cpu_seconds: int, sender: Connection) -> None:
    """The child: read the file under the limits, and send what it read or why it could not."""
    # The worker's handlers (a graceful shutdown that waits for this very child) are inherited:
    # a Ctrl-C or a shutdown must stop the child at once, and the job is run again later.
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, signal.SIG_DFL)
    os.nice(CHILD_NICENESS)
    # Past the soft limit the kernel sends SIGXCPU, which the parent tells apart from a kill.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    # The child starts with the worker's whole address space (Django, the libraries, the
    # bytes), which counts towards RLIMIT_AS: the limit is on what reading the file adds.
    with open("/proc/self/statm") as statm:
        inherited = int(statm.read().split()[0]) * resource.getpagesize()
    limit = inherited + memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        sender.send(read_story(data, name))
    except ParseError as error:
        sender.send(str(error))
    except MemoryError:
        sender.send(_OUT_OF_MEMORY)


def _amount(megabytes: int) -> str:
    return f"{megabytes // 1024} GB" if megabytes % 1024 == 0 else f"{megabytes} MB"
