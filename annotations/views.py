"""Annotation views: thin, method-restricted, and a 404 for anything not the reader's.

A write from the page (htmx) answers with only what it changed (annotations.chapter_page.Changes);
without JavaScript it goes back to the chapter.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annotations import services
from annotations.anchoring import AnchorError
from annotations.annotation_input import InvalidInput, read_annotation, read_selection
from annotations.chapter_page import Changes
from annotations.models import Annotation, Colour, Tag
from annotations.write_lookups import get_chapter, get_own_annotation
from fics.http import wants_fragment
from groups.models import ReadingGroup

# Ids on the entire-work page carry their chapter ("c12-p3"); the chapter page's carry none.
PAGE_PREFIX = re.compile(r"(c\d{1,6}-)?")


def _get_visible_annotation(request: HttpRequest, pk: int) -> Annotation:
    annotations = Annotation.objects.visible_to(request.user).select_related("chapter__work")
    return get_object_or_404(annotations, pk=pk)


def _changes(request: HttpRequest, annotation: Annotation) -> Changes:
    prefix = request.POST.get("prefix", "")
    return Changes(request, annotation.chapter, prefix if PAGE_PREFIX.fullmatch(prefix) else "")


@require_POST
@login_required
def annotation_create(request: HttpRequest, work_pk: int, position: int) -> HttpResponse:
    chapter = get_chapter(work_pk, position)
    try:
        selection = read_selection(request.POST)
        fields = read_annotation(request.POST, request.user)
        annotation = services.annotation_create(
            user=request.user,
            chapter=chapter,
            utf16_start=selection.utf16_start,
            utf16_end=selection.utf16_end,
            exact=selection.exact,
            colour=fields.colour or Colour.YELLOW,
            note=fields.note,
            tag_names=fields.tags,
            tag_kind=fields.tag_kind or None,
            shared=fields.shared,
            group=fields.group,
            spoiler=fields.spoiler,
        )
    except (InvalidInput, AnchorError) as error:
        return HttpResponseBadRequest(str(error))
    if not wants_fragment(request):
        return redirect(chapter)
    # Nothing to read back for its list entry: a new thread has no replies, and its tags came
    # back known (services.ChosenTags).
    annotation.reply_count = 0
    changes = _changes(request, annotation).redraw(annotation).insert(annotation)
    return changes.response(tags_changed=bool(annotation.new_tags))


@require_GET
@login_required
def annotation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An annotation's permanent address: the chapter, scrolled to the highlight."""
    return redirect(_get_visible_annotation(request, pk).get_absolute_url())


@require_http_methods(["GET", "POST"])
@login_required
def annotation_update(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = get_own_annotation(request.user, pk)
    if request.method == "GET":
        # Loaded into the list on demand: a chapter with hundreds of notes stays light.
        fragment = wants_fragment(request)
        template = "annotation_edit.html#edit-form" if fragment else "annotation_edit.html"
        context = {
            "annotation": annotation,
            "colours": Colour.choices,
            "tag_kinds": Tag.Kind.choices,
            "reader_groups": ReadingGroup.objects.filter(memberships__user=request.user),
        }
        return render(request, template, context)
    try:
        fields = read_annotation(request.POST, request.user)
    except InvalidInput as error:
        return HttpResponseBadRequest(str(error))
    annotation = services.annotation_update(
        annotation=annotation,
        colour=fields.colour or annotation.colour,
        note=fields.note,
        shared=fields.shared,
        group=fields.group,
        spoiler=fields.spoiler,
        tag_names=fields.tags,
        tag_kind=fields.tag_kind or None,
    )
    if not wants_fragment(request):
        return redirect(annotation.chapter)
    changes = _changes(request, annotation).redraw(annotation).replace(annotation)
    return changes.response(tags_changed=bool(annotation.new_tags))


@require_POST
@login_required
def annotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = get_own_annotation(request.user, pk)
    services.annotation_delete(annotation=annotation)
    if not wants_fragment(request):
        messages.info(request, "Annotation deleted.")
        return redirect(annotation.chapter)
    changes = _changes(request, annotation).redraw(annotation).remove(f"annotation-{pk}")
    return changes.response(undo=annotation)


@require_POST
@login_required
def annotation_restore(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = get_own_annotation(request.user, pk, deleted=True)
    services.annotation_restore(annotation=annotation)
    if not wants_fragment(request):
        return redirect(annotation.chapter)
    return _changes(request, annotation).redraw(annotation).insert(annotation).response()


@require_POST
@login_required
def annotation_reattach(request: HttpRequest, pk: int) -> HttpResponse:
    """Put an orphaned annotation (its words left the chapter) on a new selection."""
    annotation = get_own_annotation(request.user, pk)
    try:
        selection = read_selection(request.POST)
        services.annotation_reattach(
            annotation=annotation,
            utf16_start=selection.utf16_start,
            utf16_end=selection.utf16_end,
            exact=selection.exact,
        )
    except (InvalidInput, AnchorError) as error:
        return HttpResponseBadRequest(str(error))
    if not wants_fragment(request):
        return redirect(annotation.chapter)
    changes = _changes(request, annotation).redraw(annotation).insert(annotation).orphans()
    return changes.response()
