"""The library's filters: a work's tags as WorkFacet rows, and their counts over a set of works.

The rows repeat what the work's own fields say (fandom, rating, the JSON lists), kept in step by
`work_facets_sync` wherever those fields are written (fics.importing, fics.views.work_edit):
counting tags over ten thousand works is then one grouped query on an index.
"""

from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from fics.models import Work, WorkFacet

Kind = WorkFacet.Kind
# The query parameter of each kind, in the order the library shows them.
PARAMETERS = {
    "fandom": Kind.FANDOM,
    "rating": Kind.RATING,
    "warning": Kind.WARNING,
    "relationship": Kind.RELATIONSHIP,
    "character": Kind.CHARACTER,
    "tag": Kind.TAG,
    "language": Kind.LANGUAGE,
    "status": Kind.STATUS,
}
# As AO3 does: the most frequent tags of each kind among the works shown.
SHOWN_PER_KIND = 10
_MAX_VALUE = WorkFacet._meta.get_field("value").max_length
COMPLETE, IN_PROGRESS = "Complete", "In progress"


def work_facet_values(work: Work) -> set[tuple[str, str]]:
    """(kind, value) for every tag the work's fields hold."""
    values: set[tuple[str, str]] = set()

    def add(kind: str, names) -> None:
        for name in names:
            if name := name.strip()[:_MAX_VALUE]:
                values.add((kind, name))

    # Files join several fandoms into one field with commas (fics.parser.formats.ao3_tags).
    add(Kind.FANDOM, work.fandom.split(","))
    add(Kind.RATING, [work.rating])
    add(Kind.WARNING, work.warnings)
    add(Kind.RELATIONSHIP, work.relationships)
    add(Kind.CHARACTER, work.characters)
    add(Kind.TAG, work.additional_tags)
    add(Kind.LANGUAGE, [work.language])
    if work.complete is not None:
        add(Kind.STATUS, [COMPLETE if work.complete else IN_PROGRESS])
    return values


def work_facets_sync(work: Work) -> None:
    """Make the work's facet rows say what its fields say, writing only the difference."""
    wanted = work_facet_values(work)
    stored = {(f.kind, f.value): f.pk for f in WorkFacet.objects.filter(work=work)}
    if gone := [pk for key, pk in stored.items() if key not in wanted]:
        WorkFacet.objects.filter(pk__in=gone).delete()
    WorkFacet.objects.bulk_create(
        WorkFacet(work=work, kind=kind, value=value)
        for kind, value in sorted(wanted - stored.keys())
    )


def filter_by_facets(works: QuerySet, chosen: list[tuple[str, str]]) -> QuerySet:
    """The works that carry every chosen tag, as AO3's "include" filters do."""
    for kind, value in chosen:
        works = works.filter(pk__in=WorkFacet.objects.filter(kind=kind, value=value).values("work"))
    return works


@dataclass(frozen=True)
class FacetCount:
    kind: str
    value: str
    count: int
    chosen: bool = False


@dataclass(frozen=True)
class FacetList:
    """The tags of one kind that the library lists, and how many there are in all."""

    counts: list[FacetCount]
    # Different tags of this kind among the works: more than listed when cut to the top ones.
    values: int

    @property
    def hidden(self) -> int:
        return max(0, self.values - len(self.counts))

    @property
    def more_than_the_top(self) -> bool:
        return self.values > SHOWN_PER_KIND


def facet_counts(
    works: QuerySet | None,
    chosen: list[tuple[str, str]],
    total: int,
    whole: frozenset[str] = frozenset(),
) -> dict[str, FacetList]:
    """Kind → its most frequent tags among `works` (`total` of them; None: the whole library)
    with how many carry each; every tag of the kinds in `whole`, most frequent first. A chosen
    tag is always listed, so that it can be unticked (all `total` works carry it). One query,
    and one more for the kinds listed whole."""
    rows = WorkFacet.objects.all()
    if works is not None:
        # Left out for the whole library: SQLite would look up each work's rows one by one.
        rows = rows.filter(work__in=works.order_by().values("pk"))
    grouped = rows.values("kind", "value").annotate(count=Count("work"))
    top = (
        grouped.annotate(
            rank=Window(RowNumber(), partition_by=F("kind"), order_by=[F("count").desc(), "value"]),
            kind_values=Window(Count("kind"), partition_by=F("kind")),
        )
        .filter(rank__lte=SHOWN_PER_KIND)
        .order_by("kind", "rank")
    )
    counted: dict[str, list[dict]] = {kind: [] for kind in PARAMETERS.values()}
    values: dict[str, int] = {}
    for row in top:
        if row["kind"] not in whole:
            counted[row["kind"]].append(row)
        values[row["kind"]] = row["kind_values"]
    if whole:
        for row in grouped.filter(kind__in=whole).order_by("kind", "-count", "value"):
            counted[row["kind"]].append(row)
    chosen_set = set(chosen)
    by_kind: dict[str, FacetList] = {}
    for kind, kind_rows in counted.items():
        counts = [
            FacetCount(kind, row["value"], row["count"], (kind, row["value"]) in chosen_set)
            for row in kind_rows
        ]
        listed = {facet.value for facet in counts}
        counts += [
            FacetCount(kind, value, total, True)
            for chosen_kind, value in chosen
            if chosen_kind == kind and value not in listed
        ]
        by_kind[kind] = FacetList(counts, values.get(kind, 0))
    return by_kind
