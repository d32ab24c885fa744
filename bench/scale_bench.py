"""`make bench-scale`: the reading pages over a large library in PostgreSQL.

Builds 10,000 works, 5,000,000 paragraphs and 1,000,000 annotations by 100 readers (with their
tags, some shared) in a throw-away database, then times each page through Django's test Client,
logged in as one reader. `--scale 0.1` builds a tenth of the library around the same pages.

The library is written with COPY straight into the migrated tables: the importer would take
hours. Every id is chosen here, so rows can point at each other without reading anything back,
and every annotation is made the way the app makes one (annotations.anchoring.quote_at over the
chapter text that annotations.chapter_layout lays out), so the pages draw them as they would
draw a reader's own.
"""

import argparse
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from statistics import median, quantiles
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
sys.path.insert(0, str(ROOT))

from annotations.anchoring import SEPARATOR, Span, quote_at  # noqa: E402

SERVER = os.environ.get("SCALE_BENCH_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
PAGE_TARGET_MS = 100
ANNOTATE_TARGET_MS = 10
PAGE_SECONDS = 45
MIN_REQUESTS = 10
NOW = datetime(2026, 1, 1, tzinfo=UTC)
FANDOMS = [
    "The 100 (TV)", "Harry Potter - J. K. Rowling", "Star Wars", "Supernatural", "Sherlock (TV)",
    "Good Omens", "Marvel Cinematic Universe", "Stranger Things", "Naruto", "Critical Role",
    "Avatar: The Last Airbender", "Teen Wolf",
]  # fmt: skip
CHARACTERS = ["Clarke", "Lexa", "Bellamy", "Octavia", "Raven", "Finn", "Abby", "Anya"]
THEMES = ["grief", "trust", "leadership", "guilt", "home", "war", "hope", "promises"]
OTHERS = ["favourite", "reread", "foreshadowing", "quote"]
# The reader whose pages are timed has this tag on exactly `Scale.tag_passages` passages.
BENCH_TAG = "slow burn"
COLOURS = ["yellow", "green", "blue", "pink", "purple", "orange"]
NOTES = ["Oh, *this*.", "She said the same in chapter one.", "Compare with the ending.", "Ouch."]

WORK_COLUMNS = (
    "id", "title", "author", "fandom", "summary", "notes", "end_notes", "rating", "warnings",
    "relationships", "additional_tags", "language", "source_name", "content_hash",
    "source_format", "word_count", "chapter_count", "characters", "suggested_characters",
    "created", "updated",
)  # fmt: skip
CHAPTER_COLUMNS = (
    "id", "work_id", "position", "title", "notes_before", "notes_after", "word_count", "removed",
)  # fmt: skip
PARAGRAPH_COLUMNS = ("id", "chapter_id", "position", "kind", "text", "emphasis")
TAG_COLUMNS = ("id", "owner_id", "name", "kind", "colour", "created", "modified")
ANNOTATION_COLUMNS = (
    "id", "owner_id", "chapter_id", "start", "end", "exact", "prefix", "suffix", "segment",
    "colour", "note", "note_html", "shared", "created", "modified", "deleted_at", "orphaned",
)  # fmt: skip
LINK_COLUMNS = ("id", "annotation_id", "tag_id")
FACET_COLUMNS = ("id", "work_id", "kind", "value")


@dataclass(frozen=True)
class Scale:
    works: int = 10_000
    paragraphs: int = 5_000_000
    annotations: int = 1_000_000
    readers: int = 100
    # What the timed reader's pages carry; they stay the same at every scale.
    chapter_annotations: int = 100
    tag_passages: int = 10_000

    def times(self, factor: float) -> "Scale":
        return replace(
            self,
            works=max(1, round(self.works * factor)),
            paragraphs=round(self.paragraphs * factor),
            annotations=max(round(self.annotations * factor), 2 * self.tag_passages + 100),
        )


@dataclass
class Library:
    """Everything the rows are made from. Ids are 1-based list indexes: work n+1 is works[n]."""

    scale: Scale
    pool: list[str]  # paragraph texts that story paragraphs are drawn from
    pool_words: list[list[tuple[int, int]]]  # each pool text's words, as (start, end)
    vocabulary: list[str]
    # Each paragraph's pool index (-1: a scene break), all chapters one after the other.
    paragraphs: array = field(default_factory=lambda: array("i"))
    # (work id, position, index of its first paragraph, paragraph count) per chapter.
    chapters: list[tuple[int, int, int, int]] = field(default_factory=list)
    work_chapters: list[range] = field(default_factory=list)  # chapter ids of each work
    chapter_words: list[int] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # of the works
    bench_chapter: int = 0  # the chapter carrying `chapter_annotations` of the timed reader's


def plan_library(scale: Scale, seed: int = 2026) -> Library:
    """Texts, chapters and works, deterministically: the same scale gives the same library."""
    rng = random.Random(seed)
    pool, vocabulary = paragraph_pool(rng, size=min(20_000, max(200, scale.paragraphs // 50)))
    library = Library(
        scale=scale,
        pool=pool,
        pool_words=[[m.span() for m in re.finditer(r"\S+", text)] for text in pool],
        vocabulary=vocabulary,
    )
    lengths, total = [], 0
    while total < scale.paragraphs:
        # Most chapters run about fifty paragraphs; a few are long, like HPMOR's.
        low, high = (550, 650) if not lengths or rng.random() < 0.005 else (30, 70)
        lengths.append(min(rng.randint(low, high), scale.paragraphs - total))
        total += lengths[-1]
    if len(lengths) < scale.works:
        raise ValueError(f"{scale.paragraphs:,} paragraphs are too few for {scale.works:,} works")
    # Each work takes a run of chapters: cut the list at works - 1 random places.
    cuts = [0, *sorted(rng.sample(range(1, len(lengths)), scale.works - 1)), len(lengths)]
    library.work_chapters = [range(a + 1, b + 1) for a, b in pairwise(cuts)]
    for work_id, chapter_ids in enumerate(library.work_chapters, 1):
        for position, chapter_id in enumerate(chapter_ids, 1):
            count = lengths[chapter_id - 1]
            library.chapters.append((work_id, position, len(library.paragraphs), count))
            picks = rng.choices(range(len(pool)), k=count)
            for n in range(1, count - 1):  # a scene break now and then, never first or last
                if rng.random() < 0.02:
                    picks[n] = -1
            library.paragraphs.extend(picks)
            library.chapter_words.append(sum(len(library.pool_words[i]) for i in picks if i >= 0))
    library.titles = [title(rng, library, 2, 4) for _ in range(scale.works)]
    library.bench_chapter = max(range(len(lengths)), key=lengths.__getitem__) + 1
    return library


def paragraph_pool(rng: random.Random, size: int) -> tuple[list[str], list[str]]:
    """Paragraphs of 60–120 words recombined from the seed fics' sentences, and their words."""
    text = "\n".join(seed.read_text() for seed in sorted(SEEDS.glob("*.txt")))
    sentences = re.findall(r"\S[^.!?\n]*[.!?]+[\"”’]?", text)
    vocabulary = sorted({w.lower() for w in re.findall(r"\b[A-Za-z]{4,10}\b", text)})
    pool = []
    for _ in range(size):
        target, words, parts = rng.randint(60, 120), 0, []
        while words < target:
            sentence = rng.choice(sentences)
            parts.append(sentence)
            words += len(sentence.split())
        pool.append(" ".join(parts))
    return pool, vocabulary


def chapter_texts(library: Library, chapter_id: int) -> list[tuple[int, int, str]]:
    """(position, pool index, text) of a chapter's paragraphs; a scene break has index -1."""
    _, _, first, count = library.chapters[chapter_id - 1]
    return [
        (n, index, library.pool[index] if index >= 0 else "")
        for n, index in enumerate(library.paragraphs[first : first + count], 1)
    ]


def title(rng: random.Random, library: Library, low: int, high: int) -> str:
    return " ".join(
        rng.choice(library.vocabulary).capitalize() for _ in range(rng.randint(low, high))
    )


def work_rows(library: Library):
    rng = random.Random(1)
    authors = [f"{title(rng, library, 1, 1)}{rng.choice(library.vocabulary)}{rng.randint(1, 99)}"
               for _ in range(max(1, library.scale.works // 3))]  # fmt: skip
    for work_id, chapter_ids in enumerate(library.work_chapters, 1):
        word_count = sum(library.chapter_words[c - 1] for c in chapter_ids)
        created = NOW - timedelta(seconds=rng.randrange(3 * 365 * 86400))
        characters = rng.sample(CHARACTERS, rng.randint(2, 4))
        yield (
            work_id, library.titles[work_id - 1], rng.choice(authors), rng.choice(FANDOMS),
            library.pool[rng.randrange(len(library.pool))][:300], "", "", "Teen And Up Audiences",
            "[]", f'["{characters[0]}/{characters[1]}"]', "[]", "en", f"scale-{work_id}.txt",
            f"{work_id:064x}", "txt", word_count, len(chapter_ids), to_json(characters), "[]",
            created, created,
        )  # fmt: skip


def facet_rows(library: Library):
    """The library's tag rows (fics.facets), from the same works work_rows writes."""
    import json

    from fics.facets import work_facet_values
    from fics.models import Work

    facet_id = 0
    for row in work_rows(library):
        fields = dict(zip(WORK_COLUMNS, row, strict=True))
        for key in (
            "warnings",
            "relationships",
            "additional_tags",
            "characters",
            "suggested_characters",
        ):
            fields[key] = json.loads(fields[key])
        for kind, value in sorted(work_facet_values(Work(**fields))):
            facet_id += 1
            yield facet_id, fields["id"], kind, value


def to_json(names: list[str]) -> str:
    return "[" + ", ".join(f'"{name}"' for name in names) + "]"


def chapter_rows(library: Library):
    rng = random.Random(2)
    for chapter_id, (work_id, position, _, _) in enumerate(library.chapters, 1):
        name = title(rng, library, 1, 3) if rng.random() < 0.5 else ""
        words = library.chapter_words[chapter_id - 1]
        yield chapter_id, work_id, position, name, "", "", words, False


def paragraph_rows(library: Library):
    paragraph_id = 0
    for chapter_id, (_, _, first, count) in enumerate(library.chapters, 1):
        for position, index in enumerate(library.paragraphs[first : first + count], 1):
            paragraph_id += 1
            if index >= 0:
                yield paragraph_id, chapter_id, position, "text", library.pool[index], "[]"
            else:
                yield paragraph_id, chapter_id, position, "break", "", "[]"


def tag_names() -> list[tuple[str, str]]:
    """Every reader's tags, (name, kind); the first is the timed reader's BENCH_TAG."""
    return [(BENCH_TAG, "theme")] + [
        (name, kind)
        for kind, names in (("character", CHARACTERS), ("theme", THEMES), ("other", OTHERS))
        for name in names
    ]


def tag_rows(reader_ids: list[int]):
    names = tag_names()
    for r, reader_id in enumerate(reader_ids):
        for n, (name, kind) in enumerate(names):
            yield r * len(names) + n + 1, reader_id, name, kind, COLOURS[n % 6], NOW, NOW


def annotation_rows(library: Library, reader_ids: list[int], links: list, note_html):
    """Each reader's annotations over a few dozen works; tag links are appended to `links`.

    The first reader (the timed one) has exactly `chapter_annotations` on the bench chapter and
    BENCH_TAG on exactly `tag_passages` of theirs; others' annotations may land anywhere.
    """
    scale = library.scale
    rng = random.Random(3)
    notes = [(note, note_html(note)) for note in NOTES]
    tags_per_reader = len(tag_names())
    first_count = 2 * scale.tag_passages
    rest = scale.annotations - first_count
    annotation_id = 0
    for r, reader_id in enumerate(reader_ids):
        count = (
            first_count
            if r == 0
            else rest // (len(reader_ids) - 1) + (r <= rest % (len(reader_ids) - 1))
        )
        works = rng.sample(range(scale.works), min(scale.works, max(3, count // 300)))
        chapters = [
            c
            for w in works
            for c in library.work_chapters[w]
            if not (r == 0 and c == library.bench_chapter)
        ]
        per_chapter = Counter(
            rng.choice(chapters)
            for _ in range(count - (scale.chapter_annotations if r == 0 else 0))
        )
        if r == 0:
            per_chapter[library.bench_chapter] = scale.chapter_annotations
        bench_tagged = set(rng.sample(range(count), scale.tag_passages)) if r == 0 else set()
        # The first reader's other tags leave BENCH_TAG out, so its count stays exact.
        own_tags = range(r * tags_per_reader + 1 + (r == 0), (r + 1) * tags_per_reader + 1)
        made = 0
        for chapter_id in sorted(per_chapter):
            for start, end, quote, segment in spans(
                rng, library, chapter_id, per_chapter[chapter_id]
            ):
                annotation_id += 1
                note, html = rng.choice(notes) if rng.random() < 0.1 else ("", "")
                created = NOW - timedelta(seconds=rng.randrange(365 * 86400))
                yield (
                    annotation_id, reader_id, chapter_id, start, end, quote.exact, quote.prefix,
                    quote.suffix, segment, rng.choice(COLOURS), note, html, rng.random() < 0.05,
                    created, created, None, False,
                )  # fmt: skip
                tags = rng.sample(own_tags, rng.choice((0, 1, 1, 1, 2)))
                if made in bench_tagged:
                    tags.append(r * tags_per_reader + 1)
                links.extend((len(links) + 1, annotation_id, tag) for tag in tags)
                made += 1


def spans(rng: random.Random, library: Library, chapter_id: int, count: int):
    """`count` selections of 1–20 words, each within one story paragraph, as
    (start, end, Quote, segment) in code points over the chapter text."""
    paragraphs = [(n, i, text) for n, i, text in chapter_texts(library, chapter_id) if i >= 0]
    text = SEPARATOR.join(t for _, _, t in paragraphs)
    starts = [0]
    for _, _, t in paragraphs[:-1]:
        starts.append(starts[-1] + len(t) + len(SEPARATOR))
    for _ in range(count):
        k = rng.randrange(len(paragraphs))
        position, index, _ = paragraphs[k]
        word_spans = library.pool_words[index]
        first = rng.randrange(len(word_spans))
        last = min(len(word_spans) - 1, first + rng.randrange(20))
        span = Span(starts[k] + word_spans[first][0], starts[k] + word_spans[last][1])
        yield span.start, span.end, quote_at(text, span), f"p{position}"


# ---------------------------------------------------------------- the throw-away database


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


def drop_database(name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(name: str) -> str:
    return SERVER.rsplit("/", 1)[0] + "/" + name


# ---------------------------------------------------------------- phases


def build(library: Library) -> dict:
    """Users through the ORM, the rest with COPY in one transaction; returns the bench ids."""
    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from annotations.models import Annotation, Tag
    from annotations.note_html import render_note
    from fics.models import (
        Chapter,
        ChapterRead,
        ImportJob,
        Paragraph,
        PendingUpload,
        ReadingPosition,
        Work,
        WorkFacet,
    )
    from search.models import SearchDocument  # filled after the COPY (bench.search_bench)

    user_model = get_user_model()
    readers = [user_model(username=f"reader{n:03}") for n in range(library.scale.readers)]
    for reader in readers:
        reader.set_unusable_password()
    reader_ids = [reader.pk for reader in user_model.objects.bulk_create(readers)]
    links: list[tuple[int, int, int]] = []
    tables = [
        (Work, WORK_COLUMNS, work_rows(library)),
        (Chapter, CHAPTER_COLUMNS, chapter_rows(library)),
        (Paragraph, PARAGRAPH_COLUMNS, paragraph_rows(library)),
        (Tag, TAG_COLUMNS, tag_rows(reader_ids)),
        (Annotation, ANNOTATION_COLUMNS, annotation_rows(library, reader_ids, links, render_note)),
        (Annotation.tags.through, LINK_COLUMNS, links),  # filled while annotations are copied
        (WorkFacet, FACET_COLUMNS, facet_rows(library)),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        # One commit at the end, nobody waits on it: no need to wait for the disk either.
        cursor.execute("SET LOCAL synchronous_commit = off")
        # No triggers, so no foreign-key check per row: those ~10 million lookups at commit
        # would take longer than the COPY itself. check_foreign_keys proves the same at the end.
        cursor.execute("SET LOCAL session_replication_role = replica")
        # COPY ... FREEZE needs tables emptied in this transaction. Frozen rows are written
        # all-visible, as a long-settled database's are: no hint-bit writes or vacuum later
        # on the pages being timed, and index-only scans work at once.
        names = [model._meta.db_table for model, _, _ in tables] + [
            model._meta.db_table
            for model in (PendingUpload, ImportJob, ReadingPosition, ChapterRead, SearchDocument)
        ]
        # CASCADE: every table that points at these (groups' replies, mentions, progress...)
        # is emptied with them.
        cursor.execute(f"TRUNCATE {', '.join(names)} CASCADE")
        for model, columns, rows in tables:
            default_the_rest(cursor, model, columns)
            started = time.perf_counter()
            count = copy_rows(cursor, model._meta.db_table, columns, rows)
            seconds = time.perf_counter() - started
            rate = f"{count / seconds:,.0f} rows/s"
            print(f"  {model._meta.db_table:28} {count:>10,} rows {seconds:6.1f} s {rate:>14}")
        # Ids were chosen here: the sequences must continue after them for the app's own inserts.
        # The links' table too: its sequence left at 1, an edit's new links collided with the
        # copied ones and were dropped by ON CONFLICT DO NOTHING, so the timed edits linked no tag.
        models = [model for model, _, _ in tables]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
        check_foreign_keys(cursor, [model for model, _, _ in tables])
    return {"reader": reader_ids[0], "chapter": library.bench_chapter, "tag": 1}


def built_ids(library: Library) -> dict:
    """The ids build returned, read back from a kept database."""
    from django.contrib.auth import get_user_model

    reader = get_user_model().objects.order_by("pk").values_list("pk", flat=True).first()
    return {"reader": reader, "chapter": library.bench_chapter, "tag": 1}


def check_foreign_keys(cursor, models) -> None:
    """Every id a foreign key holds lies between its target's lowest and highest id, and the
    target's ids have no gap: so each one exists. Index endpoints and counts: milliseconds."""
    for model in models:
        table = model._meta.db_table
        for key in (f for f in model._meta.concrete_fields if f.many_to_one):
            target = key.related_model._meta
            cursor.execute(f"SELECT count(*), min(id), max(id) FROM {target.db_table}")
            count, low, high = cursor.fetchone()
            cursor.execute(f'SELECT min("{key.column}"), max("{key.column}") FROM {table}')
            first, last = cursor.fetchone()
            if first is None:
                continue  # a nullable key left empty (Work.imported_by) points nowhere
            if not (count == high - low + 1 and low <= first and last <= high):
                raise RuntimeError(f"{table}.{key.column} points outside {target.db_table}")


def default_the_rest(cursor, model, columns: tuple[str, ...]) -> None:
    """Give the columns this bench does not fill their field's default in the database (Django
    keeps defaults in Python), so that COPY can leave them out: a column added to a model later
    does not break the bench. The database is a throw-away one."""
    for model_field in model._meta.concrete_fields:
        column = model_field.column
        if column in columns or model_field.null or (default := model_field.get_default()) is None:
            continue
        default = model_field.get_db_prep_save(default, connection=cursor.db)
        cursor.execute(
            f'ALTER TABLE {model._meta.db_table} ALTER COLUMN "{column}" SET DEFAULT %s',
            [default],
        )


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows) -> int:
    names = ", ".join(f'"{column}"' for column in columns)
    count = 0
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FREEZE)") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@dataclass
class Figure:
    label: str
    times: list[float]  # seconds
    target_ms: float
    queries: int = 0
    sql_ms: float = 0.0
    slowest: str = ""
    slowest_params: tuple = ()
    slowest_ms: float = 0.0

    @property
    def p50(self) -> float:
        return median(self.times) * 1000

    @property
    def p99(self) -> float:
        return quantiles(self.times, n=100, method="inclusive")[98] * 1000


def measure(library: Library, ids: dict, requests: int) -> list[Figure]:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db.models import Q
    from django.test import Client
    from django.urls import reverse

    from annotations.models import Annotation
    from fics.models import Chapter, Work

    reader = get_user_model().objects.get(pk=ids["reader"])
    client = Client()
    client.force_login(reader)
    chapter = Chapter.objects.select_related("work").get(pk=ids["chapter"])
    paragraphs = library.chapters[chapter.pk - 1][3]
    # Live ones: a kept database holds the highlights an earlier run made and deleted.
    highlights = Annotation.objects.live().filter(chapter=chapter, owner=reader).count()
    assert highlights == library.scale.chapter_annotations
    tag_count = Annotation.objects.filter(tags=ids["tag"]).count()
    word = search_word(library)
    found = Work.objects.filter(Q(title__icontains=word) | Q(author__icontains=word)).count()
    library_url = reverse("library")
    chapter_url = chapter.get_absolute_url()
    pages = [
        (f"library ({library.scale.works:,} works)", library_url, None),
        (f"library ?q={word} ({found:,} works)", f"{library_url}?q={word}", None),
        ("library ?sort=recent", f"{library_url}?sort=recent", None),
        # A tag filter, its facet counts and the reader's own order.
        ("library ?fandom=…&sort=read", f"{library_url}?fandom=Star+Wars&sort=read", None),
        (f"work ({chapter.work.chapter_count} chapters)", chapter.work.get_absolute_url(), None),
        (f"chapter ({paragraphs} ¶, {highlights} of the reader's)", chapter_url, None),
        # Every write changes the reader's fingerprint, so the next visit draws the page again.
        ("chapter, cold (cache cleared)", chapter_url, cache.clear),
        (f"tag ({tag_count:,} passages)", reverse("tag", args=[ids["tag"]]), None),
    ]
    figures = []
    for label, url, before in pages:

        def get(url=url, before=before):
            if before:
                before()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        figures.append(timed(label, PAGE_TARGET_MS, [get] * (requests + 2)))

    # The annotate round trips (create, then edit and delete what it made) on the long chapter
    # above and on a typical one.
    typical = (
        Annotation.objects.filter(owner=reader, chapter__paragraphs__position=50)
        .exclude(chapter__paragraphs__position=80)
        .values_list("chapter", flat=True)
        .first()
    )
    for annotated in (chapter, Chapter.objects.select_related("work").get(pk=typical)):
        figures += annotate(client, annotated, library.chapters[annotated.pk - 1][3], requests)
    return figures


def annotate(client, chapter, paragraphs: int, requests: int) -> list[Figure]:
    """Create highlights as the page does, then edit each (note, tags) and delete it."""
    from django.urls import reverse

    from annotations.chapter_layout import chapter_text
    from annotations.models import Annotation

    text = chapter_text(chapter, chapter.paragraphs.all())
    before = Annotation.objects.order_by("-pk").values_list("pk", flat=True).first()

    def post(url, body=None):
        # Form-encoded, as htmx sends them (and serving_bench's requests), not the test
        # client's default multipart.
        response = client.post(
            url,
            urlencode(body or {}),
            content_type="application/x-www-form-urlencoded",
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200, response.content[:300]

    create = reverse("annotation_create", args=[chapter.work_id, chapter.position])
    posts = [lambda body=body: post(create, body) for body in selections(text, requests + 2)]
    figures = [timed(f"annotate, {paragraphs} ¶ chapter (htmx POST)", ANNOTATE_TARGET_MS, posts)]
    made = Annotation.objects.filter(chapter=chapter, pk__gt=before).values_list("pk", flat=True)
    edit = {"colour": "green", "note": "Compare with the *ending*.", "tags": "Clarke, trust"}
    edits = [lambda pk=pk: post(reverse("annotation_update", args=[pk]), edit) for pk in made]
    figures.append(timed("  edit it (note, tags)", ANNOTATE_TARGET_MS, edits))
    deletes = [lambda pk=pk: post(reverse("annotation_delete", args=[pk])) for pk in made]
    figures.append(timed("  delete it", ANNOTATE_TARGET_MS, deletes))
    return figures


def timed(label: str, target_ms: float, requests: list) -> Figure:
    """The first request warms up and the last has its queries timed. A page slow enough to
    stretch the run past its time gets fewer timed requests, never fewer than MIN_REQUESTS."""
    figure = Figure(label, [], target_ms)
    requests[0]()
    deadline = time.perf_counter() + PAGE_SECONDS
    for request in requests[1:-1]:
        if len(figure.times) >= MIN_REQUESTS and time.perf_counter() > deadline:
            break
        started = time.perf_counter()
        request()
        figure.times.append(time.perf_counter() - started)
    profile_queries(figure, requests[-1])
    print(f"  {label}: p50 {figure.p50:.1f} ms ({len(figure.times)} requests)", flush=True)
    return figure


def search_word(library: Library) -> str:
    """A word from the titles that about one work in a hundred has: a typical search."""
    counts = Counter(word for title in library.titles for word in title.lower().split())
    wanted = max(1, library.scale.works // 100)
    return min(sorted(counts), key=lambda word: abs(counts[word] - wanted))


def selections(text, count: int):
    """Form data of `count` selections spread over the chapter, as annotate.js sends them:
    UTF-16 offsets and the selected words."""
    step = (len(text.text) - 40) // count
    for n in range(count):
        start = n * step + 17
        while text.text[start].isspace():
            start += 1
        exact = text.text[start : start + 20].rstrip()
        yield {
            "utf16_start": text.to_utf16(start),
            "utf16_end": text.to_utf16(start + len(exact)),
            "exact": exact,
            "colour": "pink",
        }


def profile_queries(figure: Figure, request) -> None:
    """One more request with its queries timed: how many, their time, the slowest."""
    from bench.query_timing import timed_queries

    with timed_queries() as queries:
        request()
    figure.queries = len(queries)
    figure.sql_ms = sum(ms for ms, _, _ in queries)
    figure.slowest_ms, figure.slowest, figure.slowest_params = max(queries, key=lambda q: q[0])


def explain(figures: list[Figure]) -> None:
    """EXPLAIN ANALYZE of each page's slowest query: where an index would help."""
    from django.db import connection

    for figure in figures:
        if not figure.slowest.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + figure.slowest, figure.slowest_params)
            plan = "\n    ".join(row[0][:160] for row in cursor.fetchall())
        print(f"\n{figure.label}: slowest query {figure.slowest_ms:.1f} ms")
        print(f"  {figure.slowest[:600]}\n    {plan}")


def report(figures: list[Figure], phases: dict[str, float], load: tuple) -> None:
    print(f"\n{'page':44} {'n':>3} {'p50 ms':>8} {'p99 ms':>8} {'target':>10} {'SQL':>11} slowest")
    for f in figures:
        verdict = "ok" if f.p50 < f.target_ms else "SLOW"
        target = f"<{f.target_ms:.0f} {verdict}"
        sql = f"{f.queries:2}q {f.sql_ms:5.1f}ms"
        print(
            f"{f.label:44} {len(f.times):3} {f.p50:8.1f} {f.p99:8.1f} {target:>10} {sql:>11}"
            f" {f.slowest_ms:5.1f}ms"
        )
    print("(SQL: one more request's queries, their time, the slowest one's)")
    averages = " ".join(f"{x:.1f}" for x in load)
    print(f"load average while measuring: {averages} (1, 5, 15 min) on {os.cpu_count()} cores")
    for phase, seconds in phases.items():
        print(f"{phase:44} {seconds:8.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full library")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN each page's slowest query")
    parser.add_argument(
        "--keep",
        metavar="NAME",
        help="build the library in database NAME and keep it; if NAME exists (built by an "
        "earlier --keep at the same scale), time its pages without building: drop it yourself",
    )
    args = parser.parse_args()
    scale = Scale().times(args.scale)
    name = args.keep or f"marginalia_scale_{os.getpid()}"
    reuse = bool(args.keep) and database_exists(name)
    os.environ["DATABASE_URL"] = database_url(name)
    data_dir = tempfile.mkdtemp(prefix="marginalia-scale-")  # the secret key lands there
    os.environ["MARGINALIA_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    # A TERM (a Ctrl-C already does) unwinds through `finally`, which drops the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    import django

    django.setup()
    from django.core.management import call_command

    phases: dict[str, float] = {}
    started = time.perf_counter()

    def phase(label: str, since: float) -> float:
        now = time.perf_counter()
        phases[label] = now - since
        print(f"{label}: {now - since:.1f} s", flush=True)
        return now

    print(f"scale {args.scale}: {scale}")
    from bench.search_bench import bench_scale_search, fill_search_index

    if not reuse:
        create_database(name)
    try:
        if reuse:
            library = plan_library(scale)
            ids = built_ids(library)
            mark = phase(f"plan ({len(library.chapters):,} chapters), reusing {name}", started)
        else:
            call_command("migrate", verbosity=0)
            mark = phase(f"create and migrate {name}", started)
            library = plan_library(scale)
            mark = phase(f"plan ({len(library.chapters):,} chapters)", mark)
            ids = build(library)
            mark = phase("load (COPY)", mark)
            analyze()
            mark = phase("ANALYZE", mark)
            fill_search_index()
            mark = phase("search index (search_bench.fill_search_index)", mark)
            phases["build in all"] = mark - started
        figures = measure(library, ids, args.requests)
        load = os.getloadavg()
        mark = phase("measure", mark)
        bench_scale_search(ids["reader"], explain=args.explain)
        mark = phase("measure search", mark)
        if args.explain:
            explain(figures)
    finally:
        if not args.keep:
            drop_database(name)
        shutil.rmtree(data_dir)
    phases["total" if args.keep else "total (with drop)"] = time.perf_counter() - started
    report(figures, phases, load)


if __name__ == "__main__":
    main()
