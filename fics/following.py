"""Fetching a story by its address with FanFicFare, as an EPUB the importer reads like an upload.

FanFicFare (https://github.com/JimmXinu/FanFicFare) knows each site's pages, its throttling
(`slow_down_sleep_time`) and its options; we never scrape a site ourselves. Its defaults apply,
then the administrator's own personal.ini (settings.FANFICFARE_INI) for per-site options, then
what only the reader may decide for one fetch: that they are an adult where the site asks.

No login is taken: a story behind one is refused with a message, as Marginalia keeps no one's
site passwords.
"""

import io
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import fanficfare
from django.conf import settings
from fanficfare import adapters, exceptions, writers
from fanficfare.configurable import Configuration
from fanficfare.epubutils import get_update_data

logger = logging.getLogger(__name__)
# FanFicFare sets its own logger to DEBUG as it is imported: a worker's log wants its warnings only.
logging.getLogger("fanficfare").setLevel(logging.WARNING)

_DEFAULTS_INI = Path(fanficfare.__file__).with_name("defaults.ini")

# (chapters fetched, chapters in all), told after each chapter.
Progress = Callable[[int, int], None]


class FetchError(Exception):
    """Why a story could not be fetched, in words for the reader; nothing was imported."""


@dataclass(frozen=True)
class StoryInfo:
    """What a site's index page says of a story, before any chapter is fetched."""

    url: str
    site: str
    title: str
    chapter_count: int
    # The site's "last updated" date as FanFicFare reads it ("" where the site gives none).
    updated: str


@dataclass(frozen=True)
class FetchedStory:
    info: StoryInfo
    filename: str
    epub: bytes

    @property
    def source_format(self) -> str:
        return source_format(self.info.site)


def source_format(site: str) -> str:
    """How an import report names where the work came from."""
    return f"FanFicFare: {site}"


def story_info(url: str, *, is_adult: bool = False) -> StoryInfo:
    """The story's title, chapter count and last update, from its index page alone."""
    with _failures_explained(url):
        return _info(_adapter(url, is_adult=is_adult)[1])


def fetch_story(
    url: str,
    *,
    is_adult: bool = False,
    progress: Progress | None = None,
    previous: bytes | None = None,
) -> FetchedStory:
    """Every chapter of the story, written as FanFicFare's EPUB. A chapter that fails stops the
    whole fetch: a work is never imported with chapters missing.

    Given the EPUB of the previous fetch, only the chapters it lacks are fetched, as FanFicFare
    updates an EPUB of its own."""
    with _failures_explained(url):
        configuration, adapter = _adapter(url, is_adult=is_adult)
        info = _info(adapter)
        if previous:
            _reuse_chapters(adapter, previous)
        fetched = 0

        def chapter_done(_share: float, _url: str) -> None:
            nonlocal fetched
            fetched += 1
            if progress:
                progress(fetched, info.chapter_count)

        if progress:
            progress(0, info.chapter_count)
        adapter.getStory(notification=chapter_done)
        writer = writers.getWriter("epub", configuration, adapter)
        output = io.BytesIO()
        writer.writeStory(outstream=output)
        return FetchedStory(info, Path(writer.getOutputFileName()).name, output.getvalue())


def _reuse_chapters(adapter, previous: bytes) -> None:
    """What FanFicFare's command line does with --update: the chapters it already has are taken
    from the EPUB, by their address on the site, and not fetched again."""
    (
        _url,
        _count,
        adapter.oldchapters,
        adapter.oldimgs,
        adapter.oldcover,
        adapter.calibrebookmark,
        adapter.logfile,
        adapter.oldchaptersmap,
        adapter.oldchaptersdata,
    ) = get_update_data(io.BytesIO(previous))[0:9]


def _adapter(url: str, *, is_adult: bool):
    url = url.strip()
    try:
        sections = adapters.getConfigSectionsFor(url)
    except exceptions.UnknownSite as error:
        raise FetchError(_unknown_site(url, error)) from None
    configuration = Configuration(sections, "epub")
    configuration.read([str(_DEFAULTS_INI), *filter(None, [settings.FANFICFARE_INI])])
    if not configuration.has_section("overrides"):
        configuration.add_section("overrides")
    overrides = {
        "is_adult": "true" if is_adult else "false",
        # Marginalia shows no pictures and keeps no cover: fetching them would only cost time.
        "include_images": "false",
        "never_make_cover": "true",
        "continue_on_chapter_error": "false",
        # A chapter's title stays its title: Marginalia marks no "(new)" in it.
        "mark_new_chapters": "false",
    }
    for option, value in overrides.items():
        configuration.set("overrides", option, value)
    try:
        adapter = adapters.getAdapter(configuration, url)
    except exceptions.InvalidStoryURL:
        raise
    except Exception as error:
        # Some adapters read the address's parts before checking it, and fail as they do.
        raise FetchError(f"{url} is not the address of a story on that site") from error
    adapter.is_adult = is_adult
    return configuration, adapter


def _info(adapter) -> StoryInfo:
    story = adapter.getStoryMetadataOnly()
    return StoryInfo(
        url=story.getMetadata("storyUrl") or adapter.url,
        site=adapter.getSiteDomain(),
        title=story.getMetadata("title"),
        chapter_count=story.getChapterCount(),
        updated=story.getMetadata("dateUpdated") or "",
    )


def _unknown_site(url: str, error: exceptions.UnknownSite) -> str:
    if not url.startswith(("http://", "https://")):
        return f"“{url}” is not a web address (it should begin with https://)"
    return f"FanFicFare does not support this site ({error.url}); see its list of supported sites"


@contextmanager
def _failures_explained(url: str) -> Iterator[None]:
    """FanFicFare's exceptions (and the network's) as FetchError, with words for the reader."""
    try:
        yield
    except FetchError:
        raise
    except Exception as error:
        logger.info("fetching %s failed: %r", url, error)
        raise FetchError(_explain(url, error)) from error


def _explain(url: str, error: Exception) -> str:
    if isinstance(error, exceptions.AdultCheckRequired):
        return (
            "the site marks this story for adults: tick “I am an adult and want adult content” "
            "and add it again"
        )
    if isinstance(error, exceptions.FailedToLogin | exceptions.NeedTimedOneTimePassword):
        return "the site asks for a login to read this story; Marginalia does not take passwords"
    if isinstance(error, exceptions.StoryDoesNotExist):
        return f"the site has no story at {url}"
    if isinstance(error, exceptions.InvalidStoryURL):
        return f"{url} is not the address of a story on that site (for example {error.example})"
    if isinstance(error, exceptions.AccessDenied):
        return f"the site refused access to the story ({error})"
    if isinstance(error, exceptions.UnknownSite):
        return _unknown_site(url, error)
    if isinstance(error, exceptions.FailedToDownload | exceptions.HTTPErrorFFF | OSError):
        return f"the download failed part-way ({error}); nothing was imported"
    # A site that changed its pages trips its adapter in ways of its own.
    return f"FanFicFare could not read the story ({type(error).__name__}: {error})"
