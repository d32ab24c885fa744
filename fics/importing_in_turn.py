"""Importing a run of files (`manage.py import_fics` on a folder), each read while the one
before it is written.

Reading a file (fics.preparing: parsing it, and working out its rows, word counts and
characters; pure Python) and writing it (the rows and their full-text index: mostly the
database's own work, outside the interpreter) can use two cores at once. A child process reads
the next file while this one writes the current one, so a folder imports in about the time of
its writes rather than of its reads and writes together.

The child is forked once, before the caller starts any thread (a progress bar's), with the
parser loaded; it never uses the database connections it inherits. Should it die, the files
left are read here, one after the other, as import_story_file reads on its own.
"""

import multiprocessing
import queue
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
from fics.parser import ParseError
from fics.preparing import PreparedWork, read_story


class StoryReader:
    """A child process that reads the files sent to it, one at a time, in order."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self._requests, child_end = context.Pipe()
        self._child = context.Process(
            target=_read_requests, args=(child_end, self._requests), daemon=True
        )
        self._child.start()
        child_end.close()
        self._alive = True

    def send(self, data: bytes, name: str) -> bool:
        """Start reading a file; False when the child is gone and the caller must read it."""
        if self._alive:
            try:
                self._requests.send((data, name))
            except OSError:
                self._alive = False
        return self._alive

    def receive(self) -> PreparedWork | None:
        """What the child made of the file sent last: None when it died before it could say.
        A file that is not a story raises ParseError, as read_story does."""
        try:
            answer = self._requests.recv()
        except (EOFError, OSError):
            self._alive = False
            return None
        if isinstance(answer, ParseError):
            raise answer
        return answer

    def close(self) -> None:
        # Its end of the pipe closed, the child's next recv ends its loop.
        self._requests.close()
        self._child.join()

    def __enter__(self) -> "StoryReader":
        return self

    def __exit__(self, error_type, *error) -> None:
        # Interrupted, the parent stops the child rather than wait for the file it is reading.
        if error_type is not None:
            self._child.terminate()
        self.close()


def _read_requests(requests: Connection, parent_end: Connection) -> None:
    # The parent's end, inherited: closed here too, so that the parent closing it ends the loop.
    parent_end.close()
    # Ctrl-C is the parent's to handle: it stops this child (StoryReader.__exit__).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
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


# Files read (or being read) ahead of the one being written. With one, the child waited for
# the writes of short files while a long one that followed was still to be read (HPMOR after
# Pride and Prejudice: half a second); with two it reads on through them. Each file read ahead
# is held here until written: HPMOR, prepared, takes 12 MB.
READ_AHEAD = 2


def import_files(
    reader: StoryReader, files: Iterable[Path], on_newer_version: OnNewerVersion
) -> Iterator[ImportResult]:
    """Each file's result, in order: the files after the one imported here are read meanwhile
    by `reader` (a thread carries them to it and back, `_Courier`). A file over the size limit
    is never read."""
    courier = _Courier(reader, files)
    try:
        while (pending := courier.next()) is not None:
            yield pending.finish(on_newer_version)
    finally:
        courier.stop()


class _Courier:
    """A thread that sends the files to the reader, READ_AHEAD at most ahead of the one being
    written, and receives what it made of them: the reader answers as soon as it has read a
    file, and goes on with the next while the writes of the ones before go on here."""

    def __init__(self, reader: StoryReader, files: Iterable[Path]) -> None:
        self._reader = reader
        self._files = files
        self._slots = threading.Semaphore(READ_AHEAD)
        self._ready: queue.SimpleQueue[_Pending | BaseException | None] = queue.SimpleQueue()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._carry, daemon=True)
        self._thread.start()

    def next(self) -> "_Pending | None":
        """The next file, read; None after the last."""
        item = self._ready.get()
        if isinstance(item, BaseException):
            raise item
        if item is not None:
            self._slots.release()  # it is being written: one more may be read ahead
        return item

    def stop(self) -> None:
        self._stopped.set()
        self._slots.release()  # wakes the thread should it wait for a slot

    def _carry(self) -> None:
        try:
            for file in self._files:
                self._slots.acquire()
                if self._stopped.is_set():
                    return
                pending = _Pending.of(file)
                pending.start(self._reader)
                pending.collect(self._reader)
                self._ready.put(pending)
            self._ready.put(None)
        except BaseException as error:
            self._ready.put(error)


@dataclass
class _Pending:
    """A file on its way: its bytes, then what the reader made of them."""

    file: Path
    data: bytes = b""
    # Known before the import: the file could not be read, or is no story.
    failure: ImportResult | None = None
    sent: bool = False
    prepared: PreparedWork | None = None

    @classmethod
    def of(cls, file: Path) -> "_Pending":
        try:
            if too_large := size_limit_error(file.stat().st_size):
                return cls(file, failure=ImportResult(file.name, Outcome.FAILED, message=too_large))
            return cls(file, file.read_bytes())
        except OSError as error:
            message = f"cannot read it ({error.strerror})"
            return cls(file, failure=ImportResult(file.name, Outcome.FAILED, message=message))

    def start(self, reader: StoryReader) -> None:
        if self.failure is None:
            self.sent = reader.send(self.data, self.file.name)

    def collect(self, reader: StoryReader) -> None:
        if self.sent:
            try:
                self.prepared = reader.receive()
            except ParseError as error:
                self.failure = ImportResult(self.file.name, Outcome.FAILED, message=str(error))

    def finish(self, on_newer_version: OnNewerVersion) -> ImportResult:
        # Nothing read when the reader died: import_story_file reads the file itself.
        return self.failure or import_story_file(
            self.data, self.file.name, on_newer_version=on_newer_version, prepared=self.prepared
        )
