"""`python bench/concurrency_bench.py`: 32 readers annotate at once while a large import runs.

The reliability target, on SQLite and on PostgreSQL: for 60 s, 0 errors, 0 lost writes (every 2xx
answer is a row in the database) and a p99 under 100 ms. Each database is thrown away afterwards
(SQLite: a temporary data folder; PostgreSQL: `marginalia_conc_<pid>`, dropped even on failure).

Each reader is a thread with its own keep-alive connection, session and CSRF token, POSTing
selections as annotate.js sends them (htmx headers, UTF-16 offsets and the exact words) to one
gunicorn, while the import worker (`manage.py db_worker`, as `make run` starts it) imports HPMOR
and a scraped AO3 file that a reader uploaded, into the same database.
Readers pause a second on average between annotations (`--think`); `--think 0` measures the
server flat out instead. The seed story has one chapter: every reader writes to the same one, the
worst case for its row lock.

What the readers wait on while the import runs: on SQLite a probe takes the write lock every
10 ms (BEGIN IMMEDIATE, then ROLLBACK) and records how long it waited, which is how long an
annotation would; on PostgreSQL the run samples pg_stat_activity and counts what the app's
sessions were waiting for (CPU, a lock, I/O) apart from the import worker's.
"""

import argparse
import http.client
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from statistics import quantiles
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))

from bench.server import free_port, start_gunicorn  # noqa: E402

READERS = 32
P99_TARGET_MS = 100
IMPORTS = [CORPUS / "more" / "hpmor-full-en.txt", CORPUS / "more" / "ao3-scraped-tilde-breaks.txt"]
IMPORT_DELAY = 3  # seconds of load before the import starts: a baseline to compare against
IMPORT_GRACE = 120  # seconds the import may run on after the load ends, before it is killed
# A reader's mean pause between two annotations. Readers who never pause measure the server's
# throughput, not their wait: by Little's law 32 of them wait 32 / (requests per second) each,
# so p99 < 100 ms would need well over 320 annotations a second from two shared cores. One
# second is a fast highlighting spree; a reader who reads between highlights pauses far longer.
THINK_SECONDS = 1.0
MAX_POSTS_PER_READER = 20_000  # a bound besides the clock, should the server answer instantly
# gthread: a worker keeps serving other readers while one request waits on a lock. Two workers,
# as `make run` starts; eight threads each leave half the 32 readers queued at accept(), which
# is what a busy server does, rather than 32 threads fighting for two cores and one GIL each.
WORKERS, THREADS = 2, 8
# gunicorn closes a keep-alive connection idle for 2 s (its --keep-alive). A POST sent just as
# it does fails with a broken pipe, which a browser would retry; after half that idle time the
# readers open a fresh connection instead, so that the count of errors stays the server's own.
FRESH_CONNECTION_AFTER = 1.0


@dataclass
class Load:
    """What the readers saw; threads only append, and lists' append is atomic."""

    answers: list[tuple[float, float, int]] = field(default_factory=list)  # (sent, s, status)
    exceptions: list[str] = field(default_factory=list)
    # (reader, start, end) of every 2xx answer: the rows that must now exist.
    acknowledged: list[tuple[str, int, int]] = field(default_factory=list)
    import_started: float = 0.0
    import_finished: float | None = None
    import_output: str = ""
    # PostgreSQL: what the app's active sessions waited on, sample by sample, while importing.
    waits: Counter = field(default_factory=Counter)
    # SQLite: how long each probe waited for the write lock while importing, in ms.
    lock_waits: list[float] = field(default_factory=list)


def bench_concurrency(database: str, seconds: float = 60, think: float = THINK_SECONDS) -> bool:
    """Run the benchmark on "sqlite" or "postgres"; True when every target is met.

    In a process of its own: Django's settings name one database per process, and a caller
    (bench/run.py) may already have set up another.
    """
    context = multiprocessing.get_context("spawn")
    child = context.Process(target=_run, args=(database, seconds, think))
    child.start()
    child.join()
    return child.exitcode == 0


