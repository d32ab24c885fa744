"""Full-text matching, ranking and snippets: PostgreSQL's text search or SQLite's FTS5, chosen
by the database in use, behind one interface (`current()`): `matching` narrows a queryset of
SearchDocument to those holding every term; `ranks` scores a few of them (higher is better),
`snippets` marks their matched words with search.query.MARK_START/MARK_STOP.

Every term matches two ways, stemmed (a search for "walked" finds "walking") and as typed,
unstemmed, as a prefix: stemming cuts "walki" to a stem that "walking" does not share, and the
box searches as the reader types.
"""

from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace

from fics.models import Work
from search.models import SearchDocument
from search.query import MARK_START, MARK_STOP, Term, stemming_config

SNIPPET_WORDS = 24
TAG_BREAK = "<\u200b"


class Postgres:
    """One tsvector per document (a trigger fills it: the words stemmed by the work's language,
    then as written), one GIN index, ts_rank and ts_headline."""

    def __init__(self, configs: set[str]):
        self.configs = sorted(configs - {"simple"})

    def query(self, terms: list[Term]) -> SearchQuery:
        return reduce(and_, (self._term(term) for term in terms))

    def _term(self, term: Term) -> SearchQuery:
        words = [f"'{word}'" for word in term.words]
        phrase = " <-> ".join(words)
        typed = phrase + ":*" if term.prefix else phrase
        ways = [SearchQuery(phrase, config=config, search_type="raw") for config in self.configs]
        ways.append(SearchQuery(typed, config="simple", search_type="raw"))
        return reduce(or_, ways)

    def matching(self, documents: QuerySet, terms: list[Term]) -> QuerySet:
        return documents.filter(vector=self.query(terms))

    def ranks(self, ids: list[int], terms: list[Term]) -> dict[int, float]:
        rank = SearchRank(F("vector"), self.query(terms))
        rows = SearchDocument.objects.filter(pk__in=ids).annotate(rank=rank)
        return dict(rows.values_list("pk", "rank"))

    def snippets(self, ids: list[int], terms: list[Term]) -> dict[int, str]:
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
        rows = SearchDocument.objects.filter(pk__in=ids).annotate(snippet=headline)
        return {
            pk: snippet.replace(TAG_BREAK, "<") for pk, snippet in rows.values_list("pk", "snippet")
        }


def searched_text() -> Replace:
    """The body as the vector trigger reads it (search/migrations/0001_search_index.py)."""
    return Replace(F("body"), Value("<"), Value(TAG_BREAK))


class SQLite:
    """Two FTS5 tables over the documents' bodies (triggers keep them): `search_stemmed`
    (Porter, which stems English only) and `search_plain` (words as written, for prefixes)."""

    def _stemmed(self, term: Term) -> str:
        return '"' + " ".join(term.words) + '"'

    def _plain(self, term: Term) -> str:
        return self._stemmed(term) + ("*" if term.prefix else "")

    def matching(self, documents: QuerySet, terms: list[Term]) -> QuerySet:
        for term in terms:
            either = (
                "SELECT rowid FROM search_stemmed WHERE search_stemmed MATCH %s "
                "UNION SELECT rowid FROM search_plain WHERE search_plain MATCH %s"
            )
            documents = documents.filter(
                pk__in=RawSQL(either, [self._stemmed(term), self._plain(term)])
            )
        return documents

    def ranks(self, ids: list[int], terms: list[Term]) -> dict[int, float]:
        """bm25 of the words as typed; a document only their stems found ranks after them.

        Over every match, kept for `ids` here: FTS5 answers `rowid IN (…)` by running the
        query once per id, which took seconds for a thousand of them."""
        query = " OR ".join(self._plain(term) for term in terms)
        ranks = dict.fromkeys(ids, 0.0)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, -bm25(search_plain) FROM search_plain WHERE search_plain MATCH %s",
                [query],
            )
            for pk, rank in cursor.fetchall():
                if pk in ranks:
                    ranks[pk] = rank
        return ranks

    def snippets(self, ids: list[int], terms: list[Term]) -> dict[int, str]:
        found: dict[int, str] = {}
        for table, query in (
            ("search_plain", " OR ".join(self._plain(term) for term in terms)),
            ("search_stemmed", " OR ".join(self._stemmed(term) for term in terms)),
        ):
            wanted = [pk for pk in ids if pk not in found]
            if not wanted:
                break
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT rowid, snippet({table}, 0, %s, %s, '…', %s) FROM {table} "
                    f"WHERE {table} MATCH %s AND rowid IN ({', '.join(['%s'] * len(wanted))})",
                    [MARK_START, MARK_STOP, SNIPPET_WORDS, query, *wanted],
                )
                found.update(cursor.fetchall())
        return found


def current() -> Postgres | SQLite:
    if connection.vendor == "postgresql":
        return Postgres(_configs_in_use())
    return SQLite()


def _configs_in_use() -> set[str]:
    """The stemming configurations of the library's languages: a term is looked up stemmed
    each of these ways (a handful of works' languages, read from the works, not the index)."""
    languages = Work.objects.order_by().values_list("language", flat=True).distinct()
    return {stemming_config(language) for language in languages}
