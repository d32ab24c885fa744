"""Search figures: the search page timed over the library in the database, for a few kinds of
query chosen from the library's own words (a common word, a rarer one, a phrase, a prefix as it
is being typed). `make bench` runs it on SQLite over the shared corpus; `make bench-scale` on
PostgreSQL over its 5 M paragraphs, after filling the index with the rows and vectors that
rebuild_search_index would write (fill_search_index)."""

import re
import time
from collections import Counter
from statistics import median, quantiles

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from bench.query_timing import timed_queries
from fics.models import Paragraph
from search import backends, index
from search.models import SearchDocument

TARGET_MS = 100
_WORD = re.compile(r"[A-Za-z]{5,12}")


def fill_search_index() -> float:
    """Index everything already in the database, as search.index.rebuild would, in a fraction
    of its time; returns the seconds it took.

    Reading a paragraph into its vector costs PostgreSQL's parser about 0.25 ms: 20 minutes of
    one core for the scale bench's 5 M paragraphs. But they are drawn from a pool of 20,000
    texts: here each distinct text is read once (search_vector, the function the app's trigger
    calls) and its vector copied to every paragraph that has it. Works, chapters and
    annotations are written by search.index's own statements and the app's trigger. The GIN
    index is built once over the rows, and no foreign key is checked row by row (the rows copy
    keys that scale_bench.build checked; the database is the bench's own)."""
    started = time.perf_counter()
    table = SearchDocument._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        # Room to hash the distinct texts and to sort the index's words in memory.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        # Checks owed by earlier writes in the transaction now: the table's triggers change.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"DROP INDEX IF EXISTS {VECTOR_INDEX}")
        cursor.execute(f"TRUNCATE {table}")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {VECTOR_TRIGGER}")
        index._insert_works("TRUE", [])
        index._insert_chapters("TRUE", [], text=False)
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {VECTOR_TRIGGER}")
        _insert_texts(cursor)
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {VECTOR_TRIGGER}")
        index._insert_annotations("TRUE", [])
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")
        cursor.execute(f"CREATE INDEX {VECTOR_INDEX} ON {table} USING gin (vector)")
        cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


VECTOR_INDEX = VECTOR_TRIGGER = "search_document_vector"  # search/migrations/0001


def _insert_texts(cursor) -> None:
    """The paragraphs' documents, as search.index._insert_chapters writes them, each distinct
    text prepared and read into a vector once."""
    config = index.CONFIG_SQL
    body, body_params = index._prepared("texts.text")
    paragraphs = (
        f"{index.PARAGRAPHS} p JOIN {index.CHAPTERS} c ON c.id = p.chapter_id "
        f"JOIN {index.WORKS} w ON w.id = c.work_id"
    )
    kept = "NOT c.removed AND p.text <> ''"
    cursor.execute(
        "CREATE TEMP TABLE search_texts ON COMMIT DROP AS "
        "SELECT texts.text, texts.config, prepared.body, "
        "search_vector(texts.config, prepared.body) AS vector "
        f"FROM (SELECT DISTINCT p.text, {config} AS config FROM {paragraphs} WHERE {kept}) texts, "
        f"LATERAL (SELECT {body} AS body) prepared",
        body_params,
    )
    cursor.execute("ANALYZE search_texts")
    cursor.execute(
        f"INSERT INTO {SearchDocument._meta.db_table} ({index.COLUMNS}, vector) "
        "SELECT 'text', w.id, c.id, NULL, 'p' || p.position, NULL, FALSE, "
        f"t.config, t.body, t.vector FROM {paragraphs} "
        f"JOIN search_texts t ON t.text = p.text AND t.config = {config} WHERE {kept}"
    )


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


def bench_scale_search(reader_id: int, *, explain: bool = False) -> None:
    """`make bench-scale`: the large library on PostgreSQL, searched by one of its readers;
    then one more request per query with its SQL timed (and the slowest statement EXPLAINed)."""
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(pk=reader_id))
    report("PostgreSQL", time_searches(client))
    for label, query in queries():
        profile_search(client, label, query, explain=explain)


def profile_search(client: Client, label: str, query: str, *, explain: bool) -> None:
    with timed_queries() as statements:
        client.get(reverse("search"), {"q": query}, headers={"HX-Request": "true"})
    total = sum(ms for ms, _, _ in statements)
    selects = [statement for statement in statements if statement[1].startswith("SELECT")]
    slowest, sql, params = max(selects, key=lambda statement: statement[0])
    print(f"  {label:50} {len(statements)} queries {total:6.1f} ms, slowest {slowest:6.1f} ms")
    if explain:
        # Planned as search.backends.Postgres.ranked plans it when finding matches.
        with transaction.atomic(), connection.cursor() as cursor:
            backends.plan_for_finding(cursor)
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            print("    " + "\n    ".join(row[0][:160] for row in cursor.fetchall()))
