"""What the library page shows: the works a reader's query picks, in the order they asked for,
with the tag counts (facets) of those works. Read from the GET query, so that every view of the
library is a link, with or without JavaScript."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple
from urllib.parse import quote, urlencode

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.http import QueryDict
from django.urls import reverse

from fics.facets import PARAMETERS, FacetList, facet_counts, filter_by_facets
from fics.models import Chapter, ReadingPosition, Work

# Each sort but "read" is backed by an index (fics.models.Work.Meta.indexes).
SORTS = {
    "title": ("Title", ("title", "pk")),
    "read": ("Recently read", ()),
    "updated": ("Recently updated", ("-updated", "-pk")),
    "recent": ("Recently added", ("-created", "-pk")),
    "author": ("Author", ("author", "title", "pk")),
    "words": ("Words", ("-word_count", "-pk")),
}
READING = {"begun": "Begun", "unread": "Not begun"}
# What a row of the list shows (a work's summary, notes and tag lists stay in the database).
LISTED = ("title", "untitled", "source_name", "author", "fandom", "word_count", "chapter_count")
LISTED += ("imported_by", "created", "updated")
# What is kept under the library's version (the facets, search.outline) changes key when the
# library does: this only bounds the memory it takes.
VERSIONED_TIMEOUT = 24 * 60 * 60


class LibraryVersion(NamedTuple):
    """Changes whenever a work is added, deleted or saved (imports and edits save the work, and
    its tags with it)."""

    works: int
    saved: datetime | None


def library_version() -> LibraryVersion:
    """How many works there are, and the last time one was saved: one query, of an index
    (fics.models.Work.Meta.indexes: counting "pk" would read the table for its ids)."""
    return LibraryVersion(**Work.objects.aggregate(works=Count("*"), saved=Max("updated")))


@dataclass(frozen=True)
class Facet:
    """One kind of tag as the library's filters show it."""

    parameter: str
    label: str
    listed: FacetList
    # Every tag of the kind is listed (`?more=<parameter>`), not only the most frequent ones.
    whole: bool
    # The library with this kind listed whole, or cut back to its most frequent tags.
    toggle_url: str


@dataclass(frozen=True)
class LibraryQuery:
    text: str = ""
    sort: str = "title"
    # (kind, value) of each tag every work shown must carry.
    chosen: tuple[tuple[str, str], ...] = ()
    annotated: bool = False
    # "begun" or "unread": whether the reader has opened the work.
    reading: str = ""
    # The parameters of the kinds whose every tag is listed, not only the most frequent.
    whole: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query: QueryDict) -> "LibraryQuery":
        sort = query.get("sort", "title")
        reading = query.get("reading", "")
        chosen = tuple(
            (kind, value)
            for parameter, kind in PARAMETERS.items()
            for value in dict.fromkeys(query.getlist(parameter))
            if value
        )
        return cls(
            text=query.get("q", "").strip(),
            sort=sort if sort in SORTS else "title",
            chosen=chosen,
            annotated=query.get("annotated") == "1",
            reading=reading if reading in READING else "",
            whole=tuple(sorted(set(query.getlist("more")) & PARAMETERS.keys())),
        )

    def url(self, whole: tuple[str, ...]) -> str:
        """The library showing this query, with the kinds in `whole` listed whole: built from
        the query, not from the request, as the facets that carry it are shared by readers."""
        kinds = {kind: parameter for parameter, kind in PARAMETERS.items()}
        pairs = [("q", self.text)] if self.text else []
        pairs += [("sort", self.sort)] if self.sort != "title" else []
        pairs += [(kinds[kind], value) for kind, value in self.chosen]
        pairs += [("annotated", "1")] if self.annotated else []
        pairs += [("reading", self.reading)] if self.reading else []
        pairs += [("more", parameter) for parameter in whole]
        query = urlencode(pairs, quote_via=quote)
        return f"{reverse('library')}?{query}" if query else reverse("library")

    @property
    def filtered(self) -> bool:
        return bool(self.text or self.chosen or self.annotated or self.reading)

    @property
    def facets_shared(self) -> bool:
        """Whether the facets drawn for this query are the same for every reader: not when they
        count the reader's own reading or annotations."""
        return not (self.annotated or self.reading)

    def works(self, reader) -> QuerySet:
        """The works shown, unordered."""
        works = filter_by_facets(Work.objects.only(*LISTED), list(self.chosen))
        if self.text:
            works = works.filter(Q(title__icontains=self.text) | Q(author__icontains=self.text))
        if self.annotated:
            # Through the reverse relation's name: the library knows no annotation model.
            mine = Chapter.objects.filter(
                work=OuterRef("pk"),
                annotations__owner=reader,
                annotations__deleted_at__isnull=True,
            )
            works = works.filter(Exists(mine))
        if self.reading:
            begun = Exists(ReadingPosition.objects.filter(reader=reader, work=OuterRef("pk")))
            works = works.filter(begun if self.reading == "begun" else ~begun)
        return works

    def ordered(self, works: QuerySet, reader) -> QuerySet:
        if self.sort != "read":
            return works.order_by(*SORTS[self.sort][1])
        last_read = ReadingPosition.objects.filter(reader=reader, work=OuterRef("pk")).values(
            "updated"
        )
        return works.annotate(last_read=Subquery(last_read[:1])).order_by(
            F("last_read").desc(nulls_last=True), "title", "pk"
        )

    def facets(self, works: QuerySet, total: int) -> list[Facet]:
        """The filters of each kind with anything to offer."""
        whole = frozenset(PARAMETERS[parameter] for parameter in self.whole)
        counts = facet_counts(works if self.filtered else None, list(self.chosen), total, whole)
        return [
            Facet(
                parameter,
                kind.label,
                counts[kind],
                parameter in self.whole,
                self.url(tuple(sorted(set(self.whole) ^ {parameter}))),
            )
            for parameter, kind in PARAMETERS.items()
            if counts[kind].counts
        ]

    def facets_cache_key(self, version: LibraryVersion, total: int) -> str:
        """Where the facets drawn for this query are kept, when they are shared: the same for
        every reader until a work is added, changed or deleted."""
        key = (tuple(version), self.text, self.chosen, self.sort, self.whole, total)
        return f"library-facets:{hashlib.sha256(repr(key).encode()).hexdigest()}"
