"""Drawing the chapter page, cached whole, and the fragments a write sends back (htmx
out-of-band swaps of exactly what changed).

A reader's page is cached as the bytes sent, under a key made of the chapter's version for them
(annotations.reading.chapter_version: its work's version and the fingerprint of every annotation
and tag they see there), how they read (filters, toggles) and their CSRF secret, whose masked
token the page carries. Invalidation is therefore never a delete that could race: any change
makes a new key. A page with a message to show (after a redirect), or for a browser with no CSRF
cookie yet, is drawn fresh and not kept.
"""

from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from annotations.anchoring import Span
from annotations.chapter_layout import AFTER, BEFORE, STORY
from annotations.chapter_source import TIMEOUT, block_html, cache_key, chapter_source
from annotations.models import Annotation, Colour, Reply, Tag
from annotations.reading import (
    AfterWrite,
    AnnotatedChapter,
    ChapterVersion,
    ReadingState,
    after_write,
    annotated_chapter,
)
from annotations.write_lookups import reader_tags
from fics.models import Chapter
from groups.models import ReadingGroup

TEMPLATE = "chapter.html"


def chapter_page(
    request: HttpRequest, state: ReadingState, version: ChapterVersion
) -> HttpResponse:
    """The chapter page for this reader: the bytes sent before when nothing they show changed."""
    # The header's badge is drawn from the version, so that the cached bytes match their key.
    request.groups_news = version.groups_news
    # Without a CSRF cookie the page gets a new secret: nobody would ask for that page again.
    if messages.get_messages(request) or settings.CSRF_COOKIE_NAME not in request.COOKIES:
        return _draw(request, state, _chapter(version))
    user = request.user
    key = cache_key(
        "chapter-page",
        version.key,
        state.cache_key(),
        (user.get_username(), user.is_staff),  # the site header shows them
        request.META["CSRF_COOKIE"],
    )
    if (body := cache.get(key)) is not None:
        return HttpResponse(body)
    response = _draw(request, state, _chapter(version))
    cache.set(key, response.content, TIMEOUT)
    return response


def _chapter(version: ChapterVersion) -> Chapter:
    return get_object_or_404(Chapter.objects.select_related("work"), pk=version.chapter_id)


def _draw(request: HttpRequest, state: ReadingState, chapter: Chapter) -> HttpResponse:
    work = chapter.work
    reading = annotated_chapter(state, chapter)
    # The picker needs every chapter's title; positions can have gaps once a removed chapter is
    # deleted, so neighbours go by index.
    toc = list(work.chapters.only("work_id", "position", "title"))
    index = next(i for i, entry in enumerate(toc) if entry.position == chapter.position)
    pager = {
        "work": work,
        "chapter": chapter,
        "toc": toc,
        "previous": toc[index - 1] if index > 0 else None,
        "next": toc[index + 1] if index + 1 < len(toc) else None,
    }
    context = {
        **_reading_context(reading, chapter),
        **_text_context(chapter, reading),
        "pager": _pager(request, pager, "Chapters"),
        "pager_end": _pager(request, pager, "Chapters, at the end"),
        "entries": entries_html(request, reading.annotations),
    }
    return render(request, TEMPLATE, context)


def _pager(request: HttpRequest, context: dict, label: str) -> str:
    return mark_safe(render_to_string("_chapter_pager.html", {**context, "label": label}, request))


def entries_html(request: HttpRequest, annotations: list[Annotation]) -> list[str]:
    """Each annotation's list entry, drawn once per version of it for this reader: the entry's
    delete form carries the reader's CSRF token, so their secret is part of the key."""
    keys = {
        annotation.pk: cache_key(
            "annotation-entry",
            annotation.pk,
            annotation.modified.isoformat(),
            # The same version is a marker for one who has not read past, a note after.
            annotation.spoiler_hidden,
            request.user.pk,
            request.META.get("CSRF_COOKIE"),
        )
        for annotation in annotations
    }
    drawn = cache.get_many(keys.values())
    missing = {}
    for annotation in annotations:
        if keys[annotation.pk] not in drawn:
            missing[keys[annotation.pk]] = entry_html(request, annotation)
    cache.set_many(missing, TIMEOUT)
    drawn |= missing
    return [mark_safe(drawn[keys[annotation.pk]]) for annotation in annotations]


def entry_html(request: HttpRequest, annotation: Annotation) -> str:
    _ready_to_list(request, annotation)
    context = {"annotation": annotation, "user": request.user}
    return render_to_string(f"{TEMPLATE}#annotation-entry", context, request)


def _ready_to_list(request: HttpRequest, annotation: Annotation) -> None:
    """What its list entry shows beyond its row: its tags, read once rather than once for each
    time the entry names them (a no-op for a page's list, prefetched), and its thread's count."""
    prefetch_related_objects([annotation], "tags")
    if not hasattr(annotation, "reply_count"):
        annotation.reply_count = Reply.objects.count_seen(annotation, request.user)


def chapter_text_html(
    request: HttpRequest, chapter: Chapter, reading: AnnotatedChapter, prefix: str = ""
) -> str:
    """The chapter's text with the reader's highlights, as one section of the entire work:
    `prefix` keeps its ids unique there."""
    context = _text_context(chapter, reading, prefix)
    return render_to_string(f"{TEMPLATE}#chapter-text", context, request)


