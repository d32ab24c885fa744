"""Importing a run of files (`manage.py import_fics` on a folder), each read while the one
before it is written.

Reading a file (fics.preparing: parsing it, and working out its rows, word counts and
characters; pure Python) and writing it (the rows and their full-text index: mostly the
database's own work, outside the interpreter) can use two cores at once. Child processes read
the next files while this one writes the current one, so a folder imports in about the time of
its writes rather than of its reads and writes together.

The children are forked once, before the caller starts any thread (a progress bar's), with
the parser loaded; they never use the database connections they inherit. Should one die, the
files it was to read are read here, one after the other, as import_story_file reads on its own.
"""

import hashlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from fics.importing import (
    ImportResult,
    OnNewerVersion,
    Outcome,
    import_story_file,
    size_limit_error,
)
from fics.models import Work
from fics.parser import ParseError
from fics.preparing import PreparedWork, read_story

# Child processes reading files. Reading a file takes about half as long as writing it, but
# not file by file: the corpus's files before HPMOR take longer to read than to write, and one
# child fell behind (the writes waited for it 1.2 s in all). Two catch up while the writes wait.
READING_PROCESSES = 2
# How much of the files after the one being written may be sent to be read, in bytes: the
# children go on reading while a long file is written, rather than idle through it and then
# keep the writes waiting for the long files after it (reading HPMOR takes longer than
# writing the files before it). Each file is held here once read, until written: prepared, it
# takes about three times its size (HPMOR: 12 MB). One file is always sent, whatever its size.
READ_AHEAD_BYTES = 8 * 1024 * 1024
# The writes are what a folder's import waits for: on a machine with fewer cores than processes,
# the children read with what the writing process leaves.
READING_NICENESS = 10


class StoryReader:
    """Child processes that read the files sent to them (fics.preparing.read_story)."""

    def __init__(self, processes: int = READING_PROCESSES) -> None:
        self.children: list[ReadingChild] = []
        for _ in range(processes):
            self.children.append(ReadingChild(inherited=[c.connection for c in self.children]))

    def close(self) -> None:
        for child in self.children:
            child.close()

    def __enter__(self) -> "StoryReader":
        return self

    def __exit__(self, error_type, *error) -> None:
        # Interrupted, the parent stops the children rather than wait for the files they read.
        if error_type is not None:
            for child in self.children:
                child.process.terminate()
        self.close()


class ReadingChild:
    """A child process that reads the files sent to it, one at a time, in order."""

    def __init__(self, inherited: list[Connection]) -> None:
        context = multiprocessing.get_context("fork")
        self.connection, child_end = context.Pipe()
        self.process = context.Process(
            target=_read_requests,
            args=(child_end, [self.connection, *inherited]),
            daemon=True,
        )
        self.process.start()
        child_end.close()
        self._alive = True

    def send(self, data: bytes, name: str) -> bool:
        """Start reading a file; False when the child is gone and the caller must read it."""
        if self._alive:
            try:
                self.connection.send((data, name))
            except OSError:
                self._alive = False
        return self._alive

    def receive(self) -> PreparedWork | None:
        """What the child made of the file sent last: None when it died before it could say.
        A file that is not a story raises ParseError, as read_story does."""
        try:
            answer = self.connection.recv()
        except (EOFError, OSError):
            self._alive = False
            return None
        if isinstance(answer, ParseError):
            raise answer
        return answer

    def close(self) -> None:
        # Its end of the pipe closed, the child's next recv ends its loop.
        self.connection.close()
        self.process.join()


def _read_requests(requests: Connection, parent_ends: list[Connection]) -> None:
    # The parent's ends, inherited (this child's, and those of children forked before it):
    # closed here too, so that the parent closing one ends that child's loop.
    for connection in parent_ends:
        connection.close()
    # Ctrl-C is the parent's to handle: it stops this child (StoryReader.__exit__).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(READING_NICENESS)
    while True:
        try:
            data, name = requests.recv()
        except EOFError:
            return
        try:
            answer = read_story(data, name)
        except ParseError as error:
            answer = error
        try:
            requests.send(answer)
        except BrokenPipeError:
            return  # the parent stopped waiting


