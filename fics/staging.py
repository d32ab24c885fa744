"""A new work is written in steps, each a short transaction, while readers see nothing of it.

On SQLite a transaction holds the database's one write lock, and every reader's annotation
waits for it: a novel written in one transaction (HPMOR: 20,000 paragraphs and as many search
documents) held it for a second. So fics.importing creates the work "staged" (Work.staged_at
set: Work.objects, the library, its pages and the search leave it out), adds its chapters a few
at a time, and makes it visible in a last short transaction (`step(work, last=True)`).

Each step renews the importer's claim on the work: `staged_at` is set to the step's time, if it
still holds the time the importer last wrote. A work whose importer stopped (killed, its
machine gone) keeps its last time; once that is older than a lease (IMPORT_LEASE_SECONDS, as
for the import jobs of fics.tasks) the work was abandoned, and whoever comes next removes it,
in steps too: the worker (`discard_abandoned`), or another import of the same file
(`finished_import`). A removal claims the work first, so that an importer that was only slow
finds its claim gone at its next step and stops.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from time import monotonic, sleep

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from fics.models import Chapter, Work

# Words of text a step writes while others are writing (a longer chapter is a step alone):
# their paragraphs, and the search documents of each, about 30 ms of the write lock on a 2-core
# machine (bench/concurrency_bench.py measures what readers wait).
STEP_WORDS = 20_000
# While nobody else writes, a step writes more (Turns.words): every commit writes the full-text
# index's new words out as a segment of their own, which later merge, and in steps of
# STEP_WORDS that cost the corpus's index a quarter more. A lone write arriving meanwhile waits
# no longer for it: the import steps aside as often (LONE_WRITER_WAIT_SECONDS).
LONE_STEP_WORDS = 60_000
# While others wrote this recently, an import steps aside after each of its steps (Turns): a
# reader highlighting writes again within seconds.
WRITERS_ABOUT_SECONDS = 2.0
# With nobody else writing, an import steps aside once per this much time holding the lock,
# for as long as a step of STEP_WORDS holds it, whatever its own steps' size.
LONE_WRITER_WAIT_SECONDS = 0.15
LONE_STEP_ASIDE_SECONDS = 0.03
# How often an import waits to see whether another import of the same file has finished.
WAIT_SECONDS = 0.25


class ClaimLost(Exception):
    """The staged work was taken from its importer (thought abandoned) or removed."""


def begin(work: Work) -> None:
    """Save the new work as staged, in a transaction of its own. IntegrityError when another
    work (staged or not) has its content hash."""
    work.staged_at = timezone.now()
    with transaction.atomic():
        work.save()


class Turns:
    """When an import on SQLite steps aside between two of its steps, for as long as the step
    held the write lock, so that readers' writes waiting for it get it.

    A write waiting for SQLite's lock sleeps and tries again, ever less often (1, 2, 5, 10 …
    100 ms): taken again at once, the lock would be free only between two of the import's
    statements, and the readers would wait for the whole import. Stepping aside after every step
    doubles an import's time, even with nobody else writing, so it steps aside after every step
    only while others are writing (another connection committed in the last
    WRITERS_ABOUT_SECONDS: SQLite's data_version tells), and otherwise once per
    LONE_WRITER_WAIT_SECONDS of lock held, so that a lone write does not wait longer.
    """

    def __init__(self) -> None:
        self.held = 0.0  # lock seconds since the import last stepped aside
        self.others_wrote_at = float("-inf")
        self.version: int | None = None

    def words(self) -> int:
        """How many words the next step may write. On PostgreSQL, where readers never wait
        for an import's steps, always LONE_STEP_WORDS."""
        return STEP_WORDS if self._others_about() else LONE_STEP_WORDS

    def after_step(self, held: float) -> None:
        version = self._data_version()
        # Changed since the last step: others committed in the gap between the two.
        if self.version is not None and version != self.version:
            self.others_wrote_at = monotonic()
        self.version = version
        self.held += held
        if self._others_about():
            sleep(held)
            self.held = 0.0
        elif self.held >= LONE_WRITER_WAIT_SECONDS:
            sleep(min(held, LONE_STEP_ASIDE_SECONDS))
            self.held = 0.0

    def _others_about(self) -> bool:
        return monotonic() - self.others_wrote_at < WRITERS_ABOUT_SECONDS

    @staticmethod
    def _data_version() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA data_version")
            return cursor.fetchone()[0]


@contextmanager
def step(work: Work, turns: Turns | None = None, *, last: bool = False) -> Iterator[None]:
    """A transaction adding to the staged work, which the `last` one makes visible; ClaimLost
    if the work is no longer the importer's. On SQLite, `turns` then says whether to let the
    readers in."""
    staged_at = None if last else timezone.now()
    began = monotonic()
    with transaction.atomic():
        if not last and connection.vendor == "postgresql":
            # A step of a hidden work need not wait for the disk: should the server crash, a
            # lost step only leaves the work abandoned. The last step's flush covers them all.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        _renew(work, staged_at)
        yield
    # Only once it committed: a step that rolled back leaves the claim as it was.
    work.staged_at = staged_at
    if turns and connection.vendor == "sqlite":
        turns.after_step(monotonic() - began)


def _renew(work: Work, staged_at) -> None:
    claimed = Work.with_staged.filter(pk=work.pk, staged_at=work.staged_at)
    # Made visible (staged_at None): updated as of now, which update() does not set by itself;
    # the library sorts by it and keys its caches on it.
    renewal = (
        {"staged_at": staged_at} if staged_at else {"staged_at": None, "updated": timezone.now()}
    )
    if not work.staged_at or not claimed.update(**renewal):
        raise ClaimLost(f"the staged work {work.pk} is no longer this import's")


def discard(work: Work) -> bool:
    """Remove the staged work and everything written for it, a few chapters a transaction;
    False when it is no longer staged as `work` says (published, or removed by another)."""
    try:
        with transaction.atomic():
            _renew(work, timezone.now())
    except ClaimLost:
        return False
    chapters = Chapter.objects.filter(work=work.pk).order_by("position")
    for ids in in_steps(chapters.values_list("pk", "word_count")):
        with transaction.atomic():
            Chapter.objects.filter(pk__in=ids).delete()
    with transaction.atomic():
        # Anything a step still added meanwhile goes with the work.
        Work.with_staged.staged().filter(pk=work.pk).delete()
    return True


def in_steps[T](
    chapters: Iterable[tuple[T, int]], words: Callable[[], int] = lambda: STEP_WORDS
) -> Iterator[list[T]]:
    """The chapters (each with its count of words) in groups of up to `words()` words (asked
    again for each group, once the one before is written), in order; a longer chapter is a
    group alone."""
    group: list[T] = []
    total, limit = 0, words()
    for chapter, count in chapters:
        if group and total + count > limit:
            yield group
            group, total, limit = [], 0, words()
        group.append(chapter)
        total += count
    if group:
        yield group


def _lease_start():
    """A staged work its importer last wrote before this was abandoned."""
    return timezone.now() - timedelta(seconds=settings.IMPORT_LEASE_SECONDS)


def discard_abandoned() -> int:
    """Remove the staged works whose importer stopped; how many were removed."""
    abandoned = Work.with_staged.staged().filter(staged_at__lt=_lease_start())
    return sum(discard(work) for work in abandoned.only("pk", "staged_at"))


def finished_import(content_hash: str) -> Work | None:
    """The work these bytes made, once it is in the library; None when there is none.

    Another import of the same bytes still under way is waited for: content hashes are unique,
    so only one of the two can finish, and until it does nobody knows which. One whose
    importer stopped is removed, and this import may take its place.
    """
    while work := Work.with_staged.filter(content_hash=content_hash).first():
        if work.staged_at is None:
            return work
        if work.staged_at < _lease_start():
            discard(work)
        else:
            sleep(WAIT_SECONDS)
    return None
