"""Uploaded files are imported in the background (django.tasks; with django-tasks-db, the worker
is `manage.py db_worker`), so that a large file holds no web worker and no request times out.

Each file is first read in a child process under memory and processor-time limits: parsing is
where a hostile file (a decompression bomb, a pathological layout) would spend them, and a child
that runs out fails alone, with a message, while the worker goes on. Only a file the child could
read is then imported by fics.importing, in one transaction, as from the command line.
"""

import multiprocessing
import resource
import signal
from collections import Counter
from multiprocessing.connection import Connection

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from fics.importing import (
    ImportResult,
    OnNewerVersion,
    Outcome,
    import_story_file,
    size_limit_error,
)
from fics.models import ImportJob, PendingUpload
from fics.parser import ParseError, parse_story

# A child stopped by one of these was stopped from outside (a shutdown, Ctrl-C, the kernel's
# out-of-memory killer): the file is not to blame, and the job runs again, this many times in all.
INTERRUPTIONS = {signal.SIGKILL, signal.SIGTERM, signal.SIGINT}
MAX_ATTEMPTS = 3
MB = 1024 * 1024


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


def _enqueue(job: ImportJob) -> ImportJob:
    # With the database backend the task's row commits with the job's: a worker never finds
    # one without the other.
    with transaction.atomic():
        job.save()
        import_upload.enqueue(job.pk)
    return job


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
    """Import one job's file. Safe to run twice: a finished job is left as it is, and one whose
    worker died while importing it is imported again (nothing of it was committed)."""
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .exclude(status=ImportJob.Status.FINISHED)
        .update(status=ImportJob.Status.IMPORTING, attempts=F("attempts") + 1)
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("owner", "target").get(pk=job_id)
    data = bytes(job.data)
    try:
        failure = read_in_child(data, job.name)
    except ReadingInterrupted as interruption:
        if job.attempts < MAX_ATTEMPTS:
            with transaction.atomic():
                ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.QUEUED)
                import_upload.enqueue(job_id)
            return
        failure = (
            f"the import was stopped {job.attempts} times ({interruption}); nothing was imported"
        )
    if failure:
        _finish(job, ImportResult(job.name, Outcome.FAILED, message=failure), data)
        return
    try:
        result = _import(job, data)
    except Exception:
        # Its transaction rolled back; the reader is told, the worker records why.
        failed = "the import failed unexpectedly; nothing was imported"
        _finish(job, ImportResult(job.name, Outcome.FAILED, message=failed), data)
        raise
    _finish(job, result, data)


def _import(job: ImportJob, data: bytes) -> ImportResult:
    # import_story_file takes bytes and parses them again, here in the worker: the child has
    # shown that they fit the limits.
    if job.on_newer_version == OnNewerVersion.UPDATE:
        if job.target is None:
            return ImportResult(job.name, Outcome.FAILED, message="the work was deleted meanwhile")
        return import_story_file(data, job.name, target=job.target, reader=job.owner)
    return import_story_file(
        data, job.name, on_newer_version=OnNewerVersion(job.on_newer_version), reader=job.owner
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


def read_in_child(data: bytes, name: str) -> str:
    """Parse the file in a child process under IMPORT_MEMORY_LIMIT_MB and
    IMPORT_CPU_LIMIT_SECONDS: "" when it could be read, else why it could not.

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
        failure = receiver.recv()
    except EOFError:
        failure = None  # it ended without a word
    finally:
        receiver.close()
        child.join()
    if failure == _OUT_OF_MEMORY:
        return (
            f"the file needed more than {_amount(memory_mb)} of memory to read; "
            "nothing was imported"
        )
    if failure is not None:
        return failure
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
    """The child: read the file under the limits and say how it went."""
    # The worker's handlers (a graceful shutdown that waits for this very child) are inherited:
    # a Ctrl-C or a shutdown must stop the child at once, and the job is run again later.
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, signal.SIG_DFL)
    # Past the soft limit the kernel sends SIGXCPU, which the parent tells apart from a kill.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    # The child starts with the worker's whole address space (Django, the libraries, the
    # bytes), which counts towards RLIMIT_AS: the limit is on what reading the file adds.
    with open("/proc/self/statm") as statm:
        inherited = int(statm.read().split()[0]) * resource.getpagesize()
    limit = inherited + memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        parse_story(data, name)
    except ParseError as error:
        sender.send(str(error))
    except MemoryError:
        sender.send(_OUT_OF_MEMORY)
    else:
        sender.send("")


def _amount(megabytes: int) -> str:
    return f"{megabytes // 1024} GB" if megabytes % 1024 == 0 else f"{megabytes} MB"