def import_files(
    reader: StoryReader, files: Iterable[Path], on_newer_version: OnNewerVersion
) -> Iterator[ImportResult]:
    """Each file's result, in order: the files after the one imported here are read meanwhile
    by `reader`'s children (threads carry them there and back, `_Couriers`). A file over the
    size limit is never read, nor one the library has already (import_story_file says so)."""
    # Read here, not by the threads: each thread would open a database connection of its own.
    known = set(Work.objects.values_list("content_hash", flat=True))
    couriers = _Couriers(reader, list(files), known)
    try:
        while (pending := couriers.next()) is not None:
            yield pending.finish(on_newer_version)
    finally:
        couriers.stop()


class _Couriers:
    """A thread per reading child, each taking the next file not yet sent there and back, as
    soon as its child is free: a child held up by a long file leaves the next ones to the other.
    No more than READ_AHEAD_BYTES of files go ahead of the one being written."""

    def __init__(self, reader: StoryReader, files: list[Path], known: set[str]) -> None:
        self._files = files
        self._sizes = [_size(file) for file in files]
        self._known = known  # the content hashes of the library's works
        self._ready: dict[int, _Pending | BaseException] = {}
        self._taken = 0  # files handed on to be written
        self._sent = 0  # files taken by a courier
        self._ahead = 0  # bytes of the files taken by a courier, not yet handed on
        self._stopped = False
        self._changed = threading.Condition()
        for child in reader.children:
            threading.Thread(target=self._carry, args=(child,), daemon=True).start()

    def next(self) -> "_Pending | None":
        """The next file, read; None after the last."""
        with self._changed:
            if self._taken == len(self._files):
                return None
            self._changed.wait_for(lambda: self._taken in self._ready)
            item = self._ready.pop(self._taken)
            self._ahead -= self._sizes[self._taken]
            self._taken += 1
            self._changed.notify_all()
        if isinstance(item, BaseException):
            raise item
        return item

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()

    def _may_send(self) -> bool:
        if self._stopped or self._sent == len(self._files) or self._sent == self._taken:
            return True
        return self._ahead + self._sizes[self._sent] <= READ_AHEAD_BYTES

    def _carry(self, child: ReadingChild) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(self._may_send)
                if self._stopped or self._sent == len(self._files):
                    return
                index = self._sent
                self._sent += 1
                self._ahead += self._sizes[index]
            try:
                pending = _Pending.of(self._files[index], self._known)
                pending.read(child)
            except BaseException as error:
                pending = error
            with self._changed:
                self._ready[index] = pending
                self._changed.notify_all()


def _size(file: Path) -> int:
    """The file's size; 0 when it cannot be read (_Pending says why, when its turn comes)."""
    try:
        return file.stat().st_size
    except OSError:
        return 0


@dataclass
class _Pending:
    """A file on its way: its bytes, then what the reader made of them."""

    file: Path
    data: bytes = b""
    # Known before the import: the file could not be read, or is no story.
    failure: ImportResult | None = None
    # The library has these bytes already: nothing to read.
    imported: bool = False
    prepared: PreparedWork | None = None

    @classmethod
    def of(cls, file: Path, known: set[str]) -> "_Pending":
        try:
            if too_large := size_limit_error(file.stat().st_size):
                return cls(file, failure=ImportResult(file.name, Outcome.FAILED, message=too_large))
            data = file.read_bytes()
        except OSError as error:
            message = f"cannot read it ({error.strerror})"
            return cls(file, failure=ImportResult(file.name, Outcome.FAILED, message=message))
        return cls(file, data, imported=hashlib.sha256(data).hexdigest() in known)

    def read(self, reader: ReadingChild) -> None:
        if self.failure is None and not self.imported and reader.send(self.data, self.file.name):
            try:
                self.prepared = reader.receive()
            except ParseError as error:
                self.failure = ImportResult(self.file.name, Outcome.FAILED, message=str(error))

    def finish(self, on_newer_version: OnNewerVersion) -> ImportResult:
        # Nothing read when the reader died (import_story_file reads the file itself) or when
        # the library has it (import_story_file finds it first).
        return self.failure or import_story_file(
            self.data, self.file.name, on_newer_version=on_newer_version, prepared=self.prepared
        )
