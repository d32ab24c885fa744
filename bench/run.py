"""`make bench`: import and reading figures, each measured side by side with its floor in one run.

Runs against a fresh SQLite database in a temporary folder, never the reader's own data.
"""

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))
os.environ.pop("DATABASE_URL", None)
os.environ["MARGINALIA_DATA_DIR"] = tempfile.mkdtemp(prefix="marginalia-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["MAX_UPLOAD_MB"] = "50"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from fics.importing import import_story_file  # noqa: E402
from fics.models import Chapter, Paragraph  # noqa: E402


def timed(function, repeat: int = 1) -> float:
    """Median wall time of `repeat` calls, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return median(times)


def bench_import() -> None:
    files = sorted(
        p for p in CORPUS.rglob("*") if p.is_file() and p.name not in {"README.md", "SHA256SUMS"}
    )
    total_bytes = total_paragraphs = 0
    started = time.perf_counter()
    for file in files:
        data = file.read_bytes()
        result = import_story_file(data, file.name)
        total_bytes += len(data)
        total_paragraphs += result.paragraphs
        print(f"  {result.describe()}")
    elapsed = time.perf_counter() - started

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
    print(f"  {elapsed:.2f} s in all")
    print(f"  {mb / elapsed:.2f} MB/s, {total_paragraphs / elapsed:,.0f} paragraphs/s")
    print(
        f"  floor (raw sqlite3.executemany of the same {len(rows):,} rows): {floor * 1000:.0f} ms, "
        f"{len(rows) / floor:,.0f} rows/s; import takes {elapsed / floor:.0f}x the floor"
    )


def bench_render() -> None:
    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    client = Client()
    client.force_login(user)
    largest = max(Chapter.objects.all(), key=lambda c: c.paragraphs.count())
    url = reverse("chapter", args=[largest.work_id, largest.position])
    count = largest.paragraphs.count()
    client.get(url)
    per_render = timed(lambda: client.get(url), repeat=20)
    print(
        f"render: largest chapter ({largest.work.title} / {largest.display_title}, {count:,} "
        f"paragraphs): {per_render * 1000:.1f} ms per render (median of 20)"
    )


def main() -> None:
    if not CORPUS.is_dir():
        sys.exit(f"The corpus is not at {CORPUS}: nothing to measure.")
    call_command("migrate", verbosity=0)
    print(f"database: SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})")
    bench_import()
    bench_render()


if __name__ == "__main__":
    main()
