"""Serving figures, side by side in one run: HPMOR's largest chapter with 100 highlights against
the same bytes as a static file, both from one gunicorn (2 workers, WhiteNoise), under `wrk`
(or a small Python load generator where wrk is missing); then the annotate round trip.
"""

import http.client
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from statistics import median, quantiles
from urllib.parse import quote_plus

from django.conf import settings
from django.test import Client

from annotations import services
from annotations.chapter_layout import chapter_text
from annotations.models import Annotation
from bench.server import free_port, start_gunicorn
from fics.models import Chapter

ROOT = Path(__file__).resolve().parent.parent
# The static file and the chapter page are loaded in turn, ROUNDS times SECONDS each: this
# machine's speed drifts by up to a third from one minute to the next, and one load of each,
# one after the other, measured the drift as much as the page (36 % in one run, 49-53 % in the
# runs either side of it).
ROUNDS = 3
SECONDS = 5
CONNECTIONS = 16


def bench_serving(user) -> None:
    chapter = _largest_chapter()
    _annotate(user, chapter, 100)
    client = Client()
    client.force_login(user)
    url = chapter.get_absolute_url()
    page = client.get(url).content
    static_name = "bench-chapter.html"
    (Path(settings.STATIC_ROOT) / static_name).write_bytes(page)
    # A browser's cookies: the session, and the CSRF secret the page's token is made from.
    cookie = "; ".join(
        f"{name}={client.cookies[name].value}" for name in ("sessionid", "csrftoken")
    )

    # BENCH_PORT: a port of your own on a machine shared with other servers.
    port = int(os.environ.get("BENCH_PORT") or 0) or free_port()
    env = {**os.environ, "SECURE_COOKIES": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    server = start_gunicorn(port, "--workers", "2", env=env)
    try:
        rounds = [
            (_load(port, f"/static/{static_name}", cookie), _load(port, url, cookie))
            for _ in range(ROUNDS)
        ]
        round_trips = _annotate_round_trips(port, chapter, cookie, count=60)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)

    static, chapter_figures = (_combined([pair[side] for pair in rounds]) for side in (0, 1))
    paragraphs = chapter.paragraphs.count()
    print(
        f"serving ({_loader()}, {CONNECTIONS} connections, {SECONDS} s each, in turn, {ROUNDS} "
        f"times; gunicorn 2 workers): "
        f"{chapter.work.title[:40]} / {chapter.display_title}, {paragraphs} paragraphs, "
        f"100 highlights, {len(page) / 1024:.0f} kB"
    )
    for label, figures in (("static file: ", static), ("chapter page:", chapter_figures)):
        print(
            f"  {label} {figures['rate']:8.0f} req/s, p50 {figures['p50']:.1f} ms, "
            f"p99 {figures['p99']:.1f} ms"
        )
    each = ", ".join(f"{page['rate'] / file['rate']:.0%}" for file, page in rounds)
    print(
        f"  chapter page / static file: {chapter_figures['rate'] / static['rate']:.0%} "
        f"(round by round: {each})"
    )
    sizes = round_trips["sizes"]
    print(
        f"annotate round trip (POST → answer, htmx, same chapter, {len(round_trips['times'])} "
        f"highlights): p50 {round_trips['p50']:.1f} ms, p99 {round_trips['p99']:.1f} ms; "
        f"answer {min(sizes) / 1024:.1f}–{max(sizes) / 1024:.1f} kB"
    )


def _combined(loads: list[dict]) -> dict:
    """The rounds' loads as one: their mean rate, the median of their p50s, the worst p99."""
    return {
        "rate": sum(load["rate"] for load in loads) / len(loads),
        "p50": median(load["p50"] for load in loads),
        "p99": max(load["p99"] for load in loads),
    }


def _largest_chapter() -> Chapter:
    chapters = Chapter.objects.filter(work__source_name="hpmor-full-en.txt")
    return max(chapters or Chapter.objects.all(), key=lambda c: c.paragraphs.count())


def _annotate(user, chapter: Chapter, count: int) -> None:
    text = chapter_text(chapter, chapter.paragraphs.all()).text
    step = (len(text) - 80) // count
    for n in range(count):
        start = n * step + (n % 3) * 10
        while text[start].isspace():
            start += 1
        end = start + 60
        while text[end - 1].isspace():
            end -= 1
        services.annotation_create(
            user=user,
            chapter=chapter,
            utf16_start=_utf16(text, start),
            utf16_end=_utf16(text, end),
            exact=text[start:end],
            colour=["yellow", "green", "blue"][n % 3],
            tag_names=[f"theme {n % 4}"],
            note="A note." if n % 2 else "",
        )
    assert Annotation.objects.filter(chapter=chapter, owner=user).count() >= count


def _loader() -> str:
    return "wrk -t2" if shutil.which("wrk") else "Python load generator"


def _load(port: int, path: str, cookie: str) -> dict:
    _get(port, path, cookie)  # each worker draws or reads the file once
    _get(port, path, cookie)
    if shutil.which("wrk"):
        return _wrk(port, path, cookie)
    return _python_load(port, path, cookie)


def _wrk(port: int, path: str, cookie: str) -> dict:
    output = subprocess.run(
        [
            *("wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"),
            *("-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"errors under load:\n{output}")

    def latency(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return {"rate": rate, "p50": latency("50%"), "p99": latency("99%")}


def _python_load(port: int, path: str, cookie: str) -> dict:
    times: list[float] = []
    deadline = time.perf_counter() + SECONDS

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
            times.append(time.perf_counter() - started)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = quantiles(times, n=100)
    return {"rate": len(times) / SECONDS, "p50": cuts[49] * 1000, "p99": cuts[98] * 1000}


def _get(port: int, path: str, cookie: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    response.body = response.read()
    return response


def _annotate_round_trips(port: int, chapter: Chapter, cookie: str, count: int) -> dict:
    page = _get(port, chapter.get_absolute_url(), cookie)
    token = re.search(rb'"x-csrftoken": "([^"]+)"', page.body).group(1).decode()
    text = chapter_text(chapter, chapter.paragraphs.all()).text
    path = f"/works/{chapter.work_id}/chapters/{chapter.position}/annotations/"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times, sizes = [], []
    step = (len(text) - 40) // count
    for n in range(count):
        start = n * step + 17
        while text[start].isspace():
            start += 1
        exact = text[start : start + 20].rstrip()
        body = (
            f"utf16_start={_utf16(text, start)}&utf16_end={_utf16(text, start + len(exact))}"
            f"&exact={quote_plus(exact)}&colour=pink"
        )
        started = time.perf_counter()
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                "Cookie": cookie,
                "X-CSRFToken": token,
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{port}/",
            },
        )
        response = connection.getresponse()
        answer = response.read()
        times.append(time.perf_counter() - started)
        if response.status != 200:
            raise RuntimeError(f"annotate answered {response.status}: {answer[:300]!r}")
        sizes.append(len(answer))
    cuts = quantiles(times, n=100)
    return {"times": times, "sizes": sizes, "p50": median(times) * 1000, "p99": cuts[98] * 1000}


def _utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2
