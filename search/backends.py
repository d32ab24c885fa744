"""Full-text matching, ranking and snippets: PostgreSQL's text search or SQLite's FTS5, chosen
by the database in use, behind one interface (`current()`): `matching` narrows a queryset of
SearchDocument to those holding every term; `ranked` gives the first few of them with their
score (higher is better); `snippet`, a document's body cut around its matched words, marked
with search.query.MARK_START and MARK_STOP (NULL where FTS5 marks none).

Both index words stemmed (a search for "walked" finds "walking"); a bare word matches as a
prefix, in the forms search.query.forms gives it, since the box searches as the reader types.
"""

import re
from collections.abc import Collection
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import Expression, F, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace

from search.models import SearchDocument
from search.outline import library_outline
from search.query import MARK_START, MARK_STOP, Term, forms, typing_index

SNIPPET_WORDS = 24
# A match: the document's id, its work's id and its rank.
type Match = tuple[int, int, float]
TAG_BREAK = "<\u200b"
# How the query that finds matches is planned, for its transaction only (see Postgres.ranked).
FINDING_SETTINGS = {
    # What PostgreSQL's documentation suggests when the data is in memory or on SSDs.
    "random_page_cost": "1.1",
    # A bitmap of matches past this size is kept by page, not by row (lossy).
    "work_mem": "256kB",
    # Hash tables (the visibility subqueries) keep the 8 MB they have by default.
    "hash_mem_multiplier": "32",
    # The index's bitmap is built by one process whatever the plan: workers only share the
    # reading of its few hundred pages, and starting them cost more (41 ms against 29 for
    # two words in 1 % of 5 M documents). In its order, too, the first matches are the same
    # from one search to the next.
    "max_parallel_workers_per_gather": "0",
    # A common word's matches are read in the table's order, from its start: by default a
    # scan of a large table starts where the last one left off, and the first 500 matches
    # (which works come first, when their ranks tie) changed from one search to the next.
    "synchronize_seqscans": "off",
}


class Postgres:
    """One tsvector per document (a trigger fills it, stemmed by the work's language), one GIN
    index, ts_rank and ts_headline."""

    # GIN reads a prefix's documents into one bitmap, then into another: twice a word's time
    # (65 ms against 26 for a word in 1 % of 5 M documents). See search.results._ranked.
    whole_word_first = True

    def __init__(self, configs: Collection[str]):
        self.configs = sorted(configs)
        # A query is made twice per search (to find, then to mark snippets): stemmed once.
        self._stems: dict[tuple[str, ...], list[str]] = {}

    def query(self, terms: list[Term]) -> SearchQuery:
        typed = typing_index(terms)
        return reduce(and_, (self._term(term, n == typed) for n, term in enumerate(terms)))

    def _term(self, term: Term, typing: bool) -> SearchQuery:
        """Each form, stemmed each way the library's languages are: a document matches the
        words stemmed its own way."""
        ways = []
        for words, prefix in forms(term, typing=typing):
            phrase = " <-> ".join(f"'{word}'" for word in words) + (":*" if prefix else "")
            ways += [(phrase, config) for config in self.configs]
        if typing and (stemmed := self._distinct_stems(ways)):
            # Stemmed already: "simple" only reads them back.
            queries = (SearchQuery(way, config="simple", search_type="raw") for way in stemmed)
            return reduce(or_, queries)
        return reduce(or_, (SearchQuery(way, config=c, search_type="raw") for way, c in ways))

    def _distinct_stems(self, ways: list[tuple[str, str]]) -> list[str]:
        key = tuple(part for way in ways for part in way)
        if key not in self._stems:
            self._stems[key] = _distinct_stems(ways)
        return self._stems[key]

    def matching(self, documents: QuerySet, terms: list[Term]) -> QuerySet:
        return documents.filter(vector=self.query(terms))

    def ranked(self, documents: QuerySet, terms: list[Term], limit: int) -> list[Match]:
        """Ranked in the query that finds them: only the `limit` rows it returns are ranked.

        A common word's first matches are found soonest by reading the table in order; a rarer
        word's through the index. PostgreSQL weighs a page read out of order at 4 reads in order
        (a spinning disk's ratio) and so read in order past 48,000 documents to find a word that
        1 % of them hold (115 ms, the index: 16 ms). The index and the table are in memory on a
        server that answers searches: priced as such, it chooses the index for words up to a
        few percent of the documents, and still reads in order for a common word (1 ms).

        The index gives its matches as a bitmap, which PostgreSQL fills and sorts before the
        first row is read: 60,000 entries for a word in 1 % of five million documents, though
        only the first 500 are wanted. Kept by page beyond a few thousand entries, it fills and
        sorts in a fraction of that time, and only the rows of the pages read are checked
        again: a word's backend CPU went from 26 to 11 ms, a prefix's from 55 to 15.
        """
        query = self.query(terms)
        rows = documents.filter(vector=query).annotate(rank=SearchRank(F("vector"), query))
        with transaction.atomic(), connection.cursor() as cursor:
            plan_for_finding(cursor)
            return list(rows.values_list("pk", "work_id", "rank")[:limit])

    def snippet(self, terms: list[Term]) -> Expression:
        headline = SearchHeadline(
            searched_text(),
            self.query(terms),
            config=F("config"),
            start_sel=MARK_START,
            stop_sel=MARK_STOP,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            short_word=0,
        )
        return Replace(headline, Value(TAG_BREAK), Value("<"), output_field=TextField())


