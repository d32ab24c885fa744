"""`make bench`: import and reading figures, each measured side by side with its floor in one run.

Runs against a fresh SQLite database in a temporary folder, never the reader's own data.
"""

import atexit
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))
os.environ.pop("DATABASE_URL", None)
os.environ["MARGINALIA_DATA_DIR"] = DATA_DIR = tempfile.mkdtemp(prefix="marginalia-bench-")
atexit.register(shutil.rmtree, DATA_DIR, ignore_errors=True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["MAX_UPLOAD_MB"] = "50"
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from annotations.chapter_layout import chapter_text  # noqa: E402
from annotations.models import Annotation  # noqa: E402
from bench.export_bench import bench_exports  # noqa: E402
from bench.parser_bench import bench_parser_scaling  # noqa: E402
from bench.reanchor_bench import bench_reanchoring  # noqa: E402
from bench.search_bench import bench_search  # noqa: E402
from bench.serving_bench import bench_serving  # noqa: E402
from bench.story_map_bench import bench_story_map  # noqa: E402
from fics.importing import OnNewerVersion  # noqa: E402
from fics.importing_in_turn import StoryReader, import_files  # noqa: E402
from fics.models import Chapter, Paragraph, Work  # noqa: E402


def timed(function, repeat: int = 1) -> float:
    """Median wall time of `repeat` calls, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return median(times)


# The corpus is imported this many times, each into a fresh database, the first here (the later
# figures read what it wrote) and the others in processes of their own: one import takes about
# two seconds, on a machine whose speed varies by a third from one minute to the next.
IMPORT_RUNS = 3


def corpus_files() -> list[Path]:
    return sorted(
        p for p in CORPUS.rglob("*") if p.is_file() and p.name not in {"README.md", "SHA256SUMS"}
    )


def bench_import() -> None:
    """The corpus as `manage.py import_fics` imports a folder: each file read by a child
    process while the one before it is written (fics.importing_in_turn)."""
    files = corpus_files()
    total_bytes = total_paragraphs = 0
    hpmor = None
    per_format: dict[str, list[float]] = {}  # format -> [bytes, seconds]
    started = time.perf_counter()
    with StoryReader() as reader:
        file_started = time.perf_counter()
        # A file's seconds run from the result before it: its import, and any wait for its
        # reading that the import before it did not cover.
        results = import_files(reader, files, OnNewerVersion.ASK)
        for file, result in zip(files, results, strict=True):
            seconds = time.perf_counter() - file_started
            file_started = time.perf_counter()
            if file.name == "hpmor-full-en.txt":
                hpmor = seconds
            size = file.stat().st_size
            total_bytes += size
            total_paragraphs += result.paragraphs
            figures = per_format.setdefault(result.source_format or "failed", [0, 0.0])
            figures[0] += size
            figures[1] += seconds
            print(f"  {result.describe()}")
    runs = [time.perf_counter() - started]
    for _ in range(IMPORT_RUNS - 1):
        runs.append(float(_in_new_process("--import-seconds")))
    elapsed = median(runs)
    for source_format, (size, seconds) in sorted(per_format.items()):
        print(f"  {source_format}: {size / 1024 / 1024 / seconds:.2f} MB/s ({size / 1024:,.0f} KB)")

    rows = list(Paragraph.objects.values_list("chapter_id", "position", "kind", "text"))
    floor_db = sqlite3.connect(":memory:")
    floor_db.execute(
        "CREATE TABLE paragraph (id INTEGER PRIMARY KEY, chapter_id INTEGER, position INTEGER,"
        " kind TEXT, text TEXT, UNIQUE (chapter_id, position))"
    )

    def insert_floor():
        with floor_db:
            floor_db.execute("DELETE FROM paragraph")
            floor_db.executemany(
                "INSERT INTO paragraph (chapter_id, position, kind, text) VALUES (?, ?, ?, ?)", rows
            )

    floor = timed(insert_floor, repeat=3)
    mb = total_bytes / 1024 / 1024
    print(f"import: {len(files)} files, {mb:.1f} MB, {total_paragraphs:,} paragraphs")
    print(
        f"  {elapsed:.2f} s in all, the median of {len(runs)} imports into fresh databases "
        f"({', '.join(f'{run:.2f}' for run in runs)}; HPMOR's and each format's are the first's)"
    )
    print(f"  {mb / elapsed:.2f} MB/s, {total_paragraphs / elapsed:,.0f} paragraphs/s")
    if hpmor is not None:
        print(
            f"  HPMOR (3.7 MB, 122 chapters): {hpmor:.2f} s, read as the file before it was written"
        )
    print(
        f"  floor (raw sqlite3.executemany of the same {len(rows):,} rows): {floor * 1000:.0f} ms, "
        f"{len(rows) / floor:,.0f} rows/s; import takes {elapsed / floor:.0f}x the floor"
    )


def import_seconds() -> float:
    """The corpus's import into this process's database, as bench_import's first, unreported."""
    started = time.perf_counter()
    with StoryReader() as reader:
        for _ in import_files(reader, corpus_files(), OnNewerVersion.ASK):
            pass
    return time.perf_counter() - started


def _in_new_process(argument: str) -> str:
    """What this script prints when run with `argument`, in a process and database of its own."""
    command = [sys.executable, str(Path(__file__).resolve()), argument]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


# Run in a process of its own, so that its peak memory is the import's and nothing else's. The
# peak is the kernel's VmHWM, not getrusage's ru_maxrss: that one outlives exec, and so started
# at the peak of this process, which had just imported the corpus.
MEMORY_PROBE = """
import os, shutil, sys, tempfile, time
def peak_kilobytes():
    with open("/proc/self/status") as status:
        return int(status.read().split("VmHWM:")[1].split()[0])
sys.path.insert(0, {root!r})
os.environ["MARGINALIA_DATA_DIR"] = data_dir = tempfile.mkdtemp(prefix="marginalia-bench-rss-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from fics.importing import import_story_file
before = peak_kilobytes()
data = open({path!r}, "rb").read()
started = time.perf_counter()
import_story_file(data, "hpmor-full-en.txt")
seconds = time.perf_counter() - started
print(before, peak_kilobytes(), seconds)
shutil.rmtree(data_dir)
"""


# HPMOR alone is one import of under a second, on a machine whose speed varies by a third from
# one minute to the next: the median of a few, with each run shown.
MEMORY_PROBE_RUNS = 3


def bench_import_memory() -> None:
    path = CORPUS / "more" / "hpmor-full-en.txt"
    probe = MEMORY_PROBE.format(root=str(ROOT), path=str(path))
    runs = []
    for _ in range(MEMORY_PROBE_RUNS):
        output = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.split()
        runs.append((float(output[2]), int(output[0]) / 1024, int(output[1]) / 1024))
    seconds = [run[0] for run in runs]
    print(
        f"  HPMOR alone (its own process, parsed and written in turn): {median(seconds):.2f} s, "
        f"the median of {len(runs)} ({', '.join(f'{s:.2f}' for s in seconds)})"
    )
    before, peak = max(run[1] for run in runs), max(run[2] for run in runs)
    print(
        f"  HPMOR import peak RSS: {peak:.0f} MB for the whole process, the highest of the "
        f"{len(runs)} ({before:.0f} MB before the import: Python, Django, migrations)"
    )


def logged_in_client() -> tuple[Client, object]:
    user = get_user_model().objects.get_or_create(username="bench")[0]
    client = Client()
    client.force_login(user)
    return client, user


def bench_render() -> None:
    client, _ = logged_in_client()
    largest = max(Chapter.objects.all(), key=lambda c: c.paragraphs.count())
    url = reverse("chapter", args=[largest.work_id, largest.position])
    count = largest.paragraphs.count()
    assert client.get(url).status_code == 200
    per_render = timed(lambda: client.get(url), repeat=20)
    print(
        f"render: largest chapter ({largest.work.title} / {largest.display_title}, {count:,} "
        f"paragraphs): {per_render * 1000:.1f} ms per render (median of 20)"
    )


def paragraphs_from_seeds(count: int) -> list[str]:
    lines = [
        line
        for seed in sorted((CORPUS / "seeds").glob("*.txt"))
        for line in seed.read_text().splitlines()
        if len(line) > 40
    ]
    return [lines[n % len(lines)] for n in range(count)]


def chapter_with(paragraphs: list[str], title: str) -> Chapter:
    work = Work.objects.create(title=title, content_hash=title, chapter_count=1)
    chapter = Chapter.objects.create(work=work, position=1)
    Paragraph.objects.bulk_create(
        Paragraph(chapter=chapter, position=n, text=text) for n, text in enumerate(paragraphs, 1)
    )
    return chapter


def spans(chapter: Chapter, count: int, length: int = 60) -> list[tuple[int, int, str]]:
    """`count` selections spread over the chapter, some overlapping their neighbours."""
    text = chapter_text(chapter, chapter.paragraphs.all()).text
    step = (len(text) - length) // count
    result = []
    for n in range(count):
        start = n * step + (n % 3) * 10
        while text[start].isspace():
            start += 1
        result.append((start, start + length, text[start : start + length]))
    return result


def bench_annotated_render() -> None:
    client, _ = logged_in_client()
    paragraphs = paragraphs_from_seeds(300)
    plain = chapter_with(paragraphs, "Bench plain")
    annotated = chapter_with(paragraphs, "Bench annotated")
    for start, end, exact in spans(annotated, 100):
        client.post(
            reverse("annotation_create", args=[annotated.work_id, 1]),
            {"utf16_start": start, "utf16_end": end, "exact": exact, "tags": "bench"},
        )
    assert Annotation.objects.filter(chapter=annotated).count() == 100
    urls = {
        name: chapter.get_absolute_url()
        for name, chapter in [("plain", plain), ("annotated", annotated)]
    }
    for url in urls.values():
        client.get(url)
    # Interleaved, so that machine noise hits both sides alike.
    times = {name: [] for name in urls}
    for _ in range(15):
        for name, url in urls.items():
            times[name].append(timed(lambda url=url: client.get(url)))
    plain_ms, annotated_ms = (median(times[name]) * 1000 for name in ("plain", "annotated"))
    print("chapter page, 300 paragraphs (median of 15, interleaved):")
    print(
        f"  without annotations {plain_ms:.1f} ms, with 100 annotations {annotated_ms:.1f} ms, "
        f"ratio {annotated_ms / plain_ms:.2f}"
    )


def bench_annotation_create() -> None:
    client, user = logged_in_client()
    chapters = list(Chapter.objects.filter(work__title__startswith="Bench"))
    rows = []
    for chapter in chapters:
        for start, end, exact in spans(chapter, 100):
            rows.append((chapter, start, end, exact))
    existing = Annotation.objects.count()
    Annotation.objects.bulk_create(
        (
            Annotation(owner=user, chapter=chapter, start=start, end=end, exact=exact, segment="p1")
            for n in range(100_000 - existing)
            for chapter, start, end, exact in [rows[n % len(rows)]]
        ),
        batch_size=5000,
    )
    target = chapters[0]
    url = reverse("annotation_create", args=[target.work_id, 1])
    selections = spans(target, 40, length=25)
    times = [
        timed(
            lambda s=s: client.post(
                url,
                {
                    "utf16_start": s[0],
                    "utf16_end": s[1],
                    "exact": s[2],
                    "colour": "green",
                    "tags": "bench, speed",
                },
            )
        )
        for s in selections
    ]
    print(
        f"annotation create with {Annotation.objects.count() - len(selections):,} annotations in "
        f"the database: {median(times) * 1000:.1f} ms per create (median of {len(times)}; "
        "300-paragraph chapter, two tags)"
    )


def main() -> None:
    if not CORPUS.is_dir():
        sys.exit(f"The corpus is not at {CORPUS}: nothing to measure.")
    call_command("migrate", verbosity=0)
    print(f"database: SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})")
    bench_import()
    bench_import_memory()
    bench_serving(logged_in_client()[1])
    bench_render()
    bench_search(logged_in_client()[0])
    bench_annotated_render()
    bench_annotation_create()
    bench_story_map()
    bench_reanchoring()
    bench_exports()
    bench_parser_scaling()


if __name__ == "__main__":
    if sys.argv[1:] == ["--import-seconds"]:
        call_command("migrate", verbosity=0)
        print(import_seconds())
    else:
        main()
