"""What a search needs to know of the whole library: the stemming configurations of its works'
languages (a term is looked up stemmed each of these ways) and its fandoms (the filter's
choices). Reading them took two scans of the works per search (12 ms of 10,000 works): they are
kept in the cache under the library's version instead, which one index-only scan tells."""

from dataclasses import dataclass

from django.core.cache import cache

from fics.library import VERSIONED_TIMEOUT, library_version
from fics.models import Work
from search.query import stemming_config


@dataclass(frozen=True)
class LibraryOutline:
    configs: frozenset[str]
    fandoms: tuple[str, ...]


def library_outline() -> LibraryOutline:
    version = library_version()
    key = f"search-outline:{version.works}:{version.saved.isoformat() if version.saved else ''}"
    return cache.get_or_set(key, _read_outline, VERSIONED_TIMEOUT)


def _read_outline() -> LibraryOutline:
    works = Work.objects.order_by()
    languages = works.values_list("language", flat=True).distinct()
    fandoms = works.exclude(fandom="").order_by("fandom").values_list("fandom", flat=True)
    return LibraryOutline(
        configs=frozenset({stemming_config(language) for language in languages} or {"simple"}),
        fandoms=tuple(fandoms.distinct()),
    )