def plan_for_finding(cursor) -> None:
    """FINDING_SETTINGS, until the transaction ends: one statement."""
    settings = ", ".join("set_config(%s, %s, true)" for _ in FINDING_SETTINGS)
    cursor.execute(
        f"SELECT {settings}", [part for item in FINDING_SETTINGS.items() for part in item]
    )


def _distinct_stems(ways: list[tuple[str, str]]) -> list[str]:
    """The prefixes a word being typed stands for, stemmed (as tsqueries in text), each once,
    and none that a shorter one covers: "locked", "locke" and "lock" all stem to 'lock':*,
    and the GIN index reads a prefix's words once per time the query names it (three times
    the work for a word in 2 % of five million documents). [] if all are stop words."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsquery(config::regconfig, phrase)::text FROM "
            "unnest(%s::text[], %s::text[]) WITH ORDINALITY AS way(phrase, config, n) ORDER BY n",
            [[phrase for phrase, _ in ways], [config for _, config in ways]],
        )
        stemmed = list(dict.fromkeys(row[0] for row in cursor.fetchall() if row[0]))
    words = {match[1] for way in stemmed if (match := _ONE_PREFIX.fullmatch(way))}
    return [
        way
        for way in stemmed
        if not (match := _ONE_PREFIX.fullmatch(way))
        or not any(match[1] != word and match[1].startswith(word) for word in words)
    ]


# A tsquery of one word as a prefix, as PostgreSQL writes it: 'lock':*
_ONE_PREFIX = re.compile(r"'([^' ]+)':\*")


def searched_text() -> Replace:
    """The body as the vector trigger reads it (search/migrations/0001_search_index.py)."""
    return Replace(F("body"), Value("<"), Value(TAG_BREAK))


class SQLite:
    """One FTS5 table over the documents' bodies, kept by triggers: Porter stems English words
    (and only English ones); bm25 and snippet()."""

    # A prefix (three letters or more: search.query.forms) costs FTS5 about what a word does
    # (read from the terms' own index in order, search/migrations/0004), and looking the whole
    # word up first would only make a search look twice.
    whole_word_first = False

    def _query(self, terms: list[Term]) -> str:
        typed = typing_index(terms)
        return " AND ".join(self._term(term, n == typed) for n, term in enumerate(terms))

    def _term(self, term: Term, typing: bool) -> str:
        ways = [
            '"' + " ".join(words) + '"' + ("*" if prefix else "")
            for words, prefix in forms(term, typing=typing)
        ]
        return "(" + " OR ".join(ways) + ")"

    def matching(self, documents: QuerySet, terms: list[Term]) -> QuerySet:
        found = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
        return documents.filter(pk__in=RawSQL(found, [self._query(terms)]))

    def ranked(self, documents: QuerySet, terms: list[Term], limit: int) -> list[Match]:
        found = list(self.matching(documents, terms).values_list("pk", "work_id")[:limit])
        ranks = self._ranks([pk for pk, _ in found], terms) if found else {}
        return [(pk, work_id, ranks[pk]) for pk, work_id in found]

    def _ranks(self, ids: list[int], terms: list[Term]) -> dict[int, float]:
        """bm25, over every match, kept for `ids` here: FTS5 answers `rowid IN (…)` by running
        the query once per id, which took seconds for a thousand of them."""
        ranks = dict.fromkeys(ids, 0.0)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, -bm25(search_fts) FROM search_fts WHERE search_fts MATCH %s",
                [self._query(terms)],
            )
            for pk, rank in cursor.fetchall():
                if pk in ranks:
                    ranks[pk] = rank
        return ranks

    def snippet(self, terms: list[Term]) -> Expression:
        return RawSQL(
            "SELECT snippet(search_fts, 0, %s, %s, '…', %s) FROM search_fts "
            f"WHERE search_fts MATCH %s AND rowid = {SearchDocument._meta.db_table}.id",
            [MARK_START, MARK_STOP, SNIPPET_WORDS, self._query(terms)],
            output_field=TextField(),
        )


def current(configs: Collection[str] | None = None) -> Postgres | SQLite:
    """The backend of the database in use. On PostgreSQL a term is looked up stemmed each way
    of `configs`: by default those of the library's languages (search.outline)."""
    if connection.vendor == "postgresql":
        return Postgres(library_outline().configs if configs is None else configs)
    return SQLite()
