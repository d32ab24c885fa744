"""Works followed by their address: fetched by FanFicFare (fics.following), then imported as an
upload is (fics.importing), in the background worker for the pages and directly for the command
line. The work remembers its address, and "Check for updates" fetches it again.

A fetch writes nothing until every chapter is in, and the import then shows nothing until it
is whole (fics.staging), so a site that fails half-way leaves the library as it was.
"""

import dataclasses
from collections.abc import Callable

from django.db import transaction
from django.tasks import task

from fics.following import FetchError, Progress, StoryInfo, fetch_story, source_format, story_info
from fics.importing import ImportResult, OnNewerVersion, Outcome, import_story_file
from fics.models import FetchedEpub, ImportJob, Work
from fics.preparing import PreparedWork
from fics.tasks import _enqueue, _finish, _lease, claim, read_in_child

# Reads the fetched EPUB where a hostile one can do no harm: what it read, else why it could not
# (fics.tasks.read_in_child for the worker).
SafeReader = Callable[[bytes, str], PreparedWork | str]


def import_address(
    address: str,
    *,
    is_adult: bool = False,
    target: Work | None = None,
    on_newer_version: OnNewerVersion = OnNewerVersion.ASK,
    reader=None,
    progress: Progress | None = None,
    read_safely: SafeReader | None = None,
) -> tuple[ImportResult, bytes]:
    """Fetch the story at `address` and import it, or update `target` with it; the result and
    the EPUB fetched (b"" when nothing was). Every failure comes back as a result.

    Whether `reader` may update `target` is the caller's to check.
    """
    try:
        info = story_info(address, is_adult=is_adult)
        if target is None and (followed := _followed(info)):
            message = "already in the library: “Check for updates” on its page fetches it again"
            return _named(address, Outcome.UNCHANGED, followed, info, message), b""
        if target is not None and _nothing_new(target, info):
            message = f"no new or changed chapters on {info.site}"
            return _named(address, Outcome.UNCHANGED, target, info, message), b""
        previous = _previous_epub(target) if target is not None else None
        story = fetch_story(address, is_adult=is_adult, progress=progress, previous=previous)
    except FetchError as error:
        return ImportResult(address, Outcome.FAILED, message=str(error)), b""
    prepared = read_safely(story.epub, story.filename) if read_safely else None
    if isinstance(prepared, str):
        return ImportResult(address, Outcome.FAILED, message=prepared), b""
    result = import_story_file(
        story.epub,
        story.filename,
        on_newer_version=OnNewerVersion.UPDATE if target else on_newer_version,
        target=target,
        reader=reader,
        prepared=prepared,
    )
    if result.outcome in (Outcome.IMPORTED, Outcome.UPDATED):
        with transaction.atomic():
            Work.objects.filter(pk=result.work.pk).update(
                source_url=story.info.url,
                source_updated=story.info.updated,
                source_format=story.source_format,
            )
            FetchedEpub.objects.update_or_create(work=result.work, defaults={"data": story.epub})
        result.work.refresh_from_db()
    # A newer version waits for the reader's choice under its file's name, like any upload.
    name = story.filename if result.outcome is Outcome.NEWER_VERSION else address
    return dataclasses.replace(result, name=name, source_format=story.source_format), story.epub


def _previous_epub(work: Work) -> bytes | None:
    fetched = FetchedEpub.objects.filter(work=work).values_list("data", flat=True).first()
    return bytes(fetched) if fetched is not None else None


def _followed(info: StoryInfo) -> Work | None:
    return Work.objects.filter(source_url=info.url).order_by("pk").first()


def _nothing_new(work: Work, info: StoryInfo) -> bool:
    """The site's index says what it said at the last fetch: no chapter needs fetching."""
    chapters = work.chapters.filter(removed=False).count()
    return bool(work.source_updated) and (info.updated, info.chapter_count) == (
        work.source_updated,
        chapters,
    )


def _named(
    address: str, outcome: Outcome, work: Work, info: StoryInfo, message: str
) -> ImportResult:
    return ImportResult(
        address, outcome, work, message=message, source_format=source_format(info.site)
    )


def follow_job_create(
    *, owner, address: str, is_adult: bool, target: Work | None = None
) -> ImportJob:
    """A queued fetch of the story at `address`: a new work, or an update of `target` (whether
    `owner` may update it is the caller's to check)."""
    job = ImportJob(owner=owner, name=address, address=address, is_adult=is_adult)
    if target is not None:
        job.on_newer_version, job.target = OnNewerVersion.UPDATE, target
    return _enqueue(job)


@task
def fetch_and_import(job_id: int) -> None:
    """Fetch and import one job's story; a finished job is left as it is, and one whose worker
    died meanwhile is fetched again (nothing of it was committed)."""
    job = claim(job_id, address__gt="")
    if job is None:
        return
    with _lease(job_id):
        _fetch(job)


def _fetch(job: ImportJob) -> None:
    job_id = job.pk
    if job.on_newer_version == OnNewerVersion.UPDATE and job.target is None:
        failed = ImportResult(job.name, Outcome.FAILED, message="the work was deleted meanwhile")
        _finish(job, failed, b"")
        return

    def show_progress(fetched: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(chapters_fetched=fetched, chapters_total=total)

    try:
        result, epub = import_address(
            job.address,
            is_adult=job.is_adult,
            target=job.target,
            reader=job.owner,
            progress=show_progress,
            read_safely=read_in_child,
        )
    except Exception:
        # Its transaction rolled back; the reader is told, the worker records why.
        failed = "the import failed unexpectedly; nothing was imported"
        _finish(job, ImportResult(job.name, Outcome.FAILED, message=failed), b"")
        raise
    if result.outcome is Outcome.NEWER_VERSION:
        # The reader's choice brings the file back under its own name (fics.tasks).
        ImportJob.objects.filter(pk=job_id).update(name=result.name)
        job.name = result.name
    _finish(job, result, epub)
