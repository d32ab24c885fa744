"""A folder imported as import_fics does: each file read by a child while the one before it is
written. The results come in the files' order, as one import after the other would give them."""

import threading

import pytest

from fics import importing_in_turn
from fics.importing import OnNewerVersion, Outcome
from fics.importing_in_turn import ReadingChild, StoryReader, import_files
from fics.models import Work

pytestmark = pytest.mark.django_db


def story_files(folder, names_and_texts):
    paths = []
    for name, text in names_and_texts:
        path = folder / name
        path.write_bytes(text)
        paths.append(path)
    return paths


def test_results_follow_the_files_order_failures_in_place(tmp_path, settings):
    settings.MAX_UPLOAD_MB = 1
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    files = story_files(
        tmp_path,
        [
            ("first.txt", b"The first story.\n"),
            ("empty.txt", b""),
            ("big.txt", b"x" * (1024 * 1024 + 1)),
            ("second.txt", b"The second story.\n\nIt goes on.\n"),
            ("first again.txt", b"The first story.\n"),
        ],
    )

    with StoryReader() as reader:
        results = list(import_files(reader, files, OnNewerVersion.ASK))

    assert [(result.name, result.outcome) for result in results] == [
        ("first.txt", Outcome.IMPORTED),
        ("empty.txt", Outcome.FAILED),
        ("big.txt", Outcome.FAILED),
        ("second.txt", Outcome.IMPORTED),
        ("first again.txt", Outcome.UNCHANGED),
    ]
    assert "over the 1 MB limit" in results[2].message
    second = Work.objects.get(source_name="second.txt")
    assert [p.text for p in second.chapters.get().paragraphs.all()] == [
        "The second story.",
        "It goes on.",
    ]


def test_files_are_still_imported_when_the_reading_children_die(tmp_path, monkeypatch):
    # More files than the children read ahead (two of these), so that some are left to read
    # once they are gone.
    monkeypatch.setattr(importing_in_turn, "READ_AHEAD_BYTES", 40)
    files = story_files(tmp_path, [(f"{n}.txt", f"Story number {n}.\n".encode()) for n in range(6)])

    with StoryReader() as reader:
        results = import_files(reader, files, OnNewerVersion.ASK)
        first = next(results)
        for child in reader.children:
            child.process.kill()
        rest = list(results)

    assert [result.outcome for result in [first, *rest]] == [Outcome.IMPORTED] * 6
    assert Work.objects.count() == 6


def test_files_the_library_has_already_are_not_read_again(tmp_path, monkeypatch):
    files = story_files(tmp_path, [("one.txt", b"Story one.\n"), ("two.txt", b"Story two.\n")])
    with StoryReader() as reader:
        list(import_files(reader, files, OnNewerVersion.ASK))
    files += story_files(tmp_path, [("three.txt", b"Story three.\n")])
    sent = []
    send = ReadingChild.send
    monkeypatch.setattr(
        ReadingChild, "send", lambda child, data, name: sent.append(name) or send(child, data, name)
    )

    with StoryReader() as reader:
        results = list(import_files(reader, files, OnNewerVersion.ASK))

    assert [result.outcome for result in results] == [
        Outcome.UNCHANGED,
        Outcome.UNCHANGED,
        Outcome.IMPORTED,
    ]
    assert sent == ["three.txt"]


def test_the_children_read_no_further_ahead_of_the_writes_than_allowed(tmp_path, monkeypatch):
    """A folder of novels is not all held in memory at once: files are sent to be read while
    those read and not yet written stay within READ_AHEAD_BYTES, and one at a time when a file
    alone is larger."""
    monkeypatch.setattr(importing_in_turn, "READ_AHEAD_BYTES", 250)
    sizes = [100, 100, 100, 100, 400, 100]
    files = story_files(
        tmp_path,
        [
            (f"{n}.txt", f"Story {n}. ".encode() + b"x" * (size - 10) + b"\n")
            for n, size in enumerate(sizes)
        ],
    )
    sent = []
    arrived = threading.Semaphore(0)
    send = ReadingChild.send

    def sending(child, data, name):
        sent.append(name)
        arrived.release()
        return send(child, data, name)

    monkeypatch.setattr(ReadingChild, "send", sending)

    def sent_once_settled(count: int) -> list[str]:
        for _ in range(count):
            assert arrived.acquire(timeout=10)
        assert not arrived.acquire(timeout=0.3)  # and nothing more
        return sorted(sent)

    with StoryReader() as reader:
        results = import_files(reader, files, OnNewerVersion.ASK)
        # The first file written, the next two are ahead of it (a third would make 300 bytes).
        next(results)
        assert sent_once_settled(3) == ["0.txt", "1.txt", "2.txt"]
        next(results)
        assert sent_once_settled(1) == ["0.txt", "1.txt", "2.txt", "3.txt"]
        next(results)  # 3.txt alone is ahead: 4.txt would make 500 bytes
        assert sent_once_settled(0) == ["0.txt", "1.txt", "2.txt", "3.txt"]
        next(results)  # nothing is ahead: 4.txt is sent, larger than the limit as it is
        assert sent_once_settled(1)[-1] == "4.txt"
        rest = list(results)

    assert [result.outcome for result in rest] == [Outcome.IMPORTED] * 2
