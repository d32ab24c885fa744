"""The reading pages: a chapter, and the entire work, with the reader's highlights on them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from annotations.chapter_page import chapter_page, chapter_text_html, tag_suggestions
from annotations.models import Annotation, Colour, Tag
from annotations.reading import (
    ALL,
    COLOUR_BY_TAG,
    MINE,
    READING_VIEWS,
    ReadingState,
    annotated_chapter,
    chapter_version,
)
from fics.http import wants_fragment
from fics.models import Chapter, ReadingPosition, Work
from fics.progress import chapter_visit, place_of, progress_visit
from groups.models import ReadingGroup

# How many chapters the entire-work page sends at a time; the next ones load as the reader
# scrolls towards them (or follows the link at the end without JavaScript).
CHAPTERS_PER_PART = 3


@require_GET
@login_required
def chapter_detail(request: HttpRequest, work_pk: int, position: int) -> HttpResponse:
    state = ReadingState.of(request, work_pk)
    version = chapter_version(state, work_pk, position)
    # Opening a chapter makes it the reader's place, with or without JavaScript; outside the
    # cached page, which is the same for every visit.
    progress_visit(reader=request.user, visit=version.visit)
    return chapter_page(request, state, version)


@require_GET
@login_required
def work_full(request: HttpRequest, pk: int) -> HttpResponse:
    """The entire work, a few chapters at a time: `?from=N` starts at the N-th chapter.

    The reader's place is saved as they scroll (static/js/reading-progress.js, as on a chapter
    page). Opening the page at a chapter (`?from=N`: the link at the end of a part without
    JavaScript, or the "Continue" line) is opening that chapter, and records the visit as the
    chapter page does; opening it at the top records nothing, nor do the parts htmx loads as
    the reader scrolls, which the scrolling itself records."""
    work = get_object_or_404(Work, pk=pk)
    try:
        start = max(1, int(request.GET.get("from", "1")))
    except ValueError:
        start = 1
    # One more than shown, to know where the next part starts.
    chapters = list(
        work.chapters.select_related("work").filter(position__gte=start)[: CHAPTERS_PER_PART + 1]
    )
    shown, rest = chapters[:CHAPTERS_PER_PART], chapters[CHAPTERS_PER_PART:]
    fragment = wants_fragment(request)
    opened_at_a_chapter = shown and "from" in request.GET and not fragment
    if opened_at_a_chapter and (
        visit := chapter_visit(reader=request.user, work_pk=work.pk, position=shown[0].position)
    ):
        progress_visit(reader=request.user, visit=visit)
    state = ReadingState.of(request, work.pk)
    sections = [
        (
            chapter,
            chapter_text_html(
                request, chapter, annotated_chapter(state, chapter), section_prefix(chapter)
            ),
        )
        for chapter in shown
    ]
    context = {
        "work": work,
        "sections": sections,
        "next_part": rest[0].position if rest else None,
        "colours": Colour.choices,
        "tag_kinds": Tag.Kind.choices,
        "tag_suggestions": tag_suggestions(work, list(Tag.objects.filter(owner=request.user))),
        "reader_groups": ReadingGroup.objects.filter(memberships__user=request.user),
    }
    if fragment:
        return render(request, "work_full.html#sections", context)
    place = place_of(request.user, work.pk)
    context |= {"place": place, "continue_url": continue_url(place, shown)}
    return render(request, "work_full.html", context)


def continue_url(place: ReadingPosition | None, shown: list[Chapter]) -> str:
    """Where the entire work's "Continue from chapter X, ¶ N" line leads: to the paragraph on
    this page when its chapter is among the ones drawn, else to the entire work starting at that
    chapter (`?from=X#cX-pN`), whose parts then load on from there as the reader scrolls.

    Not to the chapter page: the reader chose to read the work whole and expects to stay in it.
    Not to this page with every part up to X: on a long novel that would send a hundred
    chapters to show one paragraph. Empty when there is nothing to continue to: no place yet,
    or it is the top of the page's first chapter."""
    if place is None or not shown:
        return ""
    chapter = place.chapter
    if chapter.pk == shown[0].pk and place.paragraph <= 1:
        return ""
    anchor = f"#{section_prefix(chapter)}p{place.paragraph}"
    if any(drawn.pk == chapter.pk for drawn in shown):
        return anchor
    return f"{reverse('work_full', args=[chapter.work_id])}?from={chapter.position}{anchor}"


@require_GET
@login_required
@vary_on_headers("HX-Request")
def annotation_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """One note shown at the reader's asking, though it may be a spoiler of what they have not
    read yet: with htmx its list entry, drawn with the note, in place of the marker; without
    JavaScript its thread page, which shows it. Only a note the reader may see at all."""
    annotations = (
        Annotation.objects.visible_to(request.user)
        .with_reply_counts(request.user)
        .select_related("owner", "group")
        .prefetch_related("tags")
    )
    annotation = get_object_or_404(annotations, pk=pk)
    if not wants_fragment(request):
        return redirect("annotation_thread", annotation.pk)
    context = {"annotation": annotation, "user": request.user, "revealed": True}
    return HttpResponse(render_to_string("chapter.html#annotation-entry", context, request))


def _is_view_of(reader, view: str) -> bool:
    """Whether the reader may choose this view: theirs, everyone's, or one of their groups."""
    if view in {MINE, ALL}:
        return True
    return view.isdigit() and reader.memberships.filter(group=view).exists()


def section_prefix(chapter: Chapter) -> str:
    """What keeps a chapter's paragraph ids unique on the entire-work page."""
    return f"c{chapter.position}-"


@require_POST
@login_required
def reading_preferences(request: HttpRequest) -> HttpResponse:
    toggle = request.POST.get("toggle")
    if toggle == COLOUR_BY_TAG:
        request.session[toggle] = not request.session.get(toggle, False)
    work, view = request.POST.get("work", ""), request.POST.get("view", "")
    if work.isdigit() and _is_view_of(request.user, view):
        request.session[READING_VIEWS] = {**request.session.get(READING_VIEWS, {}), work: view}
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, {request.get_host()}, request.is_secure()
    ):
        back = reverse("library")
    return HttpResponseRedirect(back)