def _run(database: str, seconds: float, think: float) -> None:
    # A TERM unwinds through `finally`, which stops the servers and drops the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    data_dir = tempfile.mkdtemp(prefix="marginalia-conc-")
    os.environ.update(
        MARGINALIA_DATA_DIR=data_dir,
        DJANGO_SETTINGS_MODULE="config.settings",
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_COOKIES="false",  # plain http on 127.0.0.1: the cookies must be sent back
        MAX_UPLOAD_MB="50",
    )
    os.environ.pop("DATABASE_URL", None)
    name = f"marginalia_conc_{os.getpid()}"
    if database == "postgres":
        from bench.scale_bench import create_database, database_url

        create_database(name)
        os.environ["DATABASE_URL"] = database_url(name)
    try:
        passed = _measure(database, seconds, think, Path(data_dir))
    finally:
        if database == "postgres":
            from bench.scale_bench import drop_database

            drop_database(name)
        shutil.rmtree(data_dir, ignore_errors=True)
    sys.exit(0 if passed else 1)


def _measure(database: str, seconds: float, think: float, data_dir: Path) -> bool:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from annotations.chapter_source import chapter_source
    from annotations.models import Annotation
    from fics.importing import import_story_file
    from fics.tasks import import_job_create

    call_command("migrate", verbosity=0)
    seed = sorted((CORPUS / "seeds").glob("*.txt"))[0]
    work = import_story_file(seed.read_bytes(), seed.name).work
    chapters = [(c.get_absolute_url(), chapter_source(c).text) for c in work.chapters.all()]
    readers = get_user_model().objects.bulk_create(
        get_user_model()(username=f"conc{n:02}") for n in range(READERS)
    )
    # Uploaded by the first reader; the worker starts once the load has run IMPORT_DELAY.
    for path in IMPORTS:
        import_job_create(
            owner=readers[0], uploaded=SimpleUploadedFile(path.name, path.read_bytes())
        )
    cookies = []
    for reader in readers:
        client = Client()
        client.force_login(reader)
        client.get(chapters[0][0])  # sets the csrftoken cookie, as a first visit does
        cookies.append(
            "; ".join(f"{k}={client.cookies[k].value}" for k in ("sessionid", "csrftoken"))
        )
    version = (
        f"SQLite {connection.Database.sqlite_version}"
        if connection.vendor == "sqlite"
        else f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    )
    connection.close()  # SQLite: no lock or snapshot of ours in the way of the server

    port = free_port()
    log = data_dir / "gunicorn.log"
    server = _start_gunicorn(port, log)
    importer = None
    load = Load()
    try:
        tokens = [_csrf_token(port, chapters[0][0], cookie) for cookie in cookies]
        deadline = time.perf_counter() + seconds
        threads = [
            threading.Thread(
                target=_annotate,
                args=(port, f"conc{n:02}", cookies[n], tokens[n], chapters, deadline, think, load),
            )
            for n in range(READERS)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(IMPORT_DELAY)
        load.import_started = time.perf_counter()
        importer = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"],
            cwd=ROOT,
            env=_worker_environment(),
            stdout=(data_dir / "worker.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        given_up = load.import_started + seconds + IMPORT_GRACE
        waiter = threading.Thread(target=_wait_import, args=(load, given_up))
        waiter.start()
        sampler = _sample_waits if database == "postgres" else _probe_write_lock
        threading.Thread(target=sampler, args=(load, given_up), daemon=True).start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        waiter.join(timeout=IMPORT_GRACE)
    finally:
        for process in (importer, server):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)

    rows = Counter(
        Annotation.objects.filter(owner__in=readers).values_list("owner__username", "start", "end")
    )
    connection.close()
    print(
        f"\n{version}: {READERS} readers for {seconds:.0f} s, pausing {think:.1f} s on average; "
        f"gunicorn gthread {WORKERS} workers x {THREADS} threads; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    return _report(elapsed, load, rows, log)


def _annotate(port, reader, cookie, token, chapters, deadline, think, load: Load) -> None:
    """One reader: select, POST, read the answer, pause, again, until the deadline."""
    rng = random.Random(reader)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {
        "Cookie": cookie,
        "X-CSRFToken": token,
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"http://127.0.0.1:{port}/",
    }
    for n in range(MAX_POSTS_PER_READER):
        # Paused at random, so that the readers do not march in step.
        pause = min(rng.uniform(0, 2 * think), deadline - time.perf_counter())
        if pause > FRESH_CONNECTION_AFTER:
            connection.close()
        time.sleep(max(0.0, pause))
        if time.perf_counter() >= deadline:
            break
        url, text = rng.choice(chapters)
        start, end = _selection(rng, text)
        form = {
            "utf16_start": text.to_utf16(start),
            "utf16_end": text.to_utf16(end),
            "exact": text.text[start:end],
            "colour": rng.choice(["yellow", "green", "blue", "pink"]),
            # One in three tagged, as readers do: tag rows are written in the same transaction.
            "tags": f"theme {rng.randrange(5)}" if n % 3 == 0 else "",
        }
        sent = time.perf_counter()
        try:
            connection.request("POST", url + "annotations/", urlencode(form), headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            load.exceptions.append(f"{type(error).__name__}: {error}")
            connection.close()  # a fresh connection for the next POST
            continue
        load.answers.append((sent, time.perf_counter() - sent, response.status))
        if 200 <= response.status < 300:
            load.acknowledged.append((reader, start, end))
    connection.close()


def _selection(rng: random.Random, text) -> tuple[int, int]:
    """1–12 words of one paragraph, in code points; they start and end on a word, so the app
    stores exactly these offsets and each acknowledged POST can be matched with its row."""
    starts = text.segment_starts()
    segment = rng.choice([s for s in text.segments if s.text.strip()])
    words = [m.span() for m in re.finditer(r"\S+", segment.text)]
    first = rng.randrange(len(words))
    last = min(len(words) - 1, first + rng.randrange(12))
    offset = starts[segment.key]
    return offset + words[first][0], offset + words[last][1]


def _worker_environment() -> dict[str, str]:
    """PostgreSQL: the worker's sessions are named, so that _sample_waits can tell them apart."""
    environment = dict(os.environ)
    if url := environment.get("DATABASE_URL"):
        environment["DATABASE_URL"] = f"{url}?application_name={WORKER_SESSION}"
    return environment


WORKER_SESSION = "marginalia-import-worker"


def _wait_import(load: Load, given_up: float) -> None:
    """Until every import job has finished (or it is time to give up), then their outcomes."""
    from django.db import connection

    from fics.models import ImportJob
    from fics.tasks import result_of

    try:
        while ImportJob.objects.exclude(status=ImportJob.Status.FINISHED).exists():
            if time.perf_counter() > given_up:
                return
            time.sleep(0.05)
        load.import_finished = time.perf_counter()
        load.import_output = "\n".join(
            result_of(job).describe() for job in ImportJob.objects.select_related("work")
        )
    finally:
        connection.close()


def _probe_write_lock(load: Load, given_up: float) -> None:
    """Every 10 ms while importing: how long the SQLite write lock takes to get."""
    import sqlite3

    from django.conf import settings

    probe = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=60, autocommit=True)
    try:
        while load.import_finished is None and time.perf_counter() < given_up:
            asked = time.perf_counter()
            probe.execute("BEGIN IMMEDIATE")
            load.lock_waits.append((time.perf_counter() - asked) * 1000)
            probe.execute("ROLLBACK")
            time.sleep(0.01)
    finally:
        probe.close()


def _sample_waits(load: Load, given_up: float) -> None:
    """Every 20 ms while importing: what each active session of the app (not the worker's) is
    waiting for; "CPU" when it waits for nothing (running, or ready to run)."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            while load.import_finished is None and time.perf_counter() < given_up:
                cursor.execute(
                    "SELECT wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = current_database() AND state = 'active' "
                    "AND pid <> pg_backend_pid() AND application_name <> %s",
                    [WORKER_SESSION],
                )
                for kind, event in cursor.fetchall():
                    load.waits[f"{kind}:{event}" if kind else "CPU"] += 1
                time.sleep(0.02)
    finally:
        connection.close()


def _report(elapsed: float, load: Load, rows: Counter, log: Path) -> bool:
    statuses = Counter(status for _, _, status in load.answers)
    ok = sum(count for status, count in statuses.items() if 200 <= status < 300)
    exceptions = Counter(load.exceptions)
    errors = sum(statuses.values()) - ok + len(load.exceptions)
    lost = ok - rows.total()
    acknowledged = Counter(load.acknowledged)
    missing = acknowledged - rows  # answered 2xx, yet no such row
    unacknowledged = rows - acknowledged  # a row nobody was told about (the answer was lost)
    latencies = sorted(seconds * 1000 for _, seconds, _ in load.answers)
    p50, p99 = _percentile(latencies, 50), _percentile(latencies, 99)
    end = load.import_finished or load.import_started + elapsed
    during = sorted(s * 1000 for sent, s, _ in load.answers if load.import_started <= sent < end)
    outside = sorted(
        s * 1000 for sent, s, _ in load.answers if not load.import_started <= sent < end
    )
    print(
        f"  requests {len(load.answers) + len(load.exceptions)}, "
        f"{len(load.answers) / elapsed:.0f}/s; 2xx {ok}"
    )
    print(f"  non-2xx by status: {dict(s for s in statuses.items() if not 200 <= s[0] < 300)}")
    print(f"  exceptions: {dict(exceptions)}")
    print(
        f"  rows created {rows.total()}, 2xx {ok}: lost {lost} (acknowledged without a row "
        f"{missing.total()}, rows without a 2xx {unacknowledged.total()})"
    )
    print(
        f"  latency p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(latencies, default=0):.0f} ms; "
        f"while importing: p50 {_percentile(during, 50):.1f} ms, p99 {_percentile(during, 99):.1f}"
        f" ms ({len(during)} requests); before and after: p50 {_percentile(outside, 50):.1f} ms,"
        f" p99 {_percentile(outside, 99):.1f} ms ({len(outside)})"
    )
    if load.waits:
        total = load.waits.total()
        shares = ", ".join(
            f"{wait} {count / total:.0%}" for wait, count in load.waits.most_common(6)
        )
        print(f"  while importing, the app's active sessions waited on: {shares} ({total} samples)")
    if load.lock_waits:
        waits = sorted(load.lock_waits)
        lock_p50, lock_p99 = _percentile(waits, 50), _percentile(waits, 99)
        print(
            f"  while importing, a probe waited for the write lock: p50 {lock_p50:.1f} ms, "
            f"p99 {lock_p99:.1f} ms, max {waits[-1]:.0f} ms ({len(waits)} probes)"
        )
    if load.import_finished:
        print(f"  import finished in {load.import_finished - load.import_started:.1f} s:")
    else:
        print("  import did NOT finish; the worker's log:")
        load.import_output = log.with_name("worker.log").read_text(errors="replace")[-4000:]
    for line in re.split(r"[\r\n]+", load.import_output):
        if line.strip() and "%|" not in line:  # not tqdm's progress bar
            print(f"    {line.strip()[:160]}")
    checks = {
        "0 errors": errors == 0,
        "0 lost": lost == 0 and missing.total() == 0,
        f"p99 < {P99_TARGET_MS} ms": p99 < P99_TARGET_MS,
        "import finished": load.import_finished is not None,
    }
    print("  " + ", ".join(f"{name}: {'ok' if met else 'FAIL'}" for name, met in checks.items()))
    print(f"  {'PASS' if all(checks.values()) else 'FAIL'}")
    # A slow run is a figure to report; an error or a lost annotation is a bug, and fails the run.
    passed = checks["0 errors"] and checks["0 lost"] and checks["import finished"]
    server_log = log.read_text(errors="replace")
    if server_log.strip():
        print(f"  gunicorn log ({server_log.count('Traceback')} tracebacks), first lines:")
        print("    " + "\n    ".join(server_log.splitlines()[:60]))
    return passed


def _percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return quantiles(values, n=100, method="inclusive")[percent - 1]


def _start_gunicorn(port: int, log: Path) -> subprocess.Popen:
    return start_gunicorn(
        port,
        *("--worker-class", "gthread", "--workers", str(WORKERS), "--threads", str(THREADS)),
        *("--error-logfile", str(log)),
        stdout=subprocess.DEVNULL,
        stderr=log.open("a"),  # Django's own error log (tracebacks) goes to stderr
    )


def _csrf_token(port: int, path: str, cookie: str) -> str:
    """The token the page puts in hx-headers, as htmx would send it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    page = response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return re.search(rb'"x-csrftoken": "([^"]+)"', page).group(1).decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--think", type=float, default=THINK_SECONDS, help="a reader's mean pause; 0: none"
    )
    args = parser.parse_args()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = [bench_concurrency(database, args.seconds, args.think) for database in databases]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