def _text_context(chapter: Chapter, reading: AnnotatedChapter, prefix: str = "") -> dict:
    source, drawn = reading.source, reading.drawn
    return {
        "work": chapter.work,
        "chapter": chapter,
        "prefix": prefix,
        "before_html": mark_safe(source.blocks_html(drawn, BEFORE, prefix)),
        "story_html": mark_safe(source.blocks_html(drawn, STORY, prefix)),
        "after_html": mark_safe(source.blocks_html(drawn, AFTER, prefix)),
    }


def _reading_context(reading: AnnotatedChapter, chapter: Chapter) -> dict:
    return {
        "work": chapter.work,
        "chapter": chapter,
        "reading": reading,
        "count": len(reading.annotations),
        "orphans": reading.orphans,
        "colours": Colour.choices,
        "tag_kinds": Tag.Kind.choices,
        "tag_suggestions": tag_suggestions(chapter.work, reading.reader_tags),
        # The groups the reader may choose to show, and write for.
        "reader_groups": list(ReadingGroup.objects.filter(memberships__user=reading.state.reader)),
    }


def tag_suggestions(work, own_tags: list[Tag]) -> list[dict]:
    """The tag picker offers the work's characters first, then the reader's own tags."""
    known = {tag.name.casefold() for tag in own_tags}
    return [
        {"name": name, "kind": Tag.Kind.CHARACTER, "character": True}
        for name in work.picker_characters
        if name.casefold() not in known
    ] + [
        {"name": tag.name, "kind": tag.kind, "character": tag.kind == Tag.Kind.CHARACTER}
        for tag in own_tags
    ]


class Changes:
    """What a write changed on the page, answered as htmx out-of-band swaps: the redrawn
    paragraphs, then the panel's swaps, drawn in one go (templates/chapter.html#write-answer).

    `prefix` is the page's id prefix: "" on a chapter page, "c{position}-" on the entire work,
    which has no annotation panel and so gets only the redrawn text.
    """

    def __init__(self, request: HttpRequest, chapter: Chapter, prefix: str = ""):
        self.request = request
        self.chapter = chapter
        self.prefix = prefix
        self.state = ReadingState.of(request, chapter.work_id)
        self.spans: list[Span] = []
        self.panel = not prefix
        # The list entries to draw: (annotation, where it goes in the list), where "" replaces
        # the entry already there.
        self.entries: list[tuple[Annotation, str]] = []
        self.removed: list[str] = []  # ids of elements to take out
        self.orphan_list: list[Annotation] | None = None  # when that list is drawn again

    def redraw(self, *annotations: Annotation) -> "Changes":
        self.spans += [Span(a.start, a.end) for a in annotations]
        return self

    def insert(self, annotation: Annotation) -> "Changes":
        """Put the annotation's list entry in its place in reading order."""
        place = (annotation.start, annotation.end, annotation.pk)
        listed = self._after.listed
        if self.panel and place in listed:
            following = next((at[2] for at in listed if at > place), None)
            where = (
                f"beforebegin:#annotation-{following}"
                if following
                else "beforeend:#annotation-list"
            )
            self.entries.append((annotation, where))
        return self

    def replace(self, annotation: Annotation) -> "Changes":
        if self.panel:
            self.entries.append((annotation, ""))
        return self

    def orphans(self) -> "Changes":
        """The list of annotations whose words left the chapter, drawn again."""
        if self.panel:
            shown = self.state.shown(self.chapter).with_spoiler_hidden(self.state.reader)
            self.orphan_list = [a for a in shown if not a.is_in_place(self.source.text)]
        return self

    def remove(self, element_id: str) -> "Changes":
        if self.panel:
            self.removed.append(element_id)
        return self

    def response(self, *, undo: Annotation | None = None, tags_changed: bool = False):
        html = self._redrawn()
        if self.panel:
            for annotation, _ in self.entries:
                _ready_to_list(self.request, annotation)
            context = {
                "oob": True,
                "user": self.request.user,
                "work": self.chapter.work,
                "chapter": self.chapter,
                "count": len(self._after.listed),
                "undo": undo,
                "entries": self.entries,
                "orphans_changed": self.orphan_list is not None,
                "orphans": self.orphan_list,
                "removed": self.removed,
            }
            if tags_changed:
                context |= self._reader_tags()
            html += render_to_string(f"{TEMPLATE}#write-answer", context, self.request)
        return HttpResponse(html)

    def _redrawn(self) -> str:
        source = self.source
        blocks = {block.key: block for block in source.blocks}
        return "".join(
            block_html(blocks[key], inner, source.utf16[key], self.prefix, oob=True)
            for key, inner in self._after.drawn.items()
        )

    @cached_property
    def _after(self) -> AfterWrite:
        """The list's order and the redrawn blocks, read once every span to redraw is known."""
        return after_write(self.state, self.chapter, self.source, self.spans)

    @cached_property
    def source(self):
        return chapter_source(self.chapter)

    def _reader_tags(self) -> dict:
        """What the tag pickers and the filter are drawn from, after a write created tags."""
        tags = reader_tags(self.state.reader)
        return {
            "tags_changed": True,
            "reading": {"reader_tags": tags, "state": self.state},
            "tag_suggestions": tag_suggestions(self.chapter.work, tags),
            "colours": Colour.choices,
            "tag_kinds": Tag.Kind.choices,
        }
