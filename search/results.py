"""A reader's search: the matching documents they may see, grouped by work, one page of them
with snippets. The matching itself is search.backends'."""

import re
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from annotations.models import Annotation, Tag, spoiler_hidden
from fics.models import Work
from groups.models import Membership
from search import backends
from search.models import SearchDocument
from search.query import parse, snippet_html, unprepare

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
    snippet: str = ""

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
        match = _SEGMENT.fullmatch(doc.segment)
        place = (_SEGMENT_ORDER[match[1]], int(match[2])) if match else (-1, 0)
        return (doc.chapter.position if doc.chapter else 0, *place, doc.kind, doc.pk)


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
    documents = SearchDocument.objects.filter(
        Q(owner__isnull=True) | Q(owner=reader) | Q(shared=True) | in_my_groups
    ).exclude(annotation__in=hidden_spoilers)
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
    found = backend.ranked(documents, terms, CANDIDATES)
    by_work: dict[int, list[tuple[int, float]]] = {}
    for pk, work_id, rank in found:
        by_work.setdefault(work_id, []).append((pk, rank))
    results = Results(matches=len(found), capped=len(found) == CANDIDATES)
    if work is not None:
        hits = _hits([(pk, rank) for pk, _, rank in found])
        hits.sort(key=lambda hit: hit.reading_order)
        results.page = Paginator(hits, HITS_PER_PAGE).get_page(page)
        shown = list(results.page)
        if shown:
            results.groups = [WorkHits(work, shown, len(found))]
    else:
        ranked = sorted(
            by_work.items(), key=lambda item: (-max(rank for _, rank in item[1]), -len(item[1]))
        )
        results.page = Paginator(ranked, WORKS_PER_PAGE).get_page(page)
        best = {
            work_id: sorted(matches, key=lambda match: -match[1])[:HITS_PER_WORK]
            for work_id, matches in results.page
        }
        hits = _hits([match for matches in best.values() for match in matches])
        for work_id, _ in results.page:
            shown = sorted(
                (hit for hit in hits if hit.document.work_id == work_id),
                key=lambda hit: hit.reading_order,
            )
            results.groups.append(WorkHits(shown[0].document.work, shown, len(by_work[work_id])))
    _add_snippets([hit for group in results.groups for hit in group.hits], backend, terms)
    return results


def _hits(matches: list[tuple[int, float]]) -> list[Hit]:
    ranks = dict(matches)
    documents = SearchDocument.objects.filter(pk__in=ranks).select_related("work", "chapter")
    return [Hit(document, ranks[document.pk]) for document in documents]


def _add_snippets(hits: list[Hit], backend, terms) -> None:
    marked = backend.snippets([hit.document.pk for hit in hits], terms)
    for hit in hits:
        if hit.document.pk in marked:
            hit.snippet = mark_safe(snippet_html(marked[hit.document.pk]))
        else:
            # Found by its stems alone where the database marks no word: its opening.
            hit.snippet = escape(" ".join(unprepare(hit.document.body).split()[:40]))
