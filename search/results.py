"""A reader's search: the matching documents they may see, grouped by work, one page of them
with snippets. The matching itself is search.backends'."""

import re
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from annotations.models import Annotation, Tag, spoiler_hidden
from fics.models import Work
from groups.models import Membership
from search import backends
from search.models import SearchDocument
from search.query import Term, parse, snippet_html, typing_index, unprepare

# Matches looked at per search, whatever the library's size: ranking every paragraph that
# holds a common word would take seconds over millions of them; a page shows a few dozen.
CANDIDATES = 500
WORKS_PER_PAGE = 10
HITS_PER_WORK = 3
HITS_PER_PAGE = 20
_SEGMENT = re.compile(r"(nb|p|na)(\d+)")
_SEGMENT_ORDER = {"nb": 0, "p": 1, "na": 2}


class Scope:
    ALL, TEXT, MINE = "all", "text", "mine"
    CHOICES = [(ALL, "Everything"), (TEXT, "Story text"), (MINE, "My annotations")]


@dataclass
class Hit:
    document: SearchDocument
    rank: float
    snippet: str

    @property
    def url(self) -> str:
        doc = self.document
        if doc.chapter is None:
            return doc.work.get_absolute_url()
        chapter = reverse("chapter", args=[doc.work_id, doc.chapter.position])
        if doc.annotation_id:
            return f"{chapter}?highlight={doc.annotation_id}#{doc.segment}"
        return f"{chapter}#{doc.segment}" if doc.segment else chapter

    @property
    def place(self) -> str:
        """Where in the chapter: "¶ 12", or the author's notes."""
        match = _SEGMENT.fullmatch(self.document.segment)
        if not match:
            return ""
        return f"¶ {match[2]}" if match[1] == "p" else "Author's note"

    @property
    def reading_order(self) -> tuple:
        doc = self.document
        position = doc.chapter.position if doc.chapter else None
        return _reading_order(position, doc.segment, doc.kind, doc.pk)


@dataclass
class WorkHits:
    work: Work
    hits: list[Hit]
    # How many matches the work holds among those looked at.
    matches: int


@dataclass
class Results:
    groups: list[WorkHits] = field(default_factory=list)
    page: Page | None = None
    matches: int = 0
    # More matched than were looked at: the reader may narrow the search.
    capped: bool = False


def find(
    *,
    reader,
    text: str,
    work: Work | None = None,
    scope: str = Scope.ALL,
    tag: Tag | None = None,
    fandom: str = "",
    page: str | None = None,
    backend: backends.Postgres | backends.SQLite | None = None,
) -> Results:
    """What `reader` may see that holds every term of `text`: the library's text, their own
    annotations and those others shared with everyone or with a group of theirs (the rule of
    Annotation.objects.visible_to). One page: works by their best match, a few matches each;
    within one work (`work` given), its matches in reading order. `backend`: the database's
    (search.backends.current()) unless given."""
    terms = parse(text)
    if not terms:
        return Results()
    # A subquery, not a join: joined, the annotations made PostgreSQL walk both tables in id
    # order, testing each document against the terms (300 ms for a word in 0.1 % of them).
    in_my_groups = Q(
        annotation__in=Annotation.objects.filter(
            group__in=Membership.objects.group_ids_of(reader), hidden_at__isnull=True
        ).values("pk")
    )
    # Others' spoilers of chapters the reader has not read past are not found at all: a
    # snippet of their note, or their words, would give them away. A subquery too, over the
    # few annotations marked spoiler (an index of their own).
    hidden_spoilers = Annotation.objects.filter(spoiler_hidden(reader)).values("pk")
    # Works still being imported are found once they are whole (fics.staging): the few of
    # them have an index of their own. NOT EXISTS, not NOT IN: PostgreSQL guesses that NOT IN
    # a subquery drops half the rows, and so read a common word's matches through the index
    # (30 ms for a word in 5 % of the documents) where reading the table in order finds the
    # first 500 sooner (14 ms).
    staged = Work.with_staged.staged().filter(pk=OuterRef("work"))
    documents = (
        SearchDocument.objects.filter(
            Q(owner__isnull=True) | Q(owner=reader) | Q(shared=True) | in_my_groups
        )
        .exclude(annotation__in=hidden_spoilers)
        .filter(~Exists(staged))
    )
    if scope == Scope.TEXT:
        documents = documents.filter(owner__isnull=True)
    elif scope == Scope.MINE:
        documents = documents.filter(owner=reader)
    if tag is not None:
        documents = documents.filter(annotation__tags=tag)
    if work is not None:
        documents = documents.filter(work=work)
    if fandom:
        documents = documents.filter(work__fandom=fandom)
    backend = backend or backends.current()
    narrowed = scope == Scope.MINE or tag is not None or work is not None or bool(fandom)
    found = _ranked(backend, documents, terms, narrowed=narrowed)
    results = Results(matches=len(found), capped=len(found) == CANDIDATES)
    if work is not None:
        # Every match's place, to put them in reading order; only one page of them is drawn.
        ranks = {pk: rank for pk, _, rank in found}
        places = SearchDocument.objects.filter(pk__in=ranks).values_list(
            "chapter__position", "segment", "kind", "pk"
        )
        ordered = [place[-1] for place in sorted(places, key=lambda place: _reading_order(*place))]
        results.page = Paginator(ordered, HITS_PER_PAGE).get_page(page)
        shown = _hits([(pk, ranks[pk]) for pk in results.page], backend, terms)
        if shown:
            shown.sort(key=lambda hit: hit.reading_order)
            results.groups = [WorkHits(work, shown, len(found))]
        return results
    by_work: dict[int, list[tuple[int, float]]] = {}
    for pk, work_id, rank in found:
        by_work.setdefault(work_id, []).append((pk, rank))
    ranked = sorted(
        by_work.items(), key=lambda item: (-max(rank for _, rank in item[1]), -len(item[1]))
    )
    results.page = Paginator(ranked, WORKS_PER_PAGE).get_page(page)
    best = [
        match
        for _, matches in results.page
        for match in sorted(matches, key=lambda match: -match[1])[:HITS_PER_WORK]
    ]
    hits = _hits(best, backend, terms)
    for work_id, _ in results.page:
        shown = sorted(
            (hit for hit in hits if hit.document.work_id == work_id),
            key=lambda hit: hit.reading_order,
        )
        results.groups.append(WorkHits(shown[0].document.work, shown, len(by_work[work_id])))
    return results


