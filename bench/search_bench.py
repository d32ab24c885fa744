"""Search figures: the search page timed over the library in the database, for a few kinds of
query chosen from the library's own words (a common word, a rarer one, a phrase, a prefix as it
is being typed). `make bench` runs it on SQLite over the shared corpus; `make bench-scale` on
PostgreSQL over its 5 M paragraphs, after filling the index as rebuild_search_index does."""

import re
import time
from collections import Counter
from statistics import median, quantiles

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fics.models import Paragraph
from search.models import SearchDocument

TARGET_MS = 100
_WORD = re.compile(r"[A-Za-z]{5,12}")


def fill_search_index() -> float:
    """Index everything already in the database; returns the seconds it took."""
    started = time.perf_counter()
    call_command("rebuild_search_index", verbosity=0)
    return time.perf_counter() - started


def queries(sample: int = 3000) -> list[tuple[str, str]]:
    """(label, query) pairs drawn from the first `sample` paragraphs."""
    texts = list(
        Paragraph.objects.exclude(text="").order_by("pk").values_list("text", flat=True)[:sample]
    )
    counts = Counter(word.lower() for text in texts for word in _WORD.findall(text))
    ranked = [word for word, _ in counts.most_common()]
    common, rare = ranked[0], ranked[len(ranked) // 2]
    words = texts[len(texts) // 2].split()
    phrase = " ".join(re.sub(r"\W", "", word) for word in words[2:5])
    return [
        (f"common word “{common}”", common),
        (f"rarer word “{rare}”", rare),
        (f"phrase “{phrase}”", f'"{phrase}"'),
        (f"prefix “{rare[:4]}” (as typed)", rare[:4]),
        (f"two words “{common} {rare}”", f"{common} {rare}"),
    ]


def time_searches(client: Client, repeat: int = 20) -> list[tuple[str, list[float]]]:
    """Each query's times in seconds, the page as the header box's htmx request gets it."""
    url = reverse("search")
    figures = []
    for label, query in queries():
        times = []
        for _ in range(repeat + 1):
            started = time.perf_counter()
            response = client.get(url, {"q": query}, headers={"HX-Request": "true"})
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        figures.append((label, times[1:]))  # the first warms the caches
    return figures


def report(database: str, figures: list[tuple[str, list[float]]]) -> None:
    documents = SearchDocument.objects.count()
    print(f"search ({database}, {documents:,} documents), htmx request, ms:")
    for label, times in figures:
        p50 = median(times) * 1000
        p99 = quantiles(times, n=100, method="inclusive")[98] * 1000
        verdict = "ok" if p50 < TARGET_MS else "SLOW"
        print(f"  {label:50} p50 {p50:7.1f}  p99 {p99:7.1f}  (<{TARGET_MS} {verdict})")


def bench_search(client: Client) -> None:
    """`make bench`: the shared corpus, imported just before, searched on SQLite."""
    report("SQLite", time_searches(client))


def bench_scale_search(reader_id: int) -> None:
    """`make bench-scale`: the large library on PostgreSQL, searched by one of its readers."""
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(pk=reader_id))
    report("PostgreSQL", time_searches(client))