def _ranked(backend, documents, terms: list[Term], *, narrowed: bool) -> list[backends.Match]:
    """The first CANDIDATES matches, ranked. Where a prefix costs the database more than a
    word (`whole_word_first`), the word being typed is looked up whole first (as if the reader
    had typed a space after it), and the words it begins fill the rest only when it falls
    short: its own documents come first. Not in a `narrowed` search (to one work, a tag, a
    fandom or the reader's annotations): it rarely has more matches than it looks at, and
    looking twice would double its time."""
    typed = typing_index(terms)
    if typed is None or narrowed or not backend.whole_word_first:
        return backend.ranked(documents, terms, CANDIDATES)
    finished = [*terms[:typed], Term(terms[typed].words, prefix=False)]
    found = backend.ranked(documents, finished, CANDIDATES)
    if len(found) < CANDIDATES:
        # Every match of the whole word `documents` holds is in `found`.
        others = documents.exclude(pk__in=[pk for pk, _, _ in found])
        found += backend.ranked(others, terms, CANDIDATES - len(found))
    return found


# What search.html shows of a hit's document, its work and its chapter: the works' tags and
# texts, and the chapters' notes, stay in the database.
SHOWN = ("kind", "work", "chapter", "annotation", "segment", "owner", "body")
SHOWN += ("work__title", "work__author", "chapter__title", "chapter__position")


def _hits(matches: list[tuple[int, float]], backend, terms) -> list[Hit]:
    """The documents of these (id, rank) matches, with their snippets."""
    ranks = dict(matches)
    documents = (
        SearchDocument.objects.filter(pk__in=ranks)
        .select_related("work", "chapter")
        .only(*SHOWN)
        .annotate(snippet=backend.snippet(terms))
    )
    return [Hit(document, ranks[document.pk], _snippet(document)) for document in documents]


def _snippet(document) -> str:
    if document.snippet is not None:
        return mark_safe(snippet_html(document.snippet))
    # Found by its stems alone where the database marks no word: its opening.
    return escape(" ".join(unprepare(document.body).split()[:40]))


def _reading_order(position: int | None, segment: str, kind: str, pk: int) -> tuple:
    """Where a document comes in its work: chapter by chapter, notes before the text."""
    match = _SEGMENT.fullmatch(segment)
    place = (_SEGMENT_ORDER[match[1]], int(match[2])) if match else (-1, 0)
    return (position or 0, *place, kind, pk)
